/**
 * The crash-safety suite passes only if its detectors can fail: here each one meets the damage it exists
 * to catch, made on purpose (a finding cut short, a finding edited in place, reports cut short, a finding
 * reported but missing, a restarted campaign that saves new findings before replaying the old ones).
 */
import { cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { temporaryFolder } from '../src/campaign/test-options.ts';
import type { Line } from './support/cli-process.ts';
import { auditFolder } from './support/folder-audit.ts';
import { lostFindings, restartViolations } from './support/kill-checks.ts';

const FIXTURES = join(import.meta.dirname, 'fixtures', 'findings');
const WALK_ID = '574825c1ab1641e3';
const SPACE_ID = '67d976d30a993d5e';

/** A campaign folder holding the two fixture findings under their content names, and whole reports. */
function healthyFolder(): string {
  const out = join(temporaryFolder(), 'out');
  mkdirSync(join(out, 'findings'), { recursive: true });
  cpSync(join(FIXTURES, 'walk-finding.json'), join(out, 'findings', `${WALK_ID}.json`));
  cpSync(join(FIXTURES, 'space-finding.json'), join(out, 'findings', `${SPACE_ID}.json`));
  writeFileSync(join(out, 'junit.xml'), '<?xml version="1.0"?>\n<testsuites>\n</testsuites>\n');
  writeFileSync(join(out, 'report.html'), '<!doctype html><html><body></body></html>');
  return out;
}

const line = (text: string): Line => ({ stream: 'stderr', text, at: 0 });

describe('the folder audit', () => {
  it('passes a healthy folder (the fixtures are named by their content)', () => {
    const audit = auditFolder(healthyFolder());
    expect(audit.problems).toEqual([]);
    expect([...audit.findings].sort()).toEqual([WALK_ID, SPACE_ID].sort());
  });

  it('flags a finding cut short', () => {
    const out = healthyFolder();
    const file = join(out, 'findings', `${WALK_ID}.json`);
    writeFileSync(file, readFileSync(file, 'utf8').slice(0, 700));
    const audit = auditFolder(out);
    expect(audit.problems.join('\n')).toMatch(/574825c1ab1641e3\.json is not valid JSON/);
    expect(audit.findings.has(WALK_ID)).toBe(false);
  });

  it('flags a finding edited in place that still parses and validates', () => {
    const out = healthyFolder();
    const file = join(out, 'findings', `${SPACE_ID}.json`);
    const finding = JSON.parse(readFileSync(file, 'utf8')) as { run: { index: number } };
    finding.run.index += 1;
    writeFileSync(file, JSON.stringify(finding, null, 2) + '\n');
    expect(auditFolder(out).problems.join('\n')).toMatch(/content hash is [0-9a-f]{16}, not its name/);
  });

  it('flags a finding whose case its family cannot rebuild', () => {
    const out = healthyFolder();
    const file = join(out, 'findings', `${WALK_ID}.json`);
    const finding = JSON.parse(readFileSync(file, 'utf8')) as { case: { version: number } };
    finding.case.version = 0;
    writeFileSync(file, JSON.stringify(finding));
    expect(auditFolder(out).problems.join('\n')).toMatch(/case: trace version 0 is not supported/);
  });

  it('flags reports cut short', () => {
    const out = healthyFolder();
    writeFileSync(join(out, 'report.json'), '{ "format": "xlatcheck-campaign-report", "ver');
    writeFileSync(join(out, 'report.html'), '<!doctype html><html><body><main>');
    writeFileSync(join(out, 'junit.xml'), '<?xml version="1.0"?>\n<testsuites>\n');
    const problems = auditFolder(out).problems.join('\n');
    expect(problems).toMatch(/report\.json is not a readable JSON file/);
    expect(problems).toMatch(/report\.html is cut short/);
    expect(problems).toMatch(/junit\.xml is cut short/);
  });

  it('does not count a finding that vanished', () => {
    const out = healthyFolder();
    rmSync(join(out, 'findings', `${WALK_ID}.json`));
    const audit = auditFolder(out);
    expect(lostFindings([WALK_ID], new Set([SPACE_ID]), audit.findings)).toEqual([WALK_ID]);
    expect(lostFindings([], new Set([SPACE_ID, WALK_ID]), audit.findings)).toEqual([WALK_ID]);
  });
});

describe('the restart check', () => {
  const before = new Set([WALK_ID, SPACE_ID]);
  const header = [line('xlatcheck fuzz: machine m, seed 1'), line('  replaying 2 earlier finding(s) first'), line('  out: /x')];
  const replayed = (id: string) => line(`xlatcheck: replayed ${id} (previous): reproduced`);
  const saved = (id: string) => line(`xlatcheck: finding ${id} saved: translation: x`);

  it('accepts replays first, reproductions saved under their old names, then new findings', () => {
    const lines = [...header, saved(WALK_ID), replayed(WALK_ID), replayed(SPACE_ID), saved('00000000000000aa')];
    expect(restartViolations(lines, before)).toEqual([]);
  });

  it('refuses a new finding saved before the replays are done', () => {
    const lines = [...header, replayed(WALK_ID), saved('00000000000000aa'), replayed(SPACE_ID)];
    expect(restartViolations(lines, before)).toEqual(['saved new finding 00000000000000aa after only 1 of 2 replays']);
  });

  it('refuses a campaign that does not announce every finding on disk', () => {
    const lines = [line('xlatcheck fuzz: machine m, seed 1'), line('  out: /x')];
    expect(restartViolations(lines, before)).toEqual(['announced 0 replay(s) for 2 finding(s) on disk']);
  });
});
