/**
 * Crash safety: campaigns on machines with known bugs are killed with SIGKILL at seeded moments, again and
 * again in the same --out folder. After every kill, every finding the campaign reported (and every one the
 * folder held before) must be on disk and intact, no damaged file may exist, and the next campaign in that
 * folder must start cleanly (leftovers of the kill swept) and replay the existing findings before anything
 * new. Each chain ends with a campaign that runs to completion and replays them all.
 */
import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CliProcess, type Exit, reportedFindings, runCli, sleep } from './support/cli-process.ts';
import { SuiteFigures } from './support/figures.ts';
import { auditFolder, type FolderAudit } from './support/folder-audit.ts';
import { lostFindings, restartViolations, sawHeader } from './support/kill-checks.ts';
import { BUDGET_MS, killPlan, type KillStep } from './support/kill-plan.ts';

const KILL_SEED = 'xlatcheck-reliability-kills-1';
/** Three folders killed in parallel (two cores); 54 steps, of which only budget-end ones may finish first. */
const CHAINS = [
  { machine: 'broken:truncated-pa', properties: 'big-memory' },
  { machine: 'broken:no-invlpg', properties: 'tlb-coherence,translation' },
  { machine: 'broken:no-accessed-dirty', properties: 'translation,faults' },
] as const;
const STEPS_PER_CHAIN = 18;
const REQUIRED_KILLS = 50;
/** If an anchor never comes (a campaign that finds nothing), kill anyway after this long. */
const ANCHOR_PATIENCE_MS = 8000;

const figures = new SuiteFigures('crash-safety');
const root = mkdtempSync(join(tmpdir(), 'xlatcheck-kills-'));
const noRegressions = join(root, 'no-regressions');
mkdirSync(noRegressions);

interface StepRecord {
  readonly killed: boolean;
  readonly failures: readonly string[];
  readonly reported: number;
  readonly lost: number;
}

const isHeaderEnd = (text: string) => text.startsWith('  out: ');

/** The first new finding (replays of the folder's findings also save theirs, under the same names). */
async function anchorOf(child: CliProcess, step: KillStep, before: ReadonlySet<string>): Promise<void> {
  const patience = sleep(ANCHOR_PATIENCE_MS);
  const anchor = {
    spawn: () => Promise.resolve(),
    header: () => child.waitForLine((l) => isHeaderEnd(l.text)),
    'budget-end': () => child.waitForLine((l) => isHeaderEnd(l.text)).then(() => sleep(BUDGET_MS)),
    finding: () => child.waitForLine((l) => reportedFindings([l]).some((id) => !before.has(id))),
  }[step.anchor];
  await Promise.race([anchor(), patience]);
}

function fuzzArgs(chain: (typeof CHAINS)[number], out: string, step: Pick<KillStep, 'seed' | 'workers'>, budget: string[]): string[] {
  return ['fuzz', '--machine', chain.machine, '--properties', chain.properties, '--seed', String(step.seed), '--workers', String(step.workers), '--out', out, '--regressions', noRegressions, ...budget];
}

/** One campaign started in `out`, killed at its planned moment, and everything the suite demands checked. */
async function killStep(chain: (typeof CHAINS)[number], out: string, step: KillStep, where: string): Promise<StepRecord> {
  const before = auditFolder(out);
  const budget = step.anchor === 'budget-end' ? ['--duration', `${BUDGET_MS}ms`] : ['--runs', '1000000'];
  const child = new CliProcess(fuzzArgs(chain, out, step, budget));
  await anchorOf(child, step, before.findings);
  await sleep(Math.max(0, step.delayMs));
  child.kill('SIGKILL');
  const exit = await child.exited;
  const killed = exit.signal === 'SIGKILL';
  const after = auditFolder(out);
  const reported = reportedFindings(exit.lines);
  const lost = lostFindings(reported, before.findings, after.findings);
  const failures = [
    ...after.problems.map((p) => `damaged: ${p}`),
    ...lost.map((id) => `lost: ${id}`),
    ...(reported.length <= after.findings.size ? [] : [`reported ${reported.length} finding(s), ${after.findings.size} on disk`]),
    ...restartViolations(exit.lines, before.findings),
    ...leftoversKept(before, after, exit),
    ...(killed || exit.code === 1 ? [] : [`ended with code ${exit.code} instead of being killed: ${exit.stderr.slice(-300)}`]),
  ].map((f) => `${where} (${step.anchor} +${step.delayMs}ms, ${step.workers} worker(s)): ${f}`);
  return { killed, failures, reported: reported.length, lost: lost.length };
}

/** A campaign that got as far as its header must have swept what the previous kill left behind. */
function leftoversKept(before: FolderAudit, after: FolderAudit, exit: Exit): string[] {
  if (!sawHeader(exit.lines)) return [];
  return before.strays.filter((s) => after.strays.includes(s)).map((s) => `left over from the previous kill and not swept: ${s}`);
}

/** The chain's last campaign runs to completion: a clean start, every finding on disk replayed and reproduced. */
async function finalCampaign(chain: (typeof CHAINS)[number], out: string, where: string): Promise<string[]> {
  const before = auditFolder(out);
  const exit = await runCli([...fuzzArgs(chain, out, { seed: 1, workers: 0 }, ['--runs', '2']), '--json']);
  const after = auditFolder(out);
  const failures: string[] = [];
  if (exit.code !== 1) return [`${where} final campaign: exit ${exit.code} ${exit.stderr.slice(-400)}`];
  const summary = JSON.parse(exit.stdout) as { replayed: { id: string; source: string; status: string }[] };
  const replayed = summary.replayed.filter((r) => r.source === 'previous');
  if (replayed.length !== before.findings.size) failures.push(`replayed ${replayed.length} of ${before.findings.size} findings on disk`);
  for (const r of replayed) if (!before.findings.has(r.id) || r.status !== 'reproduced') failures.push(`replay of ${r.id}: ${r.status}`);
  failures.push(...after.problems, ...after.strays.map((s) => `stray file at the end: ${s}`));
  failures.push(...lostFindings([], before.findings, after.findings).map((id) => `lost: ${id}`));
  return failures.map((f) => `${where} final campaign: ${f}`);
}

async function runChain(index: number): Promise<{ steps: StepRecord[]; final: string[]; findings: number }> {
  const chain = CHAINS[index] as (typeof CHAINS)[number];
  const out = join(root, `chain-${index}`);
  const steps: StepRecord[] = [];
  for (const [i, step] of killPlan(`${KILL_SEED}:${index}`, STEPS_PER_CHAIN).entries()) steps.push(await killStep(chain, out, step, `${chain.machine} step ${i}`));
  const final = await finalCampaign(chain, out, chain.machine);
  return { steps, final, findings: auditFolder(out).findings.size };
}

afterAll(() => {
  figures.write();
});

describe('SIGKILL at seeded moments', () => {
  it(`loses no finding and leaves no damaged file over at least ${REQUIRED_KILLS} kills`, async () => {
    const chains = await Promise.all(CHAINS.map((_, i) => runChain(i)));
    const steps = chains.flatMap((c) => c.steps);
    figures.set('kills', steps.filter((s) => s.killed).length);
    figures.set('campaigns started', steps.length + chains.length);
    figures.set('findings reported before a kill', steps.reduce((n, s) => n + s.reported, 0));
    figures.set('kills after at least one finding was reported', steps.filter((s) => s.killed && s.reported > 0).length);
    figures.set('findings on disk at the end', chains.reduce((n, c) => n + c.findings, 0));
    figures.set('findings lost', steps.reduce((n, s) => n + s.lost, 0));
    expect([...steps.flatMap((s) => s.failures), ...chains.flatMap((c) => c.final)]).toEqual([]);
    expect(figures.get('kills')).toBeGreaterThanOrEqual(REQUIRED_KILLS);
    // The kills must hit campaigns at work, not only ones still starting up.
    expect(figures.get('kills after at least one finding was reported')).toBeGreaterThanOrEqual(15);
  }, 240_000);
});
