/**
 * Page frame descriptors after US5446854A: each describes a contiguous piece of physical memory (a base
 * physical frame and a range: one 4 KiB frame, or the frames of a 2 MiB or 4 MiB page) and heads the list
 * of translation entries that map it (the PFD's "translation entry pointer"). A translation entry points
 * back at its PFD (the "backward pointer") and gets its physical address from it: base + offset.
 *
 * The pool is small and recycled round-robin. Recycling a PFD for another frame must first drop every
 * translation entry on its list, or those entries would resolve through a descriptor that now describes
 * other memory: `recycle` calls back for each one (hashed-translation-table.ts invalidates them).
 *
 * Typed arrays throughout; the only JS object is the Map from (base, range) to descriptor, used when a
 * translation is inserted, never on a lookup.
 */

const NONE = -1;

export class PageFrameDescriptors {
  /** Physical frame number of the first 4 KiB described, and the range in 4 KiB frames (0: free). */
  readonly base: Float64Array;
  readonly frames: Int32Array;
  /** First translation entry on the descriptor's list, or -1. */
  readonly head: Int32Array;
  private readonly byFrame = new Map<number, number>();
  private next = 0;

  constructor(readonly capacity: number) {
    this.base = new Float64Array(capacity);
    this.frames = new Int32Array(capacity);
    this.head = new Int32Array(capacity).fill(NONE);
  }

  private static key(base: number, frames: number): number {
    // frames is 1, 512 or 1024: the key stays an exact integer below 2^53 for any base below 2^42.
    return base * 2048 + frames;
  }

  /** The descriptor of [base, base + frames), or -1. */
  find(base: number, frames: number): number {
    return this.byFrame.get(PageFrameDescriptors.key(base, frames)) ?? NONE;
  }

  /**
   * A descriptor for [base, base + frames): the existing one, or a recycled one. `dropEntries` is called
   * with the list head of a descriptor being recycled, before it is reused.
   */
  acquire(base: number, frames: number, dropEntries: (pfd: number) => void): number {
    const found = this.find(base, frames);
    if (found !== NONE) return found;
    const pfd = this.next;
    this.next = (this.next + 1) % this.capacity;
    this.recycle(pfd, dropEntries);
    this.base[pfd] = base;
    this.frames[pfd] = frames;
    this.byFrame.set(PageFrameDescriptors.key(base, frames), pfd);
    return pfd;
  }

  /** Frees a descriptor for reuse, after its entries are dropped. */
  protected recycle(pfd: number, dropEntries: (pfd: number) => void): void {
    if (this.frames[pfd] === 0) return;
    dropEntries(pfd);
    this.byFrame.delete(PageFrameDescriptors.key(this.base[pfd]!, this.frames[pfd]!));
    this.frames[pfd] = 0;
    this.head[pfd] = NONE;
  }

  clear(): void {
    this.frames.fill(0);
    this.head.fill(NONE);
    this.byFrame.clear();
    this.next = 0;
  }
}
