/**
 * Mapping sets: one to three page-table roots (PDPTs), each with a set of non-overlapping mappings of
 * 4 KiB or 2 MiB linear pages onto data frames spread over the whole physical range.
 *
 * The arbitrary draws a raw structure (index triples, frame specs, flags) and resolves it with `.map`, so
 * shrinking acts on the structure: fewer roots, fewer mappings, lower indices, 4 KiB before 2 MiB, low
 * frames before high ones, supervisor before user.
 */
import fc from 'fast-check';
import { MAX_MAXPHYADDR, MIN_MAXPHYADDR, PAE_INDEX, PAGE_2M, PAGE_4K, PAGE_4M } from '../arch/entry-layout.ts';
import { mergeWeights, reject, requireIntegerIn, requireOrdered } from './_internals/constraints.ts';
import { DEFAULT_FRAME_WEIGHTS, FRAME_CHOICES, type FrameSpec, type FrameWeights, frameSpecArbitrary, type PlacedFrame, resolveFrame } from './_internals/frame-spec.ts';
import { LinearOccupancy, linearNear, RELATIVE_LINEAR_SPECS, type RelativeLinearSpec, tableIndexArbitrary } from './_internals/linear-placement.ts';
import { type FlagName, mappingFlagsArbitrary } from './_internals/mapping-flags.ts';
import { weightedConstant } from './_internals/weighted.ts';

/** Page sizes across the two paging modes: 4 KiB in both, 2 MiB under PAE, 4 MiB under 32-bit paging. */
export type PageSize = '4k' | '2m' | '4m';

export const PAGE_BYTES: Readonly<Record<PageSize, number>> = { '4k': PAGE_4K, '2m': PAGE_2M, '4m': PAGE_4M };

/** One linear page mapped onto one frame, with the rights and status bits of its leaf entry. */
export interface Mapping {
  /** Linear base address, aligned to the page size. */
  readonly linear: number;
  readonly size: PageSize;
  /** Physical base address, aligned to the page size, outside the page-table pools. */
  readonly frame: number;
  readonly writable: boolean;
  readonly user: boolean;
  readonly global: boolean;
  /** XD (bit 63): meaningful with EFER.NXE = 1, a reserved-bit fault otherwise. */
  readonly executeDisable: boolean;
  /** Preset accessed and dirty bits (mostly clear, so the walk's updates show in the final memory). */
  readonly accessed: boolean;
  readonly dirty: boolean;
}

/** One PDPT and the mappings reachable from it, sorted by linear address, never overlapping. */
export interface PageTableRoot {
  readonly mappings: readonly Mapping[];
}

/**
 * Where the encoder puts page directories and page tables: all below 4 GiB, all just above it, or page
 * directories above and page tables below. PDPTs are always below 4 GiB (CR3 is 32 bits).
 */
export type TablePlacement = 'low' | 'high' | 'mixed';
export const TABLE_PLACEMENTS: readonly TablePlacement[] = ['low', 'high', 'mixed'];

export interface MappingSet {
  readonly maxPhyAddr: number;
  readonly tablePlacement: TablePlacement;
  readonly roots: readonly PageTableRoot[];
}

export type MappingFlag = FlagName;

export interface MappingSetConstraints {
  /** Fewest page-table roots, 1 to 3. Default 1. */
  readonly minRoots?: number;
  /** Most page-table roots, 1 to 3. Default 3. */
  readonly maxRoots?: number;
  /**
   * Fewest mappings drawn per root, 0 to 256. Default 1. A drawn mapping that would overlap an earlier one
   * of its root is dropped, so a root can end up with fewer (never fewer than one when this is >= 1).
   */
  readonly minMappingsPerRoot?: number;
  /** Most mappings drawn per root, 1 to 256. Default 8. */
  readonly maxMappingsPerRoot?: number;
  /** MAXPHYADDR range, within 36..52. Default 36 to 52, shrinking toward min. */
  readonly maxPhyAddr?: { readonly min?: number; readonly max?: number };
  /** Draw MAXPHYADDR near the top of its range more often (big-memory traces). Default false. */
  readonly preferHighMaxPhyAddr?: boolean;
  /**
   * Relative weights of 4 KiB and 2 MiB mappings (non-negative integers). Default { '4k': 2, '2m': 1 }.
   * These are PAE mappings: '4m' must stay 0 (4 MiB pages are 32-bit paging's, paging32TraceArbitrary).
   */
  readonly pageSizeWeights?: Partial<Readonly<Record<PageSize, number>>>;
  /**
   * Relative weights of frame placements: 'low' (first 16 MiB), 'below-4g' and 'above-4g' (within 64 MiB
   * of 4 GiB), 'top' (within 64 MiB of 2^maxPhyAddr), 'anywhere', 'alias' (an earlier mapping's frame) and
   * 'twin' (an earlier frame with one bit at or above 32 flipped). Default 3, 2, 3, 2, 3, 2, 1.
   */
  readonly frameWeights?: Partial<FrameWeights>;
  /** Percentage (0..100) of mappings with each flag set. Defaults: writable 75, user 50, global 25,
   * executeDisable 25, accessed 15, dirty 10. */
  readonly flagPercent?: Partial<Readonly<Record<MappingFlag, number>>>;
  /** Table placements to draw from, simplest first. Default ['low', 'high', 'mixed']. */
  readonly tablePlacements?: readonly TablePlacement[];
}

/** The constraints with every default filled in and checked. @internal */
export interface ResolvedMappingSetConstraints {
  readonly minRoots: number;
  readonly maxRoots: number;
  readonly minMappingsPerRoot: number;
  readonly maxMappingsPerRoot: number;
  readonly minMaxPhyAddr: number;
  readonly maxMaxPhyAddr: number;
  readonly preferHighMaxPhyAddr: boolean;
  readonly pageSizeWeights: Readonly<Record<PageSize, number>>;
  readonly frameWeights: FrameWeights;
  readonly flagPercent: Readonly<Record<MappingFlag, number>>;
  readonly tablePlacements: readonly TablePlacement[];
}

/** Page tables for this many mappings per root always fit the page-table pools. */
export const MAX_MAPPINGS_PER_ROOT = 256;
export const MAX_ROOTS = 3;

const BUILDER = 'mappingSetArbitrary';


const DEFAULT_FLAG_PERCENT: Readonly<Record<MappingFlag, number>> = {
  writable: 75,
  user: 50,
  global: 25,
  executeDisable: 25,
  accessed: 15,
  dirty: 10,
};

/** @internal */
export function resolveMappingSetConstraints(c: MappingSetConstraints = {}, builder = BUILDER): ResolvedMappingSetConstraints {
  const minRoots = requireIntegerIn(builder, 'minRoots', c.minRoots ?? 1, 1, MAX_ROOTS);
  const maxRoots = requireIntegerIn(builder, 'maxRoots', c.maxRoots ?? MAX_ROOTS, 1, MAX_ROOTS);
  requireOrdered(builder, 'minRoots', minRoots, 'maxRoots', maxRoots);
  const maxMappingsPerRoot = requireIntegerIn(builder, 'maxMappingsPerRoot', c.maxMappingsPerRoot ?? 8, 1, MAX_MAPPINGS_PER_ROOT);
  const minMappingsPerRoot = requireIntegerIn(
    builder,
    'minMappingsPerRoot',
    c.minMappingsPerRoot ?? Math.min(1, maxMappingsPerRoot),
    0,
    MAX_MAPPINGS_PER_ROOT,
  );
  requireOrdered(builder, 'minMappingsPerRoot', minMappingsPerRoot, 'maxMappingsPerRoot', maxMappingsPerRoot);
  const minMaxPhyAddr = requireIntegerIn(builder, 'maxPhyAddr.min', c.maxPhyAddr?.min ?? MIN_MAXPHYADDR, MIN_MAXPHYADDR, MAX_MAXPHYADDR);
  const maxMaxPhyAddr = requireIntegerIn(builder, 'maxPhyAddr.max', c.maxPhyAddr?.max ?? MAX_MAXPHYADDR, MIN_MAXPHYADDR, MAX_MAXPHYADDR);
  requireOrdered(builder, 'maxPhyAddr.min', minMaxPhyAddr, 'maxPhyAddr.max', maxMaxPhyAddr);
  const pageSizeWeights = mergeWeights(builder, 'pageSizeWeights', { '4k': 2, '2m': 1, '4m': 0 }, c.pageSizeWeights);
  if (pageSizeWeights['4m'] !== 0) reject(builder, "pageSizeWeights['4m'] must be 0: 4 MiB pages exist only under 32-bit paging (paging32TraceArbitrary)");
  const frameWeights = mergeWeights(builder, 'frameWeights', DEFAULT_FRAME_WEIGHTS, c.frameWeights);
  if (FRAME_CHOICES.every((k) => k === 'alias' || k === 'twin' || frameWeights[k] === 0))
    reject(builder, 'frameWeights must give a region (not only alias or twin) a positive weight');
  const flagPercent = { ...DEFAULT_FLAG_PERCENT };
  for (const [flag, percent] of Object.entries(c.flagPercent ?? {}) as [MappingFlag, number][]) {
    if (!(flag in DEFAULT_FLAG_PERCENT)) reject(builder, `flagPercent has an unknown key "${flag}"`);
    flagPercent[flag] = requireIntegerIn(builder, `flagPercent.${flag}`, percent, 0, 100);
  }
  const tablePlacements = c.tablePlacements ?? TABLE_PLACEMENTS;
  if (tablePlacements.length === 0) reject(builder, 'tablePlacements must not be empty');
  for (const p of tablePlacements) if (!TABLE_PLACEMENTS.includes(p)) reject(builder, `unknown table placement "${String(p)}"`);
  return {
    minRoots,
    maxRoots,
    minMappingsPerRoot,
    maxMappingsPerRoot,
    minMaxPhyAddr,
    maxMaxPhyAddr,
    preferHighMaxPhyAddr: c.preferHighMaxPhyAddr ?? false,
    pageSizeWeights,
    frameWeights,
    flagPercent,
    tablePlacements,
  };
}

/** Where a drawn mapping's linear page is: fresh indices, or relative to an earlier mapping. */
type LinearSpec = { readonly kind: 'indices'; readonly pdpte: number; readonly pde: number; readonly pte: number } | RelativeLinearSpec;

interface RawMapping {
  readonly size: PageSize;
  readonly linear: LinearSpec;
  readonly frame: FrameSpec;
  readonly flags: Readonly<Record<MappingFlag, boolean>>;
}

interface RawMappingSet {
  readonly maxPhyAddr: number;
  readonly tablePlacement: TablePlacement;
  readonly roots: readonly (readonly RawMapping[])[];
}

const tableIndex = tableIndexArbitrary(PAE_INDEX.ENTRIES_PER_TABLE);

const linearSpecArbitrary: fc.Arbitrary<LinearSpec> = fc.oneof(
  { withCrossShrink: true },
  { arbitrary: fc.record({ kind: fc.constant('indices' as const), pdpte: fc.nat(3), pde: tableIndex, pte: tableIndex }), weight: 6 },
  ...RELATIVE_LINEAR_SPECS,
);

function maxPhyAddrArbitrary(c: ResolvedMappingSetConstraints): fc.Arbitrary<number> {
  const all = fc.integer({ min: c.minMaxPhyAddr, max: c.maxMaxPhyAddr });
  if (!c.preferHighMaxPhyAddr) return all;
  const upper = fc.integer({ min: Math.max(c.minMaxPhyAddr, c.maxMaxPhyAddr - 8), max: c.maxMaxPhyAddr });
  return fc.oneof({ withCrossShrink: true }, { arbitrary: all, weight: 1 }, { arbitrary: upper, weight: 2 });
}

function rawMappingArbitrary(c: ResolvedMappingSetConstraints): fc.Arbitrary<RawMapping> {
  return fc.record({
    size: weightedConstant<PageSize>([
      ['4k', c.pageSizeWeights['4k']],
      ['2m', c.pageSizeWeights['2m']],
    ]),
    linear: linearSpecArbitrary,
    frame: frameSpecArbitrary(c.frameWeights),
    flags: mappingFlagsArbitrary(c.flagPercent),
  });
}

function linearOf(spec: LinearSpec, size: PageSize, earlier: readonly Mapping[]): number {
  if (spec.kind === 'indices') {
    const base = spec.pdpte * 2 ** PAE_INDEX.PDPTE_SHIFT + spec.pde * 2 ** PAE_INDEX.PDE_SHIFT;
    return size === '4k' ? base + spec.pte * 2 ** PAE_INDEX.PTE_SHIFT : base;
  }
  const ref = earlier[spec.of % Math.max(1, earlier.length)];
  return linearNear(spec, PAGE_BYTES[size], ref && { linear: ref.linear, bytes: PAGE_BYTES[ref.size] });
}

/** Resolves linear pages (dropping overlaps within a root) and frames, deterministically. */
function resolveMappingSet(raw: RawMappingSet): MappingSet {
  const placed: Mapping[] = [];
  const placedFrames: PlacedFrame[] = [];
  const roots = raw.roots.map((rawMappings): PageTableRoot => {
    const occupancy = new LinearOccupancy(PAGE_2M);
    const kept: Mapping[] = [];
    for (const r of rawMappings) {
      const linear = linearOf(r.linear, r.size, placed);
      if (!occupancy.tryClaim(linear, r.size === '2m')) continue;
      const bytes = PAGE_BYTES[r.size];
      const frameSpec: FrameSpec = r.linear.kind === 'shared' ? { kind: 'alias', of: r.linear.of, sub: 0 } : r.frame;
      const frame = resolveFrame(frameSpec, bytes, raw.maxPhyAddr, placedFrames);
      const m: Mapping = { linear, size: r.size, frame, ...r.flags };
      kept.push(m);
      placed.push(m);
      placedFrames.push({ frame, bytes });
    }
    return { mappings: kept.sort((a, b) => a.linear - b.linear) };
  });
  return { maxPhyAddr: raw.maxPhyAddr, tablePlacement: raw.tablePlacement, roots };
}

/** Builds the raw-structure arbitrary; shared by the trace families, which add their own steps. @internal */
export function mappingSetArbitraryFrom(c: ResolvedMappingSetConstraints): fc.Arbitrary<MappingSet> {
  const raw: fc.Arbitrary<RawMappingSet> = fc.record({
    maxPhyAddr: maxPhyAddrArbitrary(c),
    tablePlacement: weightedConstant(c.tablePlacements.map((p) => [p, 1] as const)),
    roots: fc.array(fc.array(rawMappingArbitrary(c), { minLength: c.minMappingsPerRoot, maxLength: c.maxMappingsPerRoot }), {
      minLength: c.minRoots,
      maxLength: c.maxRoots,
    }),
  });
  return raw.map(resolveMappingSet);
}

/**
 * One to three page-table roots with non-overlapping mappings of mixed page sizes, frames spread from
 * low memory to the top of 2^maxPhyAddr, some of them aliased on purpose.
 */
export function mappingSetArbitrary(constraints: MappingSetConstraints = {}): fc.Arbitrary<MappingSet> {
  return mappingSetArbitraryFrom(resolveMappingSetConstraints(constraints));
}

/** The mapping of `root` whose linear page contains `va`, if any. */
export function mappingAt(root: PageTableRoot, va: number): Mapping | undefined {
  return root.mappings.find((m) => va >= m.linear && va < m.linear + PAGE_BYTES[m.size]);
}
