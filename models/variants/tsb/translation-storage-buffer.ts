/**
 * A translation storage buffer after US5479627A: a direct-mapped table of translation entries, each a
 * candidate tag (the virtual page number at some page size, and that size) and candidate data (the
 * physical frame of the page, its combined permissions, D known set, global).
 *
 * The size of the page that maps a virtual address is unknown before the lookup, so the lookup tries
 * each candidate size in turn (the patent's "test page size"): it computes the pointer (the virtual page
 * number at that size, masked to the table) and the target tag (the virtual page number at that size)
 * assuming the size, and compares the target with the candidate entry's tag; on a match the candidate
 * data is the translation. Entries of different sizes share the table, so the tag carries the size.
 *
 * It lives in the machine's own storage (typed arrays), not in the trace's physical memory, so the memory
 * a machine reports stays architectural. It caches exactly what the TLB may cache, and is invalidated
 * with it (processor.ts).
 */
import { TLB_FLAG } from '../../reference/index.ts';
import { ALL_SIZES, SIZE_4K, SIZE_BYTES, SIZE_SHIFT, type SizeCode } from '../page-sizes.ts';

const INVALID = -1;

export class TranslationStorageBuffer {
  /** Candidate tag: the virtual page number at the entry's size (va >>> shift), or -1. */
  readonly tag: Int32Array;
  /** The size the tag was computed for. */
  readonly size: Uint8Array;
  /** Candidate data: physical frame number of the page's first 4 KiB, and the TLB flags. */
  readonly frame: Float64Array;
  readonly flags: Int32Array;
  private readonly mask: number;

  constructor(readonly entries: number) {
    if (!Number.isInteger(entries) || entries < 1 || (entries & (entries - 1)) !== 0) throw new RangeError(`TSB entries must be a power of two, got ${entries}`);
    this.tag = new Int32Array(entries).fill(INVALID);
    this.size = new Uint8Array(entries);
    this.frame = new Float64Array(entries);
    this.flags = new Int32Array(entries);
    this.mask = entries - 1;
  }

  /** The pointer into the table for va, assuming the page is of `size` (US5479627A). */
  pointer(va: number, size: SizeCode): number {
    return (va >>> SIZE_SHIFT[size]!) & this.mask;
  }

  /** The target tag for va, assuming the page is of `size`. */
  targetTag(va: number, size: SizeCode): number {
    return va >>> SIZE_SHIFT[size]!;
  }

  /** Whether the candidate entry at `slot` matches the target computed for `size`. */
  matches(slot: number, target: number, size: SizeCode): boolean {
    return this.tag[slot] === target && this.size[slot] === size;
  }

  /** Probes one test page size: the slot of the entry that translates va at that size, or -1. */
  probe(va: number, size: SizeCode): number {
    const slot = this.pointer(va, size);
    return this.matches(slot, this.targetTag(va, size), size) ? slot : -1;
  }

  /** Probes each candidate size in turn; the first match, or -1. */
  lookup(va: number, sizes: readonly SizeCode[]): number {
    for (const size of sizes) {
      const slot = this.probe(va, size);
      if (slot >= 0) return slot;
    }
    return -1;
  }

  /** Caches the translation of the page of `size` that holds va (direct mapped: replaces the slot). */
  insert(va: number, size: SizeCode, frame: number, flags: number): void {
    const slot = this.pointer(va, size);
    this.tag[slot] = this.targetTag(va, size);
    this.size[slot] = size;
    this.frame[slot] = frame;
    this.flags[slot] = flags;
  }

  /** Removes the entries, of every size, whose page holds va (INVLPG, #PF; SDM 4.10.4.1). */
  invalidatePage(va: number): void {
    for (const size of ALL_SIZES) this.invalidateSize(va, size);
  }

  /** Removes the entry of one size whose page holds va. */
  invalidateSize(va: number, size: SizeCode): void {
    const slot = this.probe(va, size);
    if (slot >= 0) this.tag[slot] = INVALID;
  }

  /** Removes every 4 KiB entry inside [base, base + bytes) (INVLPG of a large page). */
  invalidateSmallWithin(base: number, bytes: number): void {
    const first = base >>> SIZE_SHIFT[SIZE_4K]!;
    const count = bytes / SIZE_BYTES[SIZE_4K]!;
    for (let slot = 0; slot < this.entries; slot++) {
      const tag = this.tag[slot]!;
      if (tag !== INVALID && this.size[slot] === SIZE_4K && tag - first >= 0 && tag - first < count) this.tag[slot] = INVALID;
    }
  }

  /** MOV to CR3: removes every entry that is not global. */
  flushNonGlobal(): void {
    for (let slot = 0; slot < this.entries; slot++) if ((this.flags[slot]! & TLB_FLAG.GLOBAL) === 0) this.tag[slot] = INVALID;
  }

  flushAll(): void {
    this.tag.fill(INVALID);
  }

  /** Number of valid entries (for tests and benchmarks). */
  get occupancy(): number {
    let n = 0;
    for (const t of this.tag) if (t !== INVALID) n++;
    return n;
  }
}
