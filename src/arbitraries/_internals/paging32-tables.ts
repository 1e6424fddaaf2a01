/**
 * Mapping sets for 32-bit paging (SDM 4.3) and their encoding into page directories and page tables.
 *
 * One to three roots (page directories), each with non-overlapping mappings of 4 KiB pages (frames below
 * 4 GiB: a PTE holds address bits 31..12 only) and 4 MiB pages (frames anywhere below 2^min(MAXPHYADDR,
 * 40), reached through PSE-36). Drawn as a raw structure and resolved with `.map`, so shrinking ends at
 * few mappings, 4 KiB pages, low indices and low frames, like the PAE mapping sets (mappings.ts).
 *
 * Encoding, deterministic: page directories in the low page-table pool (root r at pool + (r + 1) * 4 KiB),
 * page tables after them in ascending (root, PDE index) order, all below 4 GiB. PDEs
 * that reference a page table set P, R/W and U/S. Entries are 4 bytes, two to an 8-byte word.
 * @internal
 */
import fc from 'fast-check';
import { BIT, MAX_MAXPHYADDR, MIN_MAXPHYADDR, PAGE_4K, PAGE_4M, PAGING32 } from '../../arch/entry-layout.ts';
import { type Mapping, PAGE_BYTES } from '../mappings.ts';
import { wordOf } from './data-seeding.ts';
import { withEntryIn } from './entry-words.ts';
import { type FrameSpec, type FrameWeights, frameSpecArbitrary, type PlacedFrame, resolveFrame } from './frame-spec.ts';
import { LinearOccupancy, linearNear, RELATIVE_LINEAR_SPECS, type RelativeLinearSpec, tableIndexArbitrary } from './linear-placement.ts';
import { mappingFlagsArbitrary } from './mapping-flags.ts';
import { frameInRegion, isUsableFrame, LOW_TABLE_POOL } from './physical-layout.ts';
import { weightedConstant } from './weighted.ts';

export type PageSize32 = '4k' | '4m';

export interface MappingSet32 {
  readonly maxPhyAddr: number;
  /** Mappings of each root, sorted by linear address; sizes are '4k' or '4m'. */
  readonly roots: readonly { readonly mappings: readonly Mapping[] }[];
}

export interface MappingSet32Recipe {
  readonly maxRoots: number;
  readonly maxMappingsPerRoot: number;
  readonly maxPhyAddr: { readonly min: number; readonly max: number };
  readonly preferHighMaxPhyAddr: boolean;
  readonly pageSizeWeights: Readonly<Record<PageSize32, number>>;
  readonly frameWeights: FrameWeights;
  /** Percent of mappings with each flag. */
  readonly flagPercent: Readonly<Record<'writable' | 'user' | 'global' | 'accessed' | 'dirty', number>>;
}

const FOUR_GIB = 2 ** 32;
const bit = (b: number): number => 2 ** b;

/** A 10-bit index (1024 4-byte entries to a table). */
const tableIndex32 = tableIndexArbitrary(PAGING32.INDEX_MASK + 1);

type LinearSpec32 = { readonly kind: 'indices'; readonly pde: number; readonly pte: number } | RelativeLinearSpec;

const linearSpec32: fc.Arbitrary<LinearSpec32> = fc.oneof(
  { withCrossShrink: true },
  { arbitrary: fc.record({ kind: fc.constant('indices' as const), pde: tableIndex32, pte: tableIndex32 }), weight: 6 },
  ...RELATIVE_LINEAR_SPECS,
);

interface Raw32 {
  readonly size: PageSize32;
  readonly linear: LinearSpec32;
  readonly frame: FrameSpec;
  readonly flags: { writable: boolean; user: boolean; global: boolean; accessed: boolean; dirty: boolean };
}

function rawArbitrary(r: MappingSet32Recipe): fc.Arbitrary<Raw32> {
  return fc.record({
    size: weightedConstant<PageSize32>([
      ['4k', r.pageSizeWeights['4k']],
      ['4m', r.pageSizeWeights['4m']],
    ]),
    linear: linearSpec32,
    frame: frameSpecArbitrary(r.frameWeights),
    flags: mappingFlagsArbitrary(r.flagPercent),
  });
}

/** MAXPHYADDR as 4 MiB frames see it: PSE-36 reaches 2^min(MAXPHYADDR, 40) (SDM 4.3). */
export function hugeFrameLimitBits(maxPhyAddr: number): number {
  return Math.min(maxPhyAddr, PAGING32.PSE36_MAX_PHYSICAL_BITS);
}

/**
 * The frame a spec names for a 32-bit mapping: 4 KiB frames below 4 GiB, 4 MiB frames 4 MiB aligned and
 * below 2^min(MAXPHYADDR, 40); outside the page-table pools. Falls back to a low frame when the spec
 * (an alias or a twin of a frame of the other size) lands outside that.
 */
export function resolveFrame32(spec: FrameSpec, size: PageSize32, maxPhyAddr: number, earlier: readonly PlacedFrame[]): number {
  const bytes = PAGE_BYTES[size];
  const limitBits = size === '4k' ? 32 : hugeFrameLimitBits(maxPhyAddr);
  const resolved = resolveFrame(spec, bytes, limitBits, earlier);
  const aligned = resolved - (resolved % bytes);
  if (isUsableFrame(aligned, bytes, limitBits)) return aligned;
  const slot = spec.kind === 'region' ? spec.slot : spec.kind === 'alias' ? spec.sub : spec.bit;
  return frameInRegion('low', slot, bytes, limitBits);
}

function linearOf(spec: LinearSpec32, size: PageSize32, earlier: readonly Mapping[]): number {
  if (spec.kind === 'indices') {
    const base = spec.pde * PAGE_4M;
    return size === '4k' ? base + spec.pte * PAGE_4K : base;
  }
  const ref = earlier[spec.of % Math.max(1, earlier.length)];
  return linearNear(spec, PAGE_BYTES[size], ref && { linear: ref.linear, bytes: PAGE_BYTES[ref.size] });
}

function resolveSet(maxPhyAddr: number, rawRoots: readonly (readonly Raw32[])[]): MappingSet32 {
  const placed: Mapping[] = [];
  const frames: PlacedFrame[] = [];
  const roots = rawRoots.map((raws) => {
    const occupancy = new LinearOccupancy(PAGE_4M);
    const kept: Mapping[] = [];
    for (const r of raws) {
      const linear = linearOf(r.linear, r.size, placed);
      if (linear + PAGE_BYTES[r.size] > FOUR_GIB || !occupancy.tryClaim(linear, r.size === '4m')) continue;
      const spec: FrameSpec = r.linear.kind === 'shared' ? { kind: 'alias', of: r.linear.of, sub: 0 } : r.frame;
      const frame = resolveFrame32(spec, r.size, maxPhyAddr, frames);
      const m: Mapping = { linear, size: r.size, frame, executeDisable: false, ...r.flags };
      kept.push(m);
      placed.push(m);
      frames.push({ frame, bytes: PAGE_BYTES[r.size] });
    }
    return { mappings: kept.sort((a, b) => a.linear - b.linear) };
  });
  return { maxPhyAddr, roots };
}

export function mappingSet32Arbitrary(r: MappingSet32Recipe): fc.Arbitrary<MappingSet32> {
  const all = fc.integer({ min: r.maxPhyAddr.min, max: r.maxPhyAddr.max });
  const maxPhyAddr = r.preferHighMaxPhyAddr
    ? fc.oneof(
        { withCrossShrink: true },
        { arbitrary: all, weight: 1 },
        { arbitrary: fc.integer({ min: Math.max(r.maxPhyAddr.min, Math.min(r.maxPhyAddr.max, 40) - 4), max: r.maxPhyAddr.max }), weight: 2 },
      )
    : all;
  return fc
    .record({
      maxPhyAddr,
      roots: fc.array(fc.array(rawArbitrary(r), { minLength: 1, maxLength: r.maxMappingsPerRoot }), { minLength: 1, maxLength: r.maxRoots }),
    })
    .map((raw) => resolveSet(raw.maxPhyAddr, raw.roots));
}

export const MAXPHYADDR_RANGE = { min: MIN_MAXPHYADDR, max: MAX_MAXPHYADDR } as const;

// ---- entries ---------------------------------------------------------------------------------------

export interface LeafBits32 {
  readonly writable: boolean;
  readonly user: boolean;
  readonly global: boolean;
  readonly accessed: boolean;
  readonly dirty: boolean;
}

function flagBits(b: LeafBits32): number {
  let v = bit(BIT.P);
  if (b.writable) v += bit(BIT.RW);
  if (b.user) v += bit(BIT.US);
  if (b.accessed) v += bit(BIT.A);
  if (b.dirty) v += bit(BIT.D);
  if (b.global) v += bit(BIT.G);
  return v;
}

/** A PTE mapping the 4 KiB frame at `frame` (below 4 GiB). */
export function pte32For(frame: number, b: LeafBits32): number {
  return frame + flagBits(b);
}

/** A 4 MiB PDE for `frame`: bits 31..22 of the frame, its bits 32 and up in PDE bits 13.. (PSE-36). */
export function hugePde32For(frame: number, b: LeafBits32): number {
  const high = Math.floor(frame / FOUR_GIB);
  return (frame % FOUR_GIB) + high * bit(PAGING32.PSE36_LOW_BIT) + bit(BIT.PS) + flagBits(b);
}

/** A PDE referencing the page table at `table`: P, R/W and U/S. */
export function tablePde32For(table: number): number {
  return table + bit(BIT.P) + bit(BIT.RW) + bit(BIT.US);
}

/** The intermediate or physical frame a 4 MiB PDE names (inverse of hugePde32For). */
export function hugeFrameOf32(pde: number, maxPhyAddr: number): number {
  const highBits = hugeFrameLimitBits(maxPhyAddr) - 32;
  const high = Math.floor(pde / bit(PAGING32.PSE36_LOW_BIT)) % 2 ** highBits;
  return high * FOUR_GIB + (pde - (pde % PAGE_4M));
}

export function hasBit32(entry: number, b: number): boolean {
  return Math.floor(entry / bit(b)) % 2 === 1;
}

export function withBit32(entry: number, b: number, on: boolean): number {
  return hasBit32(entry, b) === on ? entry : on ? entry + bit(b) : entry - bit(b);
}

export function leafBits32Of(entry: number): LeafBits32 {
  return {
    writable: hasBit32(entry, BIT.RW),
    user: hasBit32(entry, BIT.US),
    global: hasBit32(entry, BIT.G),
    accessed: hasBit32(entry, BIT.A),
    dirty: hasBit32(entry, BIT.D),
  };
}

// ---- encoding --------------------------------------------------------------------------------------

export interface Encoded32Mapping {
  readonly root: number;
  readonly linear: number;
  readonly size: PageSize32;
  readonly pdeAddress: number;
  readonly pdeValue: number;
  /** The PTE of a 4 KiB page, the PDE of a 4 MiB page. */
  readonly leafAddress: number;
  readonly pageTable: number | null;
}

export interface Encoded32Tables {
  /** Every non-zero 4-byte entry, by physical address. */
  readonly entries: ReadonlyMap<number, number>;
  /** Page directory of each root. */
  readonly directories: readonly number[];
  readonly mappings: readonly (readonly Encoded32Mapping[])[];
  /** Page directories and page tables, ascending. */
  readonly tablePages: readonly number[];
}

export function encodePaging32Tables(set: MappingSet32): Encoded32Tables {
  const entries = new Map<number, number>();
  // The pool's first page stays empty, as under PAE where it holds only PDPTs (which have no A/D bits):
  // a paging-off access that straddles into the pool from a page ending at 4 MiB reads no entry whose
  // accessed bit a cached translation may or may not have set.
  const directories = set.roots.map((_, r) => LOW_TABLE_POOL.base + (r + 1) * PAGE_4K);
  let nextTable = LOW_TABLE_POOL.base + 4 * PAGE_4K;
  const tablePages = [...directories];
  const mappings = set.roots.map((root, r) => {
    const directory = directories[r] as number;
    const tables = new Map<number, number>();
    for (const m of root.mappings) {
      if (m.size !== '4k') continue;
      const key = Math.floor(m.linear / PAGE_4M);
      if (tables.has(key)) continue;
      tables.set(key, nextTable);
      tablePages.push(nextTable);
      entries.set(directory + key * PAGING32.ENTRY_BYTES, tablePde32For(nextTable));
      nextTable += PAGE_4K;
    }
    return root.mappings.map((m): Encoded32Mapping => {
      const key = Math.floor(m.linear / PAGE_4M);
      const pdeAddress = directory + key * PAGING32.ENTRY_BYTES;
      if (m.size === '4m') {
        const pde = hugePde32For(m.frame, m);
        entries.set(pdeAddress, pde);
        return { root: r, linear: m.linear, size: '4m', pdeAddress, pdeValue: pde, leafAddress: pdeAddress, pageTable: null };
      }
      const table = tables.get(key) as number;
      const leafAddress = table + (Math.floor(m.linear / PAGE_4K) % 1024) * PAGING32.ENTRY_BYTES;
      entries.set(leafAddress, pte32For(m.frame, m));
      return { root: r, linear: m.linear, size: '4k', pdeAddress, pdeValue: tablePde32For(table), leafAddress, pageTable: table };
    });
  });
  return { entries, directories, mappings, tablePages: tablePages.sort((a, b) => a - b) };
}

/** 4-byte entries gathered into 8-byte words (bigint), by word address. */
export function entriesToWords(entries: ReadonlyMap<number, number>): Map<number, bigint> {
  const words = new Map<number, bigint>();
  for (const [pa, value] of entries) words.set(wordOf(pa), withEntryIn(words.get(wordOf(pa)) ?? 0n, pa, PAGING32.ENTRY_BYTES, BigInt(value)));
  return words;
}
