/**
 * What a trace's accesses reach, found in one pass over its steps. With paging on: how many accesses touch
 * each linear 2 MiB region, what a guest window's slot would cost the trace (choose-window.ts) and whether
 * mapping the window drops any step (map-window.ts); relocation keeps every such access as it is (it moves
 * or drops only accesses made with paging off), so the counts of a trace hold for the trace relocated too.
 * With paging off: the physical bytes at their ends, whose regions must stay reachable (relocate-trace.ts).
 */
import { PAGE_2M } from '../../src/arch/entry-layout.ts';
import { type AccessStep, isAccessStep, type Trace } from '../../src/machine/trace.ts';
import { directEnds } from './relocate-trace.ts';

/** Counts by linear region number (va >>> 21), for the 2048 regions below 4 GiB. */
export type PagedAccessCounts = Uint32Array;

/** The linear 2 MiB regions of an access's first and last bytes (the same region for most accesses). */
export const firstRegion = (s: AccessStep): number => Math.floor(s.va / PAGE_2M);
export const lastRegion = (s: AccessStep): number => Math.floor(((s.va + s.size - 1) >>> 0) / PAGE_2M);

export interface AccessReach {
  readonly touching: PagedAccessCounts;
  /** The first and last physical bytes of every access made with paging off (directEnds), in step order. */
  readonly direct: readonly number[];
}

export function accessReach(trace: Trace, paging: readonly boolean[]): AccessReach {
  const touching = new Uint32Array(2 ** 32 / PAGE_2M);
  const touch = (region: number): void => {
    touching[region] = (touching[region] ?? 0) + 1;
  };
  const direct: number[] = [];
  trace.steps.forEach((s, i) => {
    if (!isAccessStep(s)) return;
    if (paging[i] === false) direct.push(...directEnds(s.va, s.size));
    if (paging[i] !== true) return;
    touch(firstRegion(s));
    if (lastRegion(s) !== firstRegion(s)) touch(lastRegion(s));
  });
  return { touching, direct };
}
