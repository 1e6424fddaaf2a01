/**
 * Cases decided neither way (the specification's state bound reached, then a mismatch: check.ts) are
 * counted by a campaign, per family, and said in its summary, report.json, report.html and junit.xml,
 * through worker threads and without them. They were once passed over in silence, as passes; a replayed
 * finding decided neither way was called "not reproduced", as if the machine had been fixed.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli } from '../cli/cli.ts';
import { memoryIo } from '../cli/test-io.ts';
import type { CampaignReport } from '../report/campaign-report.ts';
import { inconclusiveModule } from './inconclusive-module.ts';
import { temporaryFolder } from './test-options.ts';

const never = new AbortController().signal;

async function run(args: string[], cwd: string) {
  const io = memoryIo(cwd);
  const code = await cli(args, io, never);
  return { code, stdout: io.stdout() };
}

const reportOf = (out: string): CampaignReport => JSON.parse(readFileSync(join(out, 'report.json'), 'utf8')) as CampaignReport;

async function fuzz(rule: 'mismatch' | 'agree', workers: number, json: boolean) {
  const dir = temporaryFolder();
  const out = join(dir, 'out');
  const args = ['fuzz', '--machine', inconclusiveModule(dir, rule), '--properties', 'translation,faults', '--runs', '6', '--seed', '3', '--workers', String(workers), '--out', out];
  const { code, stdout } = await run(json ? [...args, '--json'] : args, dir);
  return { code, stdout, report: reportOf(out), out };
}

/** A folder with the findings of a short campaign on a broken machine. */
async function brokenFindings(): Promise<{ dir: string; out: string; count: number }> {
  const dir = temporaryFolder();
  const out = join(dir, 'out');
  await run(['fuzz', '--machine', 'broken:large-offset-mask', '--properties', 'translation', '--runs', '8', '--seed', '7', '--workers', '0', '--max-findings', '2', '--out', out], dir);
  return { dir, out, count: reportOf(out).outcome.findings };
}

describe('inconclusive cases in a campaign', () => {
  it('are counted per family and said in the summary, the HTML report and junit.xml', async () => {
    const { code, stdout, report, out } = await fuzz('mismatch', 0, false);
    expect(code).toBe(0);
    expect(report.outcome).toMatchObject({ cases: 6, failedCases: 0, inconclusiveCases: 6, findings: 0 });
    expect(report.properties.map((p) => [p.name, p.inconclusiveCases])).toEqual([
      ['translation', 3],
      ['faults', 3],
    ]);
    expect(stdout).toContain("6 case(s) inconclusive, neither a pass nor a finding: the specification's bound of 256 followed states");
    expect(readFileSync(join(out, 'report.html'), 'utf8')).toContain('<dd data-field="inconclusive">6</dd>');
    expect(readFileSync(join(out, 'junit.xml'), 'utf8')).toContain('<system-out>3 cases, 3 inconclusive</system-out>');
  });

  it('come back from worker threads too, and in --json', async () => {
    const { stdout, report } = await fuzz('mismatch', 2, true);
    expect(report.outcome.inconclusiveCases).toBe(6);
    expect((JSON.parse(stdout) as { inconclusiveCases: number }).inconclusiveCases).toBe(6);
  });

  it('are not counted when the machine agrees: the same forking cases then pass', async () => {
    const { stdout, report } = await fuzz('agree', 0, false);
    expect(report.outcome).toMatchObject({ cases: 6, failedCases: 0, inconclusiveCases: 0, findings: 0 });
    expect(stdout).not.toContain('case(s) inconclusive');
  });

  it('replayed, are called inconclusive, not "not reproduced", by replay and by a campaign replaying its folder', async () => {
    const { dir, out, count } = await brokenFindings();
    expect(count).toBeGreaterThan(0);
    const machine = inconclusiveModule(dir, 'mismatch');
    const replay = await run(['replay', join(out, 'findings'), '--machine', machine], dir);
    expect(replay.code).toBe(0);
    expect(replay.stdout).toContain("inconclusive (the specification's bound of 256 followed states was reached, then a mismatch)");
    expect(replay.stdout).toContain(`0 of ${count} finding(s) reproduced, ${count} inconclusive`);
    expect(replay.stdout).not.toContain('not reproduced');
    const again = await run(['fuzz', '--machine', machine, '--properties', 'translation', '--runs', '2', '--seed', '3', '--workers', '0', '--out', out], dir);
    expect(again.stdout).toContain(`replayed ${count} earlier finding(s): 0 reproduced, ${count} inconclusive`);
    const replayed = reportOf(out).replayed;
    expect(replayed.map((r) => r.status)).toEqual(Array.from({ length: count }, () => 'inconclusive'));
    expect(replayed[0]?.note).toBe("decided neither way: the specification's bound of 256 followed states was reached, then a mismatch");
  });
});
