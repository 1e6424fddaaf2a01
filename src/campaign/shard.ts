/**
 * Shards: `--shard i/n` runs the run indices i' with i' mod n = i - 1, so n shards together run exactly
 * the runs of the unsharded campaign, and any split finds the same things.
 */
import { UsageError } from '../config/run-config.ts';
import type { Shard } from '../report/campaign-report.ts';

export const WHOLE: Shard = { index: 1, count: 1 };
const MAX_SHARDS = 1000;

export function parseShard(text: string): Shard {
  const match = /^(\d+)\/(\d+)$/.exec(text.trim());
  if (match === null) throw new UsageError(`shard must look like i/n (for example 2/4), got ${JSON.stringify(text)}`);
  const index = Number(match[1]);
  const count = Number(match[2]);
  if (count < 1 || count > MAX_SHARDS) throw new UsageError(`shard count must be from 1 to ${MAX_SHARDS}, got ${count}`);
  if (index < 1 || index > count) throw new UsageError(`shard index must be from 1 to ${count}, got ${text.trim()}`);
  return { index, count };
}

/** The run indices of a shard, in order, below `runs` (endless when runs is null). */
export function* shardRuns(shard: Shard, runs: number | null): Generator<number> {
  for (let i = shard.index - 1; runs === null || i < runs; i += shard.count) yield i;
}

export function shardRunCount(shard: Shard, runs: number): number {
  return Math.max(0, Math.ceil((runs - (shard.index - 1)) / shard.count));
}
