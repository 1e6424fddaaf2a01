/**
 * SIGINT and SIGTERM (Ctrl-C, a CI job cancelled): the campaign stops generating, saves its findings and a
 * partial report, and exits 130 within 5 seconds of the signal, even while a machine is stuck in a loop.
 * Every finding it reported is on disk, in report.json, and nothing in the folder is damaged.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { temporaryFolder } from '../src/campaign/test-options.ts';
import type { CampaignReport } from '../src/report/campaign-report.ts';
import { CliProcess, reportedFindings } from './support/cli-process.ts';
import { SuiteFigures } from './support/figures.ts';
import { auditFolder } from './support/folder-audit.ts';

const STOP_LIMIT_MS = 5000;
const MACHINES = join(import.meta.dirname, 'fixtures', 'machines');
const figures = new SuiteFigures('signal-stop');

interface Scenario {
  readonly name: string;
  readonly signal: 'SIGINT' | 'SIGTERM';
  readonly args: readonly string[];
  /** Findings to wait for before the signal (0: until the machine says it is stuck). */
  readonly findings: number;
}

const SCENARIOS: readonly Scenario[] = [
  { name: 'SIGINT, cases in the calling thread', signal: 'SIGINT', args: ['--machine', 'broken:truncated-pa', '--properties', 'big-memory', '--workers', '0'], findings: 2 },
  { name: 'SIGTERM, a worker thread', signal: 'SIGTERM', args: ['--machine', 'broken:no-accessed-dirty', '--properties', 'translation', '--workers', '1'], findings: 2 },
  // The machine never returns: the stop must abandon the case and end its worker, not wait for it.
  { name: 'SIGINT while a machine spins forever', signal: 'SIGINT', args: ['--machine', join(MACHINES, 'hangs-busy.js'), '--properties', 'translation', '--workers', '1'], findings: 0 },
];

afterAll(() => {
  figures.write();
});

async function interrupt(s: Scenario): Promise<{ stopMs: number; failures: string[] }> {
  const out = join(temporaryFolder(), 'out');
  const child = new CliProcess(['fuzz', ...s.args, '--duration', '10m', '--seed', '9', '--out', out, '--regressions', temporaryFolder()]);
  let seen = 0;
  await child.waitForLine((l) => (s.findings === 0 ? l.text.endsWith(': spinning') : reportedFindings([l]).length > 0 && ++seen >= s.findings));
  const sent = Date.now();
  child.kill(s.signal);
  const exit = await child.exited;
  const stopMs = Date.now() - sent;
  const failures: string[] = [];
  if (exit.code !== 130) failures.push(`exit ${exit.code} (signal ${exit.signal}) instead of 130: ${exit.stderr.slice(-300)}`);
  if (stopMs > STOP_LIMIT_MS) failures.push(`took ${stopMs} ms to stop`);
  const audit = auditFolder(out);
  failures.push(...audit.problems, ...audit.strays.map((f) => `stray ${f}`));
  const reported = reportedFindings(exit.lines);
  for (const id of reported) if (!audit.findings.has(id)) failures.push(`reported ${id}, not on disk`);
  if (!audit.hasReport) return { stopMs, failures: [...failures, 'no report.json'] };
  const report = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8')) as CampaignReport;
  if (report.outcome.stopReason !== 'interrupted') failures.push(`stopReason ${report.outcome.stopReason}`);
  const inReport = new Set(report.buckets.flatMap((b) => b.members.map((m) => m.id)));
  for (const id of audit.findings) if (!inReport.has(id)) failures.push(`${id} on disk but not in report.json`);
  if (report.outcome.findings !== audit.findings.size) failures.push(`report.json counts ${report.outcome.findings}, disk holds ${audit.findings.size}`);
  return { stopMs, failures: failures.map((f) => `${s.name}: ${f}`) };
}

describe('SIGINT and SIGTERM', () => {
  it(`save the findings and a partial report within ${STOP_LIMIT_MS / 1000} seconds`, async () => {
    const results = await Promise.all(SCENARIOS.map(interrupt));
    figures.set('signals sent', results.length);
    figures.set('slowest stop (ms)', Math.max(...results.map((r) => r.stopMs)));
    expect(results.flatMap((r) => r.failures)).toEqual([]);
  }, 90_000);
});
