/**
 * Valid layouts (src/machine/system.ts, SystemLayout), generated as a small "shape" (counts, sizes in
 * 2 MiB units, page-size choices, placements) and built deterministically from it, so shrinking works on
 * the shape and ends at three spaces, small 4 KiB-paged chunks just above 4 GiB, MAXPHYADDR 36.
 *
 * Physical placement:
 *   [0, common)              common chunk: mailbox and stacks
 *   16 MiB ...               page-table region, then the buffer-cache chunk (space 0)
 *   [4 GiB - bios, 4 GiB)    BIOS chunk
 *   4 GiB ... or ... 2^M     the private chunks of the paged spaces, one after the other ('low'), or
 *                            ending at the top of physical memory ('top')
 * Private windows start in the gap between common and BIOS, all at the same linear address or each at its
 * own.
 */
import fc from 'fast-check';
import {
  MAX_SPACES,
  PAGE_SIZE_CHOICES,
  PAGED_MODULE_KINDS,
  type PagedModuleKind,
  type PagedSpace,
  pageTableBytesRequired,
  type PageSizeChoice,
  type SystemLayout,
} from '../../machine/system.ts';

const KiB = 1024;
const MiB = 1024 * KiB;
const GiB = 1024 * MiB;
const FOUR_GIB = 4 * GiB;
const TWO_MIB = 2 * MiB;

export interface LayoutConstraints {
  /** Most spaces (3..MAX_SPACES); default 5. */
  readonly maxSpaces?: number;
  /** Largest private window, in 2 MiB units; default 8. */
  readonly maxWindowUnits?: number;
  /** Most spare 2 MiB frames after each window (frames the kernel may remap to); default 0. */
  readonly maxSpareUnits?: number;
  /** Page-size choices to draw from; default all three. */
  readonly pages?: readonly PageSizeChoice[];
  /** Most threads the layout must hold stacks for; default 4. */
  readonly threads?: number;
}

export interface PagedShape {
  readonly pages: PageSizeChoice;
  readonly windowUnits: number;
  readonly spareUnits: number;
  readonly windowSlot: number;
}

export interface LayoutShape {
  readonly maxPhyAddr: number;
  readonly commonUnits: number;
  readonly commonPages: PageSizeChoice;
  readonly stackBytes: number;
  readonly biosUnits: number;
  readonly biosPages: PageSizeChoice;
  readonly bufferCacheUnits: number;
  readonly rotation: number;
  readonly sameWindow: boolean;
  readonly placement: 'low' | 'top';
  readonly gapUnits: number;
  readonly spaces: readonly PagedShape[];
}

function pagesArbitrary(choices: readonly PageSizeChoice[]): fc.Arbitrary<PageSizeChoice> {
  return fc.constantFrom(...choices);
}

export function layoutShapeArbitrary(constraints: LayoutConstraints = {}): fc.Arbitrary<LayoutShape> {
  const maxSpaces = Math.min(constraints.maxSpaces ?? 5, MAX_SPACES);
  const pages = pagesArbitrary(constraints.pages ?? PAGE_SIZE_CHOICES);
  const paged = fc.record({
    pages,
    windowUnits: fc.integer({ min: 1, max: constraints.maxWindowUnits ?? 8 }),
    spareUnits: fc.integer({ min: 0, max: constraints.maxSpareUnits ?? 0 }),
    windowSlot: fc.integer({ min: 0, max: 64 }),
  });
  return fc.record({
    maxPhyAddr: fc.constantFrom(36, 37, 40, 44, 52),
    commonUnits: fc.integer({ min: 1, max: 3 }),
    commonPages: pages,
    stackBytes: fc.constantFrom(4 * KiB, 2 * KiB, 8 * KiB),
    biosUnits: fc.integer({ min: 1, max: 3 }),
    biosPages: pages,
    bufferCacheUnits: fc.integer({ min: 1, max: 4 }),
    rotation: fc.integer({ min: 0, max: 2 }),
    sameWindow: fc.boolean(),
    placement: fc.constantFrom<'low' | 'top'>('low', 'top'),
    gapUnits: fc.integer({ min: 0, max: 4 }),
    spaces: fc.array(paged, { minLength: 2, maxLength: maxSpaces - 1 }),
  });
}

/** Module of paged space i: inode cache, name cache, snapshot, ... rotated; always with an inode cache. */
function modulesFor(count: number, rotation: number): PagedModuleKind[] {
  const kinds = Array.from({ length: count }, (_, i) => PAGED_MODULE_KINDS[(i + rotation) % PAGED_MODULE_KINDS.length]!);
  if (!kinds.includes('inode-cache')) kinds[0] = 'inode-cache';
  return kinds;
}

/** The layout a shape describes; valid by construction (src/spec/space/layout-rules.ts). */
export function buildLayout(shape: LayoutShape): SystemLayout {
  const common = { size: shape.commonUnits * TWO_MIB, pages: shape.commonPages };
  const bios = { size: shape.biosUnits * TWO_MIB, pages: shape.biosPages };
  const kinds = modulesFor(shape.spaces.length, shape.rotation);
  const windowBase = Math.max(common.size, 64 * MiB);
  const windowLimit = FOUR_GIB - bios.size;
  let nextWindow = windowBase;
  const spacesWithoutChunks = shape.spaces.map((s, i) => {
    const size = s.windowUnits * TWO_MIB;
    const slotBase = shape.sameWindow ? windowBase + (shape.spaces[0]!.windowSlot % 32) * TWO_MIB : nextWindow + s.windowSlot * TWO_MIB;
    const va = Math.min(slotBase, windowLimit - size);
    nextWindow = va + size;
    return { module: kinds[i]!, pages: s.pages, window: { va, size }, chunkSize: size + s.spareUnits * TWO_MIB };
  });
  const total = spacesWithoutChunks.reduce((sum, s) => sum + s.chunkSize + shape.gapUnits * TWO_MIB, 0);
  let nextChunk = shape.placement === 'low' || FOUR_GIB + total > 2 ** shape.maxPhyAddr ? FOUR_GIB : 2 ** shape.maxPhyAddr - total;
  const spaces: PagedSpace[] = spacesWithoutChunks.map((s) => {
    const chunk = { base: nextChunk, size: s.chunkSize };
    nextChunk += s.chunkSize + shape.gapUnits * TWO_MIB;
    return { module: s.module, pages: s.pages, window: s.window, chunk };
  });
  const draft: SystemLayout = {
    maxPhyAddr: shape.maxPhyAddr,
    common,
    stackBytes: shape.stackBytes,
    bios,
    pageTables: { base: 16 * MiB, size: 0 },
    bufferCache: { base: 0, size: shape.bufferCacheUnits * TWO_MIB },
    spaces,
  };
  const tableBytes = pageTableBytesRequired(draft);
  const tablesBase = Math.max(16 * MiB, common.size);
  const bufferBase = tablesBase + Math.ceil(tableBytes / TWO_MIB) * TWO_MIB;
  return {
    ...draft,
    pageTables: { base: tablesBase, size: tableBytes },
    bufferCache: { base: bufferBase, size: draft.bufferCache.size },
  };
}

export function layoutArbitrary(constraints: LayoutConstraints = {}): fc.Arbitrary<SystemLayout> {
  return layoutShapeArbitrary(constraints).map(buildLayout);
}

/**
 * The default layout of the issue: four spaces (space 0 direct; inode cache, name cache and snapshot
 * paged), 256 MiB private chunks above 4 GiB mapped with mixed, 2 MiB and 4 KiB pages, all three windows
 * at 1 GiB.
 */
export function defaultLayout(): SystemLayout {
  const chunk = 256 * MiB;
  const window = { va: GiB, size: chunk };
  const spaces: PagedSpace[] = [
    { module: 'inode-cache', chunk: { base: FOUR_GIB, size: chunk }, window, pages: 'mixed' },
    { module: 'name-cache', chunk: { base: FOUR_GIB + chunk, size: chunk }, window, pages: '2M' },
    { module: 'snapshot', chunk: { base: FOUR_GIB + 2 * chunk, size: chunk }, window, pages: '4K' },
  ];
  const draft: SystemLayout = {
    maxPhyAddr: 36,
    common: { size: 4 * MiB, pages: '4K' },
    stackBytes: 4 * KiB,
    bios: { size: 16 * MiB, pages: 'mixed' },
    pageTables: { base: 16 * MiB, size: 0 },
    bufferCache: { base: 64 * MiB, size: 64 * MiB },
    spaces,
  };
  return { ...draft, pageTables: { base: 16 * MiB, size: pageTableBytesRequired(draft) } };
}
