/**
 * Which layouts are valid, per the claims and the architecture: the specification's own judgement,
 * written independently of any kernel so that "the kernel rejects exactly the invalid layouts" can be
 * checked. Every violated rule is listed (a kernel reports one of them).
 *
 * The rules and why:
 *   maxphyaddr        MAXPHYADDR is 36..52 (SDM 4.1.4)
 *   space-count       at least three spaces (claims 9, 13), at most MAX_SPACES
 *   threads           1..MAX_THREADS threads
 *   alignment         chunks and windows aligned and sized to their pages (4 KiB, or 2 MiB for 2M / mixed)
 *   below-4g          page tables and the buffer cache live in space 0, below 4 GiB (claims 4, 10)
 *   stacks            the mailbox and one stack per thread fit in the common chunk (claims 2, 10)
 *   overlap           no two chunks share physical memory
 *   shared-private    a private chunk is reachable from one space only: a paged space's chunk below
 *                     4 GiB is reached by space 0 too (paging off), two overlapping chunks by both owners
 *   beyond-maxphyaddr every chunk fits below 2^MAXPHYADDR
 *   window            a private window sits between the common chunk and the BIOS chunk, inside 4 GiB,
 *                     no larger than its chunk (claims 3, 11: the top belongs to the BIOS chunk)
 *   page-tables       the page-table region holds the budget of pageTableBytesRequired
 *   module            a name cache needs an inode cache to ask for sizes (nc.stat)
 */
import {
  ABI,
  callsPerStack,
  type LayoutRule,
  MAX_SPACES,
  MAX_THREADS,
  MIN_SPACES,
  pageGranule,
  pageTableBytesRequired,
  type SystemLayout,
} from '../../machine/system.ts';
import { FOUR_GIB, namedChunks, overlaps, privateChunk, spaceCount } from './chunks.ts';
import { bytes, range } from './format.ts';

const PAGE_4K = 4096;

export interface LayoutViolation {
  readonly rule: LayoutRule;
  readonly message: string;
}

type Report = (rule: LayoutRule, message: string) => void;

/** Every rule the layout breaks for `threads` threads; empty when the layout is valid. */
export function layoutViolations(layout: SystemLayout, threads: number): LayoutViolation[] {
  const out: LayoutViolation[] = [];
  const report: Report = (rule, message) => out.push({ rule, message });
  checkCounts(layout, threads, report);
  checkAlignment(layout, report);
  checkSpaceZero(layout, report);
  checkStacks(layout, threads, report);
  checkOverlaps(layout, report);
  checkPrivateChunks(layout, report);
  checkWindows(layout, report);
  if (layout.pageTables.size < pageTableBytesRequired(layout)) {
    report('page-tables', `page-table region of ${bytes(layout.pageTables.size)} is smaller than the ${bytes(pageTableBytesRequired(layout))} the layout needs`);
  }
  checkModules(layout, report);
  return out;
}

function checkCounts(layout: SystemLayout, threads: number, report: Report): void {
  const m = layout.maxPhyAddr;
  if (!Number.isInteger(m) || m < 36 || m > 52) report('maxphyaddr', `MAXPHYADDR must be 36 to 52, got ${m}`);
  const n = spaceCount(layout);
  if (n < MIN_SPACES || n > MAX_SPACES) report('space-count', `a layout has ${MIN_SPACES} to ${MAX_SPACES} spaces, got ${n}`);
  if (!Number.isInteger(threads) || threads < 1 || threads > MAX_THREADS) {
    report('threads', `thread count must be 1 to ${MAX_THREADS}, got ${threads}`);
  }
}

function aligned(n: number, granule: number): boolean {
  return Number.isSafeInteger(n) && n >= 0 && n % granule === 0;
}

function checkAlignment(layout: SystemLayout, report: Report): void {
  const sized = (what: string, base: number, size: number, granule: number): void => {
    if (!aligned(base, granule) || !aligned(size, granule) || size === 0) {
      report('alignment', `${what} ${range(base, size)} must be non-empty and aligned to ${bytes(granule)}`);
    }
  };
  sized('common chunk', 0, layout.common.size, pageGranule(layout.common.pages));
  sized('BIOS chunk', FOUR_GIB - layout.bios.size, layout.bios.size, pageGranule(layout.bios.pages));
  sized('page-table region', layout.pageTables.base, layout.pageTables.size, PAGE_4K);
  sized('buffer-cache chunk', layout.bufferCache.base, layout.bufferCache.size, PAGE_4K);
  layout.spaces.forEach((s, i) => {
    const g = pageGranule(s.pages);
    sized(`private chunk of space ${i + 1}`, s.chunk.base, s.chunk.size, g);
    sized(`window of space ${i + 1}`, s.window.va, s.window.size, g);
  });
}

function checkSpaceZero(layout: SystemLayout, report: Report): void {
  for (const [what, c] of [
    ['page-table region', layout.pageTables],
    ['buffer-cache chunk', layout.bufferCache],
  ] as const) {
    if (c.base + c.size > FOUR_GIB) report('below-4g', `${what} ${range(c.base, c.size)} must lie in space 0, below 4 GiB`);
  }
}

function checkStacks(layout: SystemLayout, threads: number, report: Report): void {
  if (!aligned(layout.stackBytes, ABI.FRAME_BYTES) || callsPerStack(layout.stackBytes) < 1) {
    report('stacks', `stack size ${layout.stackBytes} must be a positive multiple of ${ABI.FRAME_BYTES} bytes`);
    return;
  }
  const end = ABI.STACKS_VA + threads * layout.stackBytes;
  if (end > layout.common.size) {
    report('stacks', `the mailbox and ${threads} stacks of ${bytes(layout.stackBytes)} need ${bytes(end)} of common memory, which has ${bytes(layout.common.size)}`);
  }
}

function checkOverlaps(layout: SystemLayout, report: Report): void {
  const chunks = namedChunks(layout);
  for (let i = 0; i < chunks.length; i++) {
    for (let j = i + 1; j < chunks.length; j++) {
      const a = chunks[i]!;
      const b = chunks[j]!;
      if (overlaps(a.base, a.size, b.base, b.size)) {
        report('overlap', `${a.name} ${range(a.base, a.size)} overlaps ${b.name} ${range(b.base, b.size)}`);
      }
    }
  }
}

function checkPrivateChunks(layout: SystemLayout, report: Report): void {
  const limit = 2 ** layout.maxPhyAddr;
  for (let k = 1; k < spaceCount(layout); k++) {
    const c = privateChunk(layout, k);
    if (c.base < FOUR_GIB) {
      report('shared-private', `${c.name} ${range(c.base, c.size)} lies below 4 GiB, where space 0 reaches it with paging off`);
    }
    if (c.base + c.size > limit) {
      report('beyond-maxphyaddr', `${c.name} ${range(c.base, c.size)} does not fit below 2^${layout.maxPhyAddr}`);
    }
    for (let j = k + 1; j < spaceCount(layout); j++) {
      const d = privateChunk(layout, j);
      if (overlaps(c.base, c.size, d.base, d.size)) {
        report('shared-private', `${c.name} and ${d.name} share physical memory, so two spaces reach it`);
      }
    }
  }
}

function checkWindows(layout: SystemLayout, report: Report): void {
  const low = layout.common.size;
  const high = FOUR_GIB - layout.bios.size;
  layout.spaces.forEach((s, i) => {
    const w = s.window;
    if (w.va < low || w.va + w.size > high) {
      report('window', `window of space ${i + 1} ${range(w.va, w.size)} must lie between the common chunk and the BIOS chunk ${range(low, high - low)}`);
    }
    if (w.size > s.chunk.size) {
      report('window', `window of space ${i + 1} (${bytes(w.size)}) is larger than its chunk (${bytes(s.chunk.size)})`);
    }
  });
}

function checkModules(layout: SystemLayout, report: Report): void {
  const kinds = layout.spaces.map((s) => s.module);
  if (kinds.includes('name-cache') && !kinds.includes('inode-cache')) {
    report('module', 'a name cache needs an inode cache in some space (nc.stat asks it for sizes)');
  }
}

/** The paged space whose inode cache a name cache asks (the lowest-numbered one); null if none. */
export function inodeCacheSpace(layout: SystemLayout): number | null {
  const i = layout.spaces.findIndex((s) => s.module === 'inode-cache');
  return i < 0 ? null : i + 1;
}

/** One-line summary of a violation list. */
export function describeViolations(violations: readonly LayoutViolation[]): string {
  return violations.map((v) => `${v.rule}: ${v.message}`).join('; ');
}
