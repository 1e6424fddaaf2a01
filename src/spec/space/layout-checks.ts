/**
 * The layout judgement: every structural statement of the claims, checked against what a machine's page
 * tables and memory actually hold.
 *
 *   mapping       each paged space maps exactly the common chunk at its own addresses (claims 1, 10, 13),
 *                 its private window onto its chunk (claims 1, 9) and the BIOS chunk at the top (claims 3,
 *                 11), with the page sizes the layout asks for, writable, and nothing else
 *   tables        every paging structure lies in the page-table region of space 0 (claim 4)
 *   totals        together the spaces reach more than 4 GiB of physical memory, each at most 4 GiB
 *                 (claims 1, 9, 13: physical range larger than the virtual range; claim 18)
 *   module data   a call changes memory only in common memory (mailbox, stacks) and in the private chunks
 *                 of the modules it runs, and every module that stored something did so in its own chunk
 *                 (claims 1, 8, 9, 10, 12, 14: a chunk assigned for use by a software module)
 */
import { BIT } from '../../arch/entry-layout.ts';
import { hiHalf, loHalf } from '../../arch/word.ts';
import type { SystemLayout } from '../../machine/system.ts';
import type { MemoryWord } from '../../machine/trace.ts';
import { chunkAt, FOUR_GIB, privateChunk } from './chunks.ts';
import { bytes, hex, range } from './format.ts';
import type { SpaceReach } from './isolation.ts';
import { expectedPageRuns, PAGE_2M, type PageRun } from './mapping.ts';
import { pageRunsOf, type WalkedSpace } from './reach.ts';

function pageSizeName(size: number): string {
  return size === PAGE_2M ? '2 MiB' : '4 KiB';
}

function describeRun(r: PageRun): string {
  return `${range(r.va, r.size)} -> ${hex(r.pa)} in ${pageSizeName(r.pageSize)} pages`;
}

/** The first difference between what paged space k maps and what it must map; null when equal. */
export function mappingDifference(layout: SystemLayout, space: number, walked: WalkedSpace): string | null {
  if (walked.reserved.length > 0) {
    const r = walked.reserved[0]!;
    return `space ${space}: the ${r.level} for ${hex(r.va)} sets a reserved bit`;
  }
  const expected = expectedPageRuns(layout, space);
  const observed = pageRunsOf(walked.runs);
  for (let i = 0; i < Math.max(expected.length, observed.length); i++) {
    const e = expected[i];
    const o = observed[i];
    if (e !== undefined && o !== undefined && e.va === o.va && e.pa === o.pa && e.size === o.size && e.pageSize === o.pageSize) continue;
    const want = e === undefined ? 'nothing more' : describeRun(e);
    const got = o === undefined ? 'nothing more' : describeRun(o);
    return `space ${space} must map ${want}, its page tables map ${got}`;
  }
  const readOnly = walked.runs.find((r) => !r.writable);
  if (readOnly !== undefined) return `space ${space} maps ${range(readOnly.va, readOnly.size)} read-only; common memory and private chunks are written`;
  return null;
}

/** Claim 4: the paging structures of every paged space lie in the page-table region of space 0. */
export function tablesOutsideSpaceZero(layout: SystemLayout, space: number, walked: WalkedSpace): string | null {
  const region = layout.pageTables;
  for (const t of walked.tables) {
    const size = t.level === 'pdpt' ? 32 : 4096;
    if (t.pa < region.base || t.pa + size > region.base + region.size || t.pa + size > FOUR_GIB) {
      const where = chunkAt(layout, t.pa)?.name ?? 'memory outside every chunk';
      return `space ${space}'s ${t.level} at ${hex(t.pa)} is in ${where}, not in the page-table region ${range(region.base, region.size)} of space 0`;
    }
  }
  return null;
}

interface Interval {
  base: number;
  end: number;
}

function unionSize(intervals: Interval[]): number {
  const sorted = intervals.filter((i) => i.end > i.base).sort((a, b) => a.base - b.base);
  let total = 0;
  let cursor = -1;
  for (const i of sorted) {
    const start = Math.max(i.base, cursor);
    if (i.end > start) total += i.end - start;
    cursor = Math.max(cursor, i.end);
  }
  return total;
}

/** Claims 1, 9, 13, 18: more physical memory reached by all spaces together than 4 GiB, each at most 4 GiB. */
export function reachTotalsViolation(reaches: readonly SpaceReach[]): string | null {
  const all: Interval[] = [];
  for (const r of reaches) {
    const own = r.runs.map((run) => ({ base: run.pa, end: run.pa + run.size }));
    const size = unionSize(own);
    if (size > FOUR_GIB) return `space ${r.space} reaches ${bytes(size)} of physical memory, more than a 32-bit space can address`;
    all.push(...own);
  }
  const total = unionSize(all);
  if (total <= FOUR_GIB) return `all spaces together reach only ${bytes(total)} of physical memory, not more than the 4 GiB one space addresses`;
  return null;
}

const AD_MASK = 2 ** BIT.A + 2 ** BIT.D;

function onlyAccessedDirty(before: MemoryWord | undefined, after: MemoryWord | undefined): boolean {
  if (before === undefined || after === undefined) return false;
  const lo = (loHalf(before.value) ^ loHalf(after.value)) >>> 0;
  return hiHalf(before.value) === hiHalf(after.value) && (lo & ~AD_MASK) === 0;
}

/**
 * Claims 1, 8, 9, 10, 12, 14: after calls into `spaces` (including nested ones), which physical words
 * changed must be in common memory, in those spaces' private chunks, or accessed/dirty bits of page
 * tables; and each of `writers` (spaces whose module stored data) changed its own chunk.
 */
export function moduleDataViolation(
  layout: SystemLayout,
  before: readonly MemoryWord[],
  after: readonly MemoryWord[],
  spaces: readonly number[],
  writers: readonly number[],
): string | null {
  const was = new Map(before.map((w) => [w.pa, w]));
  const now = new Map(after.map((w) => [w.pa, w]));
  const changed = [...new Set([...was.keys(), ...now.keys()])].filter((pa) => was.get(pa)?.value !== now.get(pa)?.value).sort((a, b) => a - b);
  const chunks = spaces.map((k) => privateChunk(layout, k));
  const touched = new Set<number>();
  for (const pa of changed) {
    if (pa + 8 <= layout.common.size) continue;
    const owner = chunks.findIndex((c) => pa >= c.base && pa < c.base + c.size);
    if (owner >= 0) {
      touched.add(spaces[owner]!);
      continue;
    }
    const inTables = pa >= layout.pageTables.base && pa < layout.pageTables.base + layout.pageTables.size;
    if (inTables && onlyAccessedDirty(was.get(pa), now.get(pa))) continue;
    return `calls into spaces ${spaces.join(', ')} changed physical ${hex(pa)} (${chunkAt(layout, pa)?.name ?? 'memory outside every chunk'}), outside common memory and the private chunks of the modules called`;
  }
  const idle = writers.find((k) => !touched.has(k));
  if (idle !== undefined) return `space ${idle}'s module stored data, but nothing changed in its private chunk ${privateChunk(layout, idle).name}`;
  return null;
}
