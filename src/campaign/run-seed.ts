/**
 * Per-run seeds. One campaign seed decides everything: run i's fast-check seed is drawn from a seedrandom
 * stream keyed by the campaign seed and i, never by the worker, the shard or the clock.
 */
import seedrandom from 'seedrandom';

/** A signed 32-bit fast-check seed for run `index` of the campaign with seed `campaignSeed`. */
export function runSeed(campaignSeed: number, index: number): number {
  return seedrandom(`${campaignSeed}:${index}`).int32();
}
