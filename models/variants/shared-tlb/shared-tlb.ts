/**
 * A TLB whose entries are shared between address spaces through a space mask, after US5630087A: when a
 * walk in one space finds a translation identical to an entry another space filled (same virtual page,
 * same physical frame, same rights and status), the machine adds its space's bit to that entry's mask
 * instead of filling a second one: the common and BIOS chunks, mapped alike in every space, take one
 * entry each. A lookup matches an entry only if the current space's bit is in its mask.
 *
 * The rule that keeps this architectural (documented in processor.ts): a non-global entry's mask holds
 * exactly the spaces whose walk produced it since its paging structures were last written; a global
 * entry's mask is every space (SDM 4.10.2.4: it survives MOV to CR3). INVLPG and the flushes drop an
 * entry for every space, as the reference TLB does.
 *
 * Built on the reference Tlb (same arrays, same geometry, the processor's fast path unchanged), with a
 * mask beside each slot.
 */
import { FRAMES_PER_LARGE_PAGE, NO_LARGE_VIEWS, Tlb, TLB_FLAG, TLB_INVALID_TAG, type TlbGeometry } from '../../reference/index.ts';

const SMALL_SHIFT = 12;
const LARGE_SHIFT = 21;
/** The mask of a global entry: every space. */
export const ALL_SPACES = -1;

export class SharedTlb extends Tlb {
  readonly smallMask: Int32Array;
  readonly largeMask: Int32Array;
  /** The current space's bit (processor.ts sets it on MOV to CR3). */
  spaceBit = 1;

  constructor(geometry: TlbGeometry) {
    super(geometry);
    this.smallMask = new Int32Array(this.smallTag.length);
    this.largeMask = new Int32Array(this.largeTag.length);
  }

  override lookupSmall(va: number): number {
    const page = va >>> SMALL_SHIFT;
    const first = (page & this.smallSetMask) * this.smallWays;
    const end = first + this.smallWays;
    const tags = this.smallTag;
    const masks = this.smallMask;
    const bit = this.spaceBit;
    for (let slot = first; slot < end; slot++) if (tags[slot] === page && (masks[slot]! & bit) !== 0) return slot;
    return -1;
  }

  override lookupLarge(va: number): number {
    const page = va >>> LARGE_SHIFT;
    const first = (page & this.largeSetMask) * this.largeWays;
    const end = first + this.largeWays;
    const tags = this.largeTag;
    const masks = this.largeMask;
    const bit = this.spaceBit;
    for (let slot = first; slot < end; slot++) if (tags[slot] === page && (masks[slot]! & bit) !== 0) return slot;
    return -1;
  }

  /** The mask a new entry gets: every space for a global translation, else the current space. */
  protected maskFor(flags: number): number {
    return (flags & TLB_FLAG.GLOBAL) !== 0 ? ALL_SPACES : this.spaceBit;
  }

  /** Whether the entry in `slot` is the same translation (US5630087A's address identification). */
  protected sameTranslation(frames: Float64Array, flags: Int32Array, slot: number, frame: number, entryFlags: number): boolean {
    return frames[slot] === frame && flags[slot] === entryFlags;
  }

  override fill(va: number, large: boolean, frame: number, flags: number): number {
    const shift = large ? LARGE_SHIFT : SMALL_SHIFT;
    const page = va >>> shift;
    const ways = large ? this.largeWays : this.smallWays;
    const set = page & (large ? this.largeSetMask : this.smallSetMask);
    const tags = large ? this.largeTag : this.smallTag;
    const masks = large ? this.largeMask : this.smallMask;
    const frames = large ? this.largeFrame : this.smallFrame;
    const flagArray = large ? this.largeFlags : this.smallFlags;
    const first = set * ways;
    const bit = this.spaceBit;
    // Another space's identical translation: share it.
    for (let slot = first; slot < first + ways; slot++) {
      if (tags[slot] === page && this.sameTranslation(frames, flagArray, slot, frame, flags)) {
        masks[slot] = masks[slot]! | this.maskFor(flags);
        return slot;
      }
    }
    // This space's older translation of the page: this space leaves it (it goes if no space is left).
    for (let slot = first; slot < first + ways; slot++) {
      if (tags[slot] === page && (masks[slot]! & bit) !== 0) {
        masks[slot] = masks[slot]! & ~bit;
        if (masks[slot] === 0) tags[slot] = TLB_INVALID_TAG;
      }
    }
    let slot = first;
    while (slot < first + ways && tags[slot] !== TLB_INVALID_TAG) slot++;
    if (slot === first + ways) slot = first + this.victim(large, set, ways);
    tags[slot] = page;
    flagArray[slot] = flags;
    frames[slot] = frame;
    masks[slot] = this.maskFor(flags);
    if (large) this.largeView[slot] = NO_LARGE_VIEWS;
    else this.smallView[slot] = null;
    return slot;
  }

  /** The round-robin victim way of a full set. */
  private victim(large: boolean, set: number, ways: number): number {
    const next = large ? this.largeNext : this.smallNext;
    const way = next[set]!;
    next[set] = way + 1 === ways ? 0 : way + 1;
    return way;
  }

  /** INVLPG and #PF: the page's entries go for every space, of both sizes. */
  override invalidatePage(va: number): void {
    this.dropTag(this.smallTag, va >>> SMALL_SHIFT);
    this.dropTag(this.largeTag, va >>> LARGE_SHIFT);
  }

  override invalidateLarge(va: number): void {
    this.dropTag(this.largeTag, va >>> LARGE_SHIFT);
  }

  /** A space slot changes hands: its bit leaves every non-global entry; entries left with none go. */
  retireSpace(bit: number): void {
    retire(this.smallTag, this.smallMask, this.smallFlags, bit);
    retire(this.largeTag, this.largeMask, this.largeFlags, bit);
  }

  /** `frame` now holds paging structures: no entry may serve a store to it without a walk. */
  forgetDirtyOf(frame: number): void {
    for (let slot = 0; slot < this.smallTag.length; slot++) if (this.smallTag[slot] !== TLB_INVALID_TAG && this.smallFrame[slot] === frame) this.smallFlags[slot]! &= ~TLB_FLAG.DIRTY;
    for (let slot = 0; slot < this.largeTag.length; slot++) {
      const base = this.largeFrame[slot]!;
      if (this.largeTag[slot] !== TLB_INVALID_TAG && frame >= base && frame < base + FRAMES_PER_LARGE_PAGE) this.largeFlags[slot]! &= ~TLB_FLAG.DIRTY;
    }
  }

  /** Space mask of a valid entry, for tests: small entries first, in slot order, as entries() lists them. */
  masks(): number[] {
    const out: number[] = [];
    this.smallTag.forEach((t, s) => t !== TLB_INVALID_TAG && out.push(this.smallMask[s]!));
    this.largeTag.forEach((t, s) => t !== TLB_INVALID_TAG && out.push(this.largeMask[s]!));
    return out;
  }

  private dropTag(tags: Int32Array, page: number): void {
    for (let slot = 0; slot < tags.length; slot++) if (tags[slot] === page) tags[slot] = TLB_INVALID_TAG;
  }
}

function retire(tags: Int32Array, masks: Int32Array, flags: Int32Array, bit: number): void {
  for (let slot = 0; slot < tags.length; slot++) {
    if (tags[slot] === TLB_INVALID_TAG || (flags[slot]! & TLB_FLAG.GLOBAL) !== 0) continue;
    masks[slot] = masks[slot]! & ~bit;
    if (masks[slot] === 0) tags[slot] = TLB_INVALID_TAG;
  }
}
