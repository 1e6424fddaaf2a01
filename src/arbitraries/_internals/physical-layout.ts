/**
 * Where generated traces put things in physical memory. Page tables live in two fixed pools; data frames
 * are drawn from the rest of [0, 2^maxPhyAddr), so no data frame ever overlaps a page table.
 *
 *   0 ........ 4 MiB  [low pool 4..12 MiB: PDPT page, then tables] ........ 4 GiB [high pool 4 GiB..+8 MiB] ........ 2^M
 *
 * Frames are chosen in "free coordinates", the physical space with the pools cut out: a free coordinate
 * c maps to the c-th byte that belongs to no pool. Both pools are 2 MiB-aligned with sizes that are
 * multiples of 2 MiB, so a 2 MiB-aligned free coordinate maps to a 2 MiB-aligned frame that lies wholly
 * outside the pools. These are layout choices of the generator, not architectural facts.
 * @internal
 */

export interface PhysicalRange {
  readonly base: number;
  readonly size: number;
}

const MiB = 1024 * 1024;
const FOUR_GIB = 2 ** 32;

/** The low pool: the PDPT page first (every root's PDPT, 32 bytes apart), then page tables. */
export const LOW_TABLE_POOL: PhysicalRange = { base: 4 * MiB, size: 8 * MiB };
/** The high pool, just above 4 GiB, for page directories and page tables placed above 4 GiB. */
export const HIGH_TABLE_POOL: PhysicalRange = { base: FOUR_GIB, size: 8 * MiB };
/** The page that holds every root's PDPT (it must be below 4 GiB: CR3 is 32 bits). */
export const PDPT_PAGE = LOW_TABLE_POOL.base;

/** The pools in ascending order. */
export const TABLE_POOLS: readonly PhysicalRange[] = [LOW_TABLE_POOL, HIGH_TABLE_POOL];

const RESERVED_BYTES = TABLE_POOLS.reduce((sum, r) => sum + r.size, 0);

export function inRange(pa: number, r: PhysicalRange): boolean {
  return pa >= r.base && pa < r.base + r.size;
}

/** Whether [base, base + size) meets a page-table pool. */
export function overlapsTablePool(base: number, size: number): boolean {
  return TABLE_POOLS.some((r) => base < r.base + r.size && r.base < base + size);
}

/** Number of free bytes in [0, 2^maxPhyAddr). */
export function freeSpace(maxPhyAddr: number): number {
  return 2 ** maxPhyAddr - RESERVED_BYTES;
}

/** The physical address of free coordinate c. */
export function physicalOfFree(c: number): number {
  let pa = c;
  for (const r of TABLE_POOLS) if (pa >= r.base) pa += r.size;
  return pa;
}

/** The free coordinate of a physical address outside the pools. */
export function freeOfPhysical(pa: number): number {
  let c = pa;
  for (const r of TABLE_POOLS) if (pa >= r.base + r.size) c -= r.size;
  return c;
}

/** Frame-placement regions, in the order they shrink toward (low memory first). */
export const FRAME_REGIONS = ['low', 'below-4g', 'above-4g', 'top', 'anywhere'] as const;
export type FrameRegion = (typeof FRAME_REGIONS)[number];

/** Width of the bounded regions: a frame "just below 4 GiB" is within 64 MiB of it. */
const REGION_BYTES = 64 * MiB;
const LOW_BYTES = 16 * MiB;

/**
 * The free-coordinate window of a region, and whether slot 0 is its top (regions named after an upper
 * bound shrink toward that bound: the frame just below 4 GiB, the frame at the very top).
 */
function regionWindow(region: FrameRegion, maxPhyAddr: number): { start: number; bytes: number; fromTop: boolean } {
  const free = freeSpace(maxPhyAddr);
  const free4g = freeOfPhysical(FOUR_GIB + HIGH_TABLE_POOL.size);
  switch (region) {
    case 'low':
      return { start: 0, bytes: LOW_BYTES, fromTop: false };
    case 'below-4g':
      return { start: free4g - REGION_BYTES, bytes: REGION_BYTES, fromTop: true };
    case 'above-4g':
      return { start: free4g, bytes: REGION_BYTES, fromTop: false };
    case 'top':
      return { start: free - REGION_BYTES, bytes: REGION_BYTES, fromTop: true };
    case 'anywhere':
      return { start: 0, bytes: free, fromTop: false };
  }
}

/**
 * The frame (of `frameBytes`, 4 KiB or 2 MiB) that `slot` picks in `region`. Any non-negative slot is
 * accepted (taken modulo the region's frame count); slot 0 is the region's most telling frame.
 */
export function frameInRegion(region: FrameRegion, slot: number, frameBytes: number, maxPhyAddr: number): number {
  const w = regionWindow(region, maxPhyAddr);
  const count = Math.floor(w.bytes / frameBytes);
  const index = slot % count;
  const c = w.fromTop ? w.start + (count - 1 - index) * frameBytes : w.start + index * frameBytes;
  return physicalOfFree(c);
}

/** Whether a frame of `frameBytes` at `base` is usable: aligned, inside memory, outside the pools. */
export function isUsableFrame(base: number, frameBytes: number, maxPhyAddr: number): boolean {
  return (
    Number.isSafeInteger(base) &&
    base >= 0 &&
    base % frameBytes === 0 &&
    base + frameBytes <= 2 ** maxPhyAddr &&
    !overlapsTablePool(base, frameBytes)
  );
}

