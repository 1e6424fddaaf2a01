/**
 * A bounded, set-associative TLB for PAE translations of both sizes, held in typed arrays (STYLE.md,
 * v86/jor1k) so that a hit is a few compares and loads, allocates nothing and uses no BigInt.
 *
 * Two arrays of sets: 4 KiB translations tagged by linear page number (va >>> 12), and 2 MiB translations
 * tagged by va >>> 21, so a 2 MiB entry is found for any address inside its page. A 4 MiB page (32-bit
 * paging with PSE) is cached as up to two 2 MiB entries, one per half, each filled when used. Each entry holds the
 * physical frame number (a float64: frames may lie above 4 GiB), and flags: the combined permissions of the
 * walk (permissions.ts), whether the leaf's D bit is known to be set, and whether the translation is global
 * (leaf G = 1 and CR4.PGE = 1 when filled).
 *
 * Beside each entry the TLB keeps the RAM frame backing it (`smallView`, and 512 per 2 MiB entry in
 * `largeView`), filled lazily by the processor, so a hit needs no map lookup. Null means not looked up yet,
 * or a frame never written (it reads 0).
 *
 * Replacement is round-robin per set: deterministic, so a trace always evicts the same entries.
 */
import { PAE_INDEX } from '../../src/arch/entry-layout.ts';
import { PERMISSION } from './permissions.ts';
import type { FrameView } from './ram.ts';

export const TLB_FLAG = {
  ...PERMISSION,
  /** The leaf's D bit was set when the entry was filled: a store may use the entry without a walk. */
  DIRTY: 1 << 3,
  /** Leaf G = 1 with CR4.PGE = 1 at fill time: survives MOV to CR3. */
  GLOBAL: 1 << 4,
} as const;

export interface TlbGeometry {
  /** Sets and ways of the 4 KiB array; sets a power of two. */
  readonly smallSets: number;
  readonly smallWays: number;
  /** Sets and ways of the 2 MiB array; sets a power of two. */
  readonly largeSets: number;
  readonly largeWays: number;
}

export const DEFAULT_TLB_GEOMETRY: TlbGeometry = { smallSets: 64, smallWays: 4, largeSets: 16, largeWays: 4 };

/** The views of a large slot whose frames were not looked up since its fill: shared, never written. */
export const NO_LARGE_VIEWS: readonly (FrameView | null)[] = Object.freeze([]);

/** Number of 4 KiB frames in a 2 MiB page. */
export const FRAMES_PER_LARGE_PAGE = PAE_INDEX.ENTRIES_PER_TABLE;

const INVALID = -1;
/** The tag of an empty slot (for subclasses that manage slots themselves). */
export const TLB_INVALID_TAG = INVALID;
const SMALL_SHIFT = PAE_INDEX.PTE_SHIFT;
const LARGE_SHIFT = PAE_INDEX.PDE_SHIFT;

/** One entry as plain data, for tests and reports. */
export interface TlbEntry {
  readonly large: boolean;
  /** Linear address of the first byte of the page. */
  readonly va: number;
  /** Physical frame number of the first 4 KiB of the page. */
  readonly frame: number;
  readonly flags: number;
}

function checkGeometry(g: TlbGeometry): TlbGeometry {
  for (const [name, sets, ways] of [
    ['small', g.smallSets, g.smallWays],
    ['large', g.largeSets, g.largeWays],
  ] as const) {
    if (!Number.isInteger(sets) || sets < 1 || (sets & (sets - 1)) !== 0) {
      throw new RangeError(`TLB ${name} sets must be a power of two, got ${sets}`);
    }
    if (!Number.isInteger(ways) || ways < 1 || ways > 255) {
      throw new RangeError(`TLB ${name} ways must be an integer from 1 to 255, got ${ways}`);
    }
  }
  return g;
}

export class Tlb {
  readonly geometry: TlbGeometry;

  readonly smallTag: Int32Array;
  readonly smallFlags: Int32Array;
  readonly smallFrame: Float64Array;
  readonly smallView: (FrameView | null)[];

  readonly largeTag: Int32Array;
  readonly largeFlags: Int32Array;
  readonly largeFrame: Float64Array;
  /**
   * Views of the frames of the 2 MiB entry in slot s, at largeView[s][i] for frame i; NO_LARGE_VIEWS until
   * one is looked up. A table of 512 per slot is allocated when the slot is first used, not up front: most
   * traces never map a large page, and one table for all 64 slots cost more than the rest of a short trace.
   */
  readonly largeView: (readonly (FrameView | null)[])[];

  protected readonly smallSetMask: number;
  protected readonly smallWays: number;
  protected readonly largeSetMask: number;
  protected readonly largeWays: number;
  /** Next way to replace, per set. */
  protected readonly smallNext: Uint8Array;
  protected readonly largeNext: Uint8Array;

  constructor(geometry: TlbGeometry = DEFAULT_TLB_GEOMETRY) {
    this.geometry = checkGeometry(geometry);
    const small = geometry.smallSets * geometry.smallWays;
    const large = geometry.largeSets * geometry.largeWays;
    this.smallTag = new Int32Array(small).fill(INVALID);
    this.smallFlags = new Int32Array(small);
    this.smallFrame = new Float64Array(small);
    this.smallView = new Array<FrameView | null>(small).fill(null);
    this.largeTag = new Int32Array(large).fill(INVALID);
    this.largeFlags = new Int32Array(large);
    this.largeFrame = new Float64Array(large);
    this.largeView = new Array<readonly (FrameView | null)[]>(large).fill(NO_LARGE_VIEWS);
    this.smallSetMask = geometry.smallSets - 1;
    this.smallWays = geometry.smallWays;
    this.largeSetMask = geometry.largeSets - 1;
    this.largeWays = geometry.largeWays;
    this.smallNext = new Uint8Array(geometry.smallSets);
    this.largeNext = new Uint8Array(geometry.largeSets);
  }

  /** Slot of the 4 KiB translation of va, or -1. */
  lookupSmall(va: number): number {
    const page = va >>> SMALL_SHIFT;
    const first = (page & this.smallSetMask) * this.smallWays;
    const end = first + this.smallWays;
    const tags = this.smallTag;
    for (let slot = first; slot < end; slot++) if (tags[slot] === page) return slot;
    return -1;
  }

  /** Slot of the 2 MiB translation of va, or -1. */
  lookupLarge(va: number): number {
    const page = va >>> LARGE_SHIFT;
    const first = (page & this.largeSetMask) * this.largeWays;
    const end = first + this.largeWays;
    const tags = this.largeTag;
    for (let slot = first; slot < end; slot++) if (tags[slot] === page) return slot;
    return -1;
  }

  /**
   * Caches a translation of the page containing va; `frame` is the frame of its first 4 KiB. Replaces an
   * entry of the same size and page if there is one, else the set's round-robin victim. Returns the slot.
   */
  fill(va: number, large: boolean, frame: number, flags: number): number {
    return large ? this.fillLarge(va, frame, flags) : this.fillSmall(va, frame, flags);
  }

  /** Removes every entry, of either size, whose page contains va (INVLPG, SDM 4.10.4.1). */
  invalidatePage(va: number): void {
    const small = this.lookupSmall(va);
    if (small >= 0) this.smallTag[small] = INVALID;
    const large = this.lookupLarge(va);
    if (large >= 0) this.largeTag[large] = INVALID;
  }

  /** Removes the 2 MiB entry whose page contains va, if any (leaves 4 KiB entries alone). */
  invalidateLarge(va: number): void {
    const large = this.lookupLarge(va);
    if (large >= 0) this.largeTag[large] = INVALID;
  }

  /** Removes every 4 KiB entry inside the 2 MiB region that contains va. */
  invalidateSmallWithinLarge(va: number): void {
    const region = va >>> LARGE_SHIFT;
    const tags = this.smallTag;
    for (let slot = 0; slot < tags.length; slot++) {
      const tag = tags[slot]!;
      if (tag !== INVALID && tag >>> (LARGE_SHIFT - SMALL_SHIFT) === region) tags[slot] = INVALID;
    }
  }

  /** MOV to CR3: removes every entry that is not global (SDM 4.10.4.1). */
  flushNonGlobal(): void {
    flushWhere(this.smallTag, this.smallFlags);
    flushWhere(this.largeTag, this.largeFlags);
  }

  /** Removes every entry, global ones included. */
  flushAll(): void {
    this.smallTag.fill(INVALID);
    this.largeTag.fill(INVALID);
  }

  /** The valid entries, 4 KiB first, in slot order. */
  entries(): TlbEntry[] {
    const out: TlbEntry[] = [];
    this.smallTag.forEach((tag, slot) => {
      if (tag !== INVALID) {
        out.push({ large: false, va: (tag << SMALL_SHIFT) >>> 0, frame: this.smallFrame[slot]!, flags: this.smallFlags[slot]! });
      }
    });
    this.largeTag.forEach((tag, slot) => {
      if (tag !== INVALID) {
        out.push({ large: true, va: (tag << LARGE_SHIFT) >>> 0, frame: this.largeFrame[slot]!, flags: this.largeFlags[slot]! });
      }
    });
    return out;
  }

  private fillSmall(va: number, frame: number, flags: number): number {
    const page = va >>> SMALL_SHIFT;
    let slot = this.lookupSmall(va);
    if (slot < 0) {
      const set = page & this.smallSetMask;
      const way = this.smallNext[set]!;
      this.smallNext[set] = way + 1 === this.smallWays ? 0 : way + 1;
      slot = set * this.smallWays + way;
    }
    this.smallTag[slot] = page;
    this.smallFlags[slot] = flags;
    this.smallFrame[slot] = frame;
    this.smallView[slot] = null;
    return slot;
  }

  private fillLarge(va: number, frame: number, flags: number): number {
    const page = va >>> LARGE_SHIFT;
    let slot = this.lookupLarge(va);
    if (slot < 0) {
      const set = page & this.largeSetMask;
      const way = this.largeNext[set]!;
      this.largeNext[set] = way + 1 === this.largeWays ? 0 : way + 1;
      slot = set * this.largeWays + way;
    }
    this.largeTag[slot] = page;
    this.largeFlags[slot] = flags;
    this.largeFrame[slot] = frame;
    this.largeView[slot] = NO_LARGE_VIEWS;
    return slot;
  }

  /** Remembers the view of frame `index` of the large slot (allocating the slot's table on first use). */
  cacheLargeView(slot: number, index: number, view: FrameView): void {
    let views = this.largeView[slot] as (FrameView | null)[];
    if (views === NO_LARGE_VIEWS) {
      views = new Array<FrameView | null>(FRAMES_PER_LARGE_PAGE).fill(null);
      this.largeView[slot] = views;
    }
    views[index] = view;
  }
}

function flushWhere(tags: Int32Array, flags: Int32Array): void {
  for (let slot = 0; slot < tags.length; slot++) {
    if ((flags[slot]! & TLB_FLAG.GLOBAL) === 0) tags[slot] = INVALID;
  }
}
