/**
 * Campaign throughput with 1 and 2 worker threads (target: 2 workers at least 1.7x one worker on 2 cores).
 * Each configuration runs the same seeded campaign on the reference machine for a few seconds; rates are
 * taken from the first progress report with a case to the end, so worker start-up is not counted. Two
 * rounds, alternating, best of each: other load on the machine slows a round, never speeds it up.
 *
 * The wall-clock ratio only means something on otherwise idle cores: with Linux's autogroup scheduling a
 * busy machine gives this process one share however many threads it runs. So the process CPU time per case
 * is reported too (equal for 1 and 2 workers means the workers do not get in each other's way), and the
 * load average at the start, to tell a loaded measurement from a slow campaign.
 */
import { loadavg } from 'node:os';
import type { CampaignProgress } from '../src/campaign/campaign-options.ts';
import { runCampaign } from '../src/campaign/run-campaign.ts';
import { testCampaign } from '../src/campaign/test-options.ts';
import { parallelCeiling } from './parallel-ceiling.ts';
import { runInShippedProcess } from './shipped-process.ts';

const SECONDS_PER_RUN = 6;
const ROUNDS = 2;

interface Point {
  readonly elapsedMs: number;
  readonly cases: number;
  readonly cpuMs: number;
}

interface Rate {
  readonly casesPerSecond: number;
  readonly cpuMsPerCase: number;
}

function cpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

/** From the first point with a case to the last point. */
export function steadyRate(points: readonly Point[]): Rate {
  const first = points.find((p) => p.cases > 0);
  const last = points.at(-1);
  if (first === undefined || last === undefined || last.cases <= first.cases) return { casesPerSecond: 0, cpuMsPerCase: 0 };
  const cases = last.cases - first.cases;
  return { casesPerSecond: (cases * 1000) / (last.elapsedMs - first.elapsedMs), cpuMsPerCase: (last.cpuMs - first.cpuMs) / cases };
}

async function measure(workers: number): Promise<Rate> {
  const points: Point[] = [];
  const onProgress = (p: CampaignProgress) => points.push({ elapsedMs: p.elapsedMs, cases: p.cases, cpuMs: cpuMs() });
  await runCampaign(testCampaign({ machine: 'reference', seed: 20261121, runs: null, durationMs: SECONDS_PER_RUN * 1000, workers, progressIntervalMs: 250, onProgress }));
  return steadyRate(points);
}

export async function campaignBenchmarks(): Promise<Record<string, number>> {
  const load = loadavg()[0] ?? 0;
  const ceiling = await parallelCeiling();
  let one: Rate = { casesPerSecond: 0, cpuMsPerCase: 0 };
  let two: Rate = { casesPerSecond: 0, cpuMsPerCase: 0 };
  for (let round = 0; round < ROUNDS; round++) {
    const a = await measure(1);
    if (a.casesPerSecond > one.casesPerSecond) one = a;
    const b = await measure(2);
    if (b.casesPerSecond > two.casesPerSecond) two = b;
  }
  return {
    'campaign.cases-per-second-1-worker': one.casesPerSecond,
    'campaign.cases-per-second-2-workers': two.casesPerSecond,
    'campaign.speedup-2-workers': one.casesPerSecond > 0 ? two.casesPerSecond / one.casesPerSecond : 0,
    'campaign.cpu-ms-per-case-1-worker': one.cpuMsPerCase,
    'campaign.cpu-ms-per-case-2-workers': two.cpuMsPerCase,
    'campaign.load-average-at-start': load,
    'campaign.machine-ceiling-2-threads': ceiling,
    'campaign.speedup-of-ceiling': ceiling > 0 && one.casesPerSecond > 0 ? two.casesPerSecond / one.casesPerSecond / ceiling : 0,
  };
}

/**
 * The campaign figures as xlatcheck runs (a process with V8's --single-threaded, bin/xlatcheck.js), and
 * beside them the same measurement with V8's background threads on, named default-v8.
 */
export async function shippedCampaignBenchmarks(): Promise<Record<string, number>> {
  const shipped = runInShippedProcess(new URL('./campaign-child.ts', import.meta.url));
  const defaults = await campaignBenchmarks();
  const renamed = Object.entries(defaults)
    .filter(([k]) => /cases-per-second|speedup-2-workers/.test(k))
    .map(([k, v]) => [k.replace('campaign.', 'campaign.default-v8.'), v] as const);
  return { ...shipped, ...Object.fromEntries(renamed) };
}
