/**
 * The isolation judgement (claims 1, 9, 13, 15): given what every space reaches (space 0: the identity
 * over [0, 4 GiB) when paging is off; a paged space: the runs of its exhaustive walk),
 *
 *   - a paged space reaches only the common chunk, the BIOS chunk and its own private chunk;
 *   - space 0 reaches no chunk owned by another space;
 *   - every private chunk, and the page tables (claim 4), are reached from exactly their owner.
 */
import type { SystemLayout } from '../../machine/system.ts';
import { allowedChunks, chunkAt, FOUR_GIB, type NamedChunk, namedChunks, overlaps } from './chunks.ts';
import { hex, range } from './format.ts';
import type { MappedRun } from './reach.ts';

export interface SpaceReach {
  readonly space: number;
  /** CR0.PG while translation follows this space. */
  readonly paging: boolean;
  readonly runs: readonly MappedRun[];
}

interface Interval {
  readonly base: number;
  readonly size: number;
}

/** The parts of [base, base + size) that no interval covers. */
export function uncovered(base: number, size: number, intervals: readonly Interval[]): Interval[] {
  const sorted = [...intervals].filter((i) => i.size > 0).sort((a, b) => a.base - b.base);
  const out: Interval[] = [];
  let cursor = base;
  const end = base + size;
  for (const i of sorted) {
    if (i.base + i.size <= cursor) continue;
    if (i.base >= end) break;
    if (i.base > cursor) out.push({ base: cursor, size: i.base - cursor });
    cursor = Math.max(cursor, i.base + i.size);
    if (cursor >= end) break;
  }
  if (cursor < end) out.push({ base: cursor, size: end - cursor });
  return out;
}

function describePa(layout: SystemLayout, pa: number): string {
  const c = chunkAt(layout, pa);
  return c === null ? 'memory outside every chunk' : c.name;
}

/** Where a paged space (or space 0) reaches memory it must not. */
function foreignReach(layout: SystemLayout, reach: SpaceReach): string[] {
  const out: string[] = [];
  const allowed: Interval[] = allowedChunks(layout, reach.space);
  if (reach.space === 0) {
    // Space 0's region is everything below 4 GiB that no other space owns.
    const foreign = namedChunks(layout).filter((c) => c.owner !== 'all' && c.owner !== 0);
    allowed.push(...uncoveredBelow4g(foreign));
  }
  for (const run of reach.runs) {
    for (const gap of uncovered(run.pa, run.size, allowed)) {
      const va = run.va + (gap.base - run.pa);
      out.push(`space ${reach.space} maps ${range(va, gap.size)} onto ${range(gap.base, gap.size)}, which is ${describePa(layout, gap.base)}`);
      if (out.length >= 4) return out;
    }
  }
  return out;
}

function uncoveredBelow4g(foreign: readonly NamedChunk[]): Interval[] {
  return uncovered(0, FOUR_GIB, foreign);
}

/** The spaces that reach some byte of a chunk, with the first linear address of each. */
export function reachersOf(chunk: Interval, reaches: readonly SpaceReach[]): { space: number; va: number }[] {
  const out: { space: number; va: number }[] = [];
  for (const reach of reaches) {
    const run = reach.runs.find((r) => overlaps(r.pa, r.size, chunk.base, chunk.size));
    if (run !== undefined) out.push({ space: reach.space, va: run.va + Math.max(0, chunk.base - run.pa) });
  }
  return out;
}

function exclusivity(layout: SystemLayout, reaches: readonly SpaceReach[]): string[] {
  const out: string[] = [];
  for (const chunk of namedChunks(layout)) {
    if (chunk.owner === 'all') continue;
    const reachers = reachersOf(chunk, reaches);
    const ok = reachers.length === 1 && reachers[0]!.space === chunk.owner;
    if (ok) continue;
    const who = reachers.length === 0 ? 'no space' : reachers.map((r) => `space ${r.space} (at ${hex(r.va)})`).join(' and ');
    out.push(`${chunk.name} ${range(chunk.base, chunk.size)} must be reached from space ${chunk.owner} only, but is reached from ${who}`);
  }
  return out;
}

/** Every isolation violation; empty when the spaces are isolated as the claims require. */
export function isolationViolations(layout: SystemLayout, reaches: readonly SpaceReach[]): string[] {
  return [...reaches.flatMap((r) => foreignReach(layout, r)), ...exclusivity(layout, reaches)];
}
