/**
 * The kernel's check of a layout before it builds anything: the first broken rule is thrown as a
 * LayoutError with a one-line message. Written apart from the specification's rules (src/spec/space), so
 * that the layout property can compare the two: the kernel must accept exactly the layouts the
 * specification calls valid.
 */
import { PAGE_2M, PAGE_4K } from '../../../src/arch/entry-layout.ts';
import {
  ABI,
  LayoutError,
  MAX_SPACES,
  MAX_THREADS,
  MIN_SPACES,
  pageTableBytesRequired,
  type PageSizeChoice,
  type SystemLayout,
} from '../../../src/machine/system.ts';

const FOUR_GIB = 2 ** 32;

interface Extent {
  readonly what: string;
  readonly base: number;
  readonly end: number;
}

const hex = (n: number): string => '0x' + n.toString(16);

function fail(rule: ConstructorParameters<typeof LayoutError>[0], message: string): never {
  throw new LayoutError(rule, `invalid layout: ${message}`);
}

function granuleOf(pages: PageSizeChoice): number {
  return pages === '4K' ? PAGE_4K : PAGE_2M;
}

function requireAligned(what: string, base: number, size: number, granule: number): void {
  const ok = (n: number): boolean => Number.isSafeInteger(n) && n >= 0 && n % granule === 0;
  if (!ok(base) || !ok(size) || size === 0) {
    fail('alignment', `${what} at ${hex(base)} of ${size} bytes must be non-empty and ${granule}-byte aligned`);
  }
}

/** Throws the first rule the layout breaks for `threads` threads. */
export function checkLayout(layout: SystemLayout, threads: number): void {
  const m = layout.maxPhyAddr;
  if (!Number.isInteger(m) || m < 36 || m > 52) fail('maxphyaddr', `MAXPHYADDR ${m} is not between 36 and 52`);
  const spaces = layout.spaces.length + 1;
  if (spaces < MIN_SPACES || spaces > MAX_SPACES) fail('space-count', `${spaces} spaces; the kernel builds ${MIN_SPACES} to ${MAX_SPACES}`);
  if (!Number.isInteger(threads) || threads < 1 || threads > MAX_THREADS) fail('threads', `${threads} threads; 1 to ${MAX_THREADS} allowed`);
  checkAlignment(layout);
  for (const [what, c] of [
    ['page-table region', layout.pageTables],
    ['buffer-cache chunk', layout.bufferCache],
  ] as const) {
    if (c.base + c.size > FOUR_GIB) fail('below-4g', `${what} ends at ${hex(c.base + c.size)}, above space 0's 4 GiB`);
  }
  checkStacks(layout, threads);
  checkDisjoint(layout);
  checkPrivate(layout);
  checkWindows(layout);
  const need = pageTableBytesRequired(layout);
  if (layout.pageTables.size < need) fail('page-tables', `page-table region holds ${layout.pageTables.size} bytes, the spaces need ${need}`);
  const kinds = layout.spaces.map((s) => s.module);
  if (kinds.includes('name-cache') && !kinds.includes('inode-cache')) fail('module', 'name cache without an inode cache to stat through');
}

function checkAlignment(layout: SystemLayout): void {
  requireAligned('common chunk', 0, layout.common.size, granuleOf(layout.common.pages));
  requireAligned('BIOS chunk', FOUR_GIB - layout.bios.size, layout.bios.size, granuleOf(layout.bios.pages));
  requireAligned('page-table region', layout.pageTables.base, layout.pageTables.size, PAGE_4K);
  requireAligned('buffer-cache chunk', layout.bufferCache.base, layout.bufferCache.size, PAGE_4K);
  layout.spaces.forEach((s, i) => {
    requireAligned(`chunk of space ${i + 1}`, s.chunk.base, s.chunk.size, granuleOf(s.pages));
    requireAligned(`window of space ${i + 1}`, s.window.va, s.window.size, granuleOf(s.pages));
  });
}

function checkStacks(layout: SystemLayout, threads: number): void {
  const stack = layout.stackBytes;
  if (!Number.isSafeInteger(stack) || stack < ABI.FRAME_BYTES || stack % ABI.FRAME_BYTES !== 0) {
    fail('stacks', `stack size ${stack} is not a positive multiple of the ${ABI.FRAME_BYTES}-byte frame`);
  }
  if (ABI.STACKS_VA + threads * stack > layout.common.size) {
    fail('stacks', `${threads} stacks of ${stack} bytes after the mailbox overflow the ${layout.common.size}-byte common chunk`);
  }
}

function extents(layout: SystemLayout): Extent[] {
  const list: Extent[] = [
    { what: 'common chunk', base: 0, end: layout.common.size },
    { what: 'BIOS chunk', base: FOUR_GIB - layout.bios.size, end: FOUR_GIB },
    { what: 'page-table region', base: layout.pageTables.base, end: layout.pageTables.base + layout.pageTables.size },
    { what: 'buffer-cache chunk', base: layout.bufferCache.base, end: layout.bufferCache.base + layout.bufferCache.size },
  ];
  layout.spaces.forEach((s, i) => list.push({ what: `chunk of space ${i + 1}`, base: s.chunk.base, end: s.chunk.base + s.chunk.size }));
  return list;
}

/** Sort by base and compare neighbours: any overlap shows up between some neighbours. */
function checkDisjoint(layout: SystemLayout): void {
  const sorted = extents(layout).sort((a, b) => a.base - b.base || a.end - b.end);
  for (let i = 1; i < sorted.length; i++) {
    const a = sorted[i - 1]!;
    const b = sorted[i]!;
    if (b.base < a.end) fail('overlap', `${a.what} [${hex(a.base)}, ${hex(a.end)}) and ${b.what} [${hex(b.base)}, ${hex(b.end)}) overlap`);
  }
}

function checkPrivate(layout: SystemLayout): void {
  const top = 2 ** layout.maxPhyAddr;
  layout.spaces.forEach((s, i) => {
    if (s.chunk.base < FOUR_GIB) {
      fail('shared-private', `private chunk of space ${i + 1} starts at ${hex(s.chunk.base)}, below 4 GiB, where space 0 also reaches it`);
    }
    if (s.chunk.base + s.chunk.size > top) {
      fail('beyond-maxphyaddr', `private chunk of space ${i + 1} ends at ${hex(s.chunk.base + s.chunk.size)}, beyond 2^${layout.maxPhyAddr}`);
    }
  });
}

function checkWindows(layout: SystemLayout): void {
  const bottom = layout.common.size;
  const top = FOUR_GIB - layout.bios.size;
  layout.spaces.forEach((s, i) => {
    const end = s.window.va + s.window.size;
    if (s.window.va < bottom || end > top) {
      fail('window', `window of space ${i + 1} [${hex(s.window.va)}, ${hex(end)}) leaves the gap between common and BIOS [${hex(bottom)}, ${hex(top)})`);
    }
    if (s.window.size > s.chunk.size) fail('window', `window of space ${i + 1} is larger than its chunk`);
  });
}
