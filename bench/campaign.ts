/**
 * Campaign throughput with 1 and 2 worker threads (target: 2 workers at least 1.7x one worker on 2 cores).
 * Each configuration runs the same seeded campaign on the reference machine for a few seconds; the rate is
 * taken from the throughput samples after the first case arrives, so worker start-up is not counted. Two
 * rounds, alternating, best of each: other load on the machine slows a round, never speeds it up.
 */
import { runCampaign } from '../src/campaign/run-campaign.ts';
import { testCampaign } from '../src/campaign/test-options.ts';
import type { ThroughputSample } from '../src/report/campaign-report.ts';

const SECONDS_PER_RUN = 6;
const ROUNDS = 2;

/** Cases per second between the first sample with a case and the last sample. */
export function steadyRate(samples: readonly ThroughputSample[]): number {
  const first = samples.find((s) => s.cases > 0);
  const last = samples.at(-1);
  if (first === undefined || last === undefined || last.elapsedMs <= first.elapsedMs) return 0;
  return ((last.cases - first.cases) * 1000) / (last.elapsedMs - first.elapsedMs);
}

async function casesPerSecond(workers: number): Promise<number> {
  const result = await runCampaign(
    testCampaign({ machine: 'reference', seed: 20261121, runs: null, durationMs: SECONDS_PER_RUN * 1000, workers, progressIntervalMs: 250 }),
  );
  return steadyRate(result.report.timing.throughput[0]?.samples ?? []);
}

export async function campaignBenchmarks(): Promise<Record<string, number>> {
  const best = { one: 0, two: 0 };
  for (let round = 0; round < ROUNDS; round++) {
    best.one = Math.max(best.one, await casesPerSecond(1));
    best.two = Math.max(best.two, await casesPerSecond(2));
  }
  return {
    'campaign.cases-per-second-1-worker': best.one,
    'campaign.cases-per-second-2-workers': best.two,
    'campaign.speedup-2-workers': best.one > 0 ? best.two / best.one : 0,
  };
}
