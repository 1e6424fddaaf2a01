/**
 * Hostile machines: modules that throw, hang (a busy loop, a promise that never settles), answer in the
 * wrong shape or too briefly, answer nothing, edit the trace they are given, return a result that cannot be
 * read, end their process, or throw from a timer. Each is run as a user would run it,
 * `xlatcheck fuzz --machine ./fixture.js --runs N --case-timeout 2s`, and must give one finding per run, of
 * the kind that names the misbehaviour, holding the trace that provoked it, while the campaign completes
 * every run. Nothing a machine does may turn into a pass, or into a harness error blamed on xlatcheck.
 */
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { temporaryFolder } from '../src/campaign/test-options.ts';
import { cli } from '../src/cli/cli.ts';
import { memoryIo } from '../src/cli/test-io.ts';
import { loadFindings } from '../src/findings/store.ts';
import { validateTrace } from '../src/machine/trace-validation.ts';
import { inBatches, runCli } from './support/cli-process.ts';
import { SuiteFigures } from './support/figures.ts';
import { auditFolder } from './support/folder-audit.ts';

const MACHINES = join(import.meta.dirname, 'fixtures', 'machines');
const RUNS = 3;
const CASE_TIMEOUT = '2s';
const figures = new SuiteFigures('hostile-machines');

interface Hostile {
  readonly fixture: string;
  /** The finding kinds it may give (at least one of them). */
  readonly kinds: readonly string[];
  /** Words of the machine's own failure that its findings must carry. */
  readonly says?: RegExp;
  /** Whether `xlatcheck replay` can re-run its findings (a hang cannot be cut short in replay). */
  readonly replays: boolean;
}

const HOSTILE: readonly Hostile[] = [
  { fixture: 'throws.js', kinds: ['machine-error'], says: /segmentation fault in the MMU model/, replays: true },
  { fixture: 'hangs-busy.js', kinds: ['timeout'], says: /no answer within 2000 ms/, replays: false },
  { fixture: 'hangs-promise.js', kinds: ['timeout'], says: /no answer within 2000 ms/, replays: false },
  { fixture: 'malformed-observations.js', kinds: ['malformed-result'], says: /malformed observation/, replays: true },
  { fixture: 'too-few-observations.js', kinds: ['malformed-result'], says: /returned \d+ observations for \d+ steps/, replays: true },
  { fixture: 'returns-nothing.js', kinds: ['malformed-result'], says: /no result object/, replays: true },
  { fixture: 'mutates-trace.js', kinds: ['malformed-result'], says: /returned 0 observations for [1-9]\d* steps/, replays: true },
  { fixture: 'unreadable-result.js', kinds: ['malformed-result'], says: /use after free/, replays: true },
  { fixture: 'exits-process.js', kinds: ['worker-crash'], replays: false },
  { fixture: 'throws-later.js', kinds: ['worker-crash', 'malformed-result'], replays: false },
];

afterAll(() => {
  figures.write();
});

async function replayReproduces(out: string): Promise<string[]> {
  const io = memoryIo(MACHINES);
  const code = await cli(['replay', out], io, new AbortController().signal);
  const all = /(\d+) of (\d+) finding\(s\) reproduced/.exec(io.stdout());
  return code === 1 && all !== null && all[1] === all[2] ? [] : [`replay: exit ${code}, ${io.stdout().slice(-200)}${io.stderrText()}`];
}

/** The campaign on one hostile machine, and everything wrong with what it left. */
async function campaignOn(h: Hostile): Promise<{ failures: string[]; findings: number; seconds: number }> {
  const out = join(temporaryFolder(), 'out');
  const args = ['fuzz', '--machine', `./${h.fixture}`, '--runs', String(RUNS), '--case-timeout', CASE_TIMEOUT, '--workers', '1'];
  const exit = await runCli([...args, '--properties', 'translation,faults', '--seed', '5', '--out', out, '--regressions', temporaryFolder(), '--json'], { cwd: MACHINES });
  const where = (f: string) => `${h.fixture}: ${f}`;
  if (exit.code !== 1) return { failures: [where(`exit ${exit.code}: ${exit.stderr.slice(-500)}`)], findings: 0, seconds: exit.ms / 1000 };
  const summary = JSON.parse(exit.stdout) as { stopReason: string; cases: number };
  const failures: string[] = [];
  if (summary.stopReason !== 'completed' || summary.cases !== RUNS) failures.push(`${summary.cases} of ${RUNS} runs, ${summary.stopReason}`);
  const audit = auditFolder(out);
  failures.push(...audit.problems, ...audit.strays.map((s) => `stray ${s}`));
  const findings = loadFindings(join(out, 'findings'));
  if (findings.length !== RUNS) failures.push(`${findings.length} findings for ${RUNS} runs`);
  for (const { id, finding } of findings) {
    if (!h.kinds.includes(finding.divergence.kind)) failures.push(`${id} is of kind ${finding.divergence.kind}`);
    if (h.says !== undefined && !h.says.test(finding.divergence.explanation)) failures.push(`${id} does not say ${h.says}: ${finding.divergence.explanation}`);
    try {
      if (validateTrace(finding.case).steps.length === 0) failures.push(`${id} holds a trace without steps`);
    } catch (error) {
      failures.push(`${id} holds no valid trace: ${String(error)}`);
    }
  }
  if (h.replays) failures.push(...(await replayReproduces(out)));
  return { failures: failures.map(where), findings: findings.length, seconds: exit.ms / 1000 };
}

describe('hostile machines, each in worker threads with a per-case timeout', () => {
  it('give one finding per run, with its trace, and the campaign completes its runs', async () => {
    const results = await inBatches(HOSTILE, 4, campaignOn);
    figures.set('hostile machines', HOSTILE.length);
    figures.set('runs', HOSTILE.length * RUNS);
    figures.set('findings', results.reduce((n, r) => n + r.findings, 0));
    figures.set('slowest hostile campaign (s)', Math.max(...results.map((r) => r.seconds)));
    expect(results.flatMap((r) => r.failures)).toEqual([]);
  }, 120_000);
});

describe('a short case timeout', () => {
  // The timeout is for a machine that does not answer. One that answers every run at once, but whose failing
  // cases take longer than the timeout to shrink, must get its real findings, never timeout ones.
  it('cuts shrinking short rather than calling a prompt machine hung', async () => {
    const out = join(temporaryFolder(), 'out');
    const args = ['fuzz', '--machine', './throws-slowly.js', '--runs', '2', '--case-timeout', '1s', '--workers', '1', '--properties', 'translation'];
    const exit = await runCli([...args, '--seed', '5', '--out', out, '--regressions', temporaryFolder()], { cwd: MACHINES });
    expect(exit.code).toBe(1);
    const findings = loadFindings(join(out, 'findings')).map((f) => f.finding);
    expect(findings.map((f) => f.divergence.kind)).toEqual(['machine-error', 'machine-error']);
    // Honest about it: the finding says its shrinking was cut by time.
    expect(findings.map((f) => f.shrink.cut)).toEqual(['time', 'time']);
  }, 60_000);
});

describe('hostile machines in the calling thread (--workers 0)', () => {
  // No thread to terminate there: a machine that ends the process or throws from a timer takes the campaign
  // down. It must never look like a pass (0) or like findings (1), and never print a stack trace.
  it.each(['exits-process.js', 'throws-later.js'])('%s ends the campaign with one line and exit 3', async (fixture) => {
    const out = join(temporaryFolder(), 'out');
    const exit = await runCli(['fuzz', '--machine', `./${fixture}`, '--runs', '2', '--workers', '0', '--out', out, '--regressions', temporaryFolder()], { cwd: MACHINES });
    figures.add('calling-thread campaigns');
    expect(exit.code).toBe(3);
    expect(exit.stderr).toMatch(/^xlatcheck: the machine .* (ended the process|threw outside any case)/m);
    expect(exit.stderr).not.toMatch(/^\s+at /m);
    expect(exit.stdout).toBe('');
  }, 60_000);
});
