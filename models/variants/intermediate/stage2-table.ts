/**
 * The second stage of US5784707A: intermediate 4 KiB frame number -> physical 4 KiB frame number,
 * identity where nothing is listed (the patent's "the intermediate address is the physical address").
 * Frame numbers are plain numbers (they may exceed 2^32 bytes / 4 KiB); a Map holds the listed ones,
 * and only TLB misses consult it, since the processor caches each 4 KiB frame's backing once resolved.
 */
export class Stage2Table {
  private readonly frames = new Map<number, number>();

  /** The physical frame backing intermediate frame `ipaFrame`. */
  physicalFrame(ipaFrame: number): number {
    return this.frames.get(ipaFrame) ?? ipaFrame;
  }

  /** Whether `ipaFrame` is listed (mapped somewhere, possibly to itself). */
  has(ipaFrame: number): boolean {
    return this.frames.has(ipaFrame);
  }

  set(ipaFrame: number, physicalFrame: number): void {
    this.frames.set(ipaFrame, physicalFrame);
  }

  get size(): number {
    return this.frames.size;
  }
}
