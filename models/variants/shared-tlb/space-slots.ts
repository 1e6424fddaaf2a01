/**
 * Address spaces as the shared TLB tells them apart: each CR3 value in use gets one of a few slots, and a
 * slot is one bit of a TLB entry's space mask (US5630087A's mask value). When every slot is taken, the
 * oldest assignment is reused, and the caller must take that slot's bit out of every mask first (a new
 * space must not inherit the old one's entries). Few slots on purpose: three roots already reuse one.
 */
export const SPACE_SLOTS = 2;

export interface SpaceAssignment {
  readonly slot: number;
  /** The slot belonged to another CR3 until now. */
  readonly reassigned: boolean;
}

export class SpaceSlots {
  private readonly cr3: Float64Array;
  private next = 0;

  constructor(readonly count: number = SPACE_SLOTS) {
    if (!Number.isInteger(count) || count < 1 || count > 31) throw new RangeError(`space slots must be 1 to 31, got ${count}`);
    this.cr3 = new Float64Array(count).fill(-1);
  }

  /** The slot of `cr3`, assigning one (round-robin) if it has none. */
  slotOf(cr3: number): SpaceAssignment {
    const found = this.cr3.indexOf(cr3);
    if (found >= 0) return { slot: found, reassigned: false };
    const slot = this.next;
    this.next = (this.next + 1) % this.count;
    const reassigned = this.cr3[slot] !== -1;
    this.cr3[slot] = cr3;
    return { slot, reassigned };
  }
}
