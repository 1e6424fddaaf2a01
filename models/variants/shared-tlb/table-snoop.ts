/**
 * Which physical frames hold paging structures that cached translations were built from, and the RAM
 * that reports a write to one of them. The shared TLB keeps non-global entries across MOV to CR3, which
 * the architecture allows only if they are exactly what a fresh walk would give (SDM 4.10.4.1: MOV to CR3
 * invalidates them; a fresh translation is always allowed). Dropping retained entries whenever a frame
 * they may depend on is written keeps them fresh.
 *
 * Frames are noted from every successful walk (directory and table frames) and every PDPTE load, and
 * forgotten only when the whole TLB is flushed. Writes come three ways: write-phys (the processor checks),
 * stores that reach the frame through `frameForWrite` (checked here), and the walker's own accessed/dirty
 * updates, which change no translation and are not reported (they never allocate a frame that is read).
 */
import { SparseRam } from '../../reference/index.ts';
import type { FrameView } from '../../reference/index.ts';

export class TableSnoop {
  private readonly frames = new Set<number>();
  /** Called with the frame when a frame that holds paging structures is about to be written. */
  onTableWrite: (frame: number) => void = () => undefined;

  /** Notes a frame; true when it is new. */
  add(frame: number): boolean {
    if (this.frames.has(frame)) return false;
    this.frames.add(frame);
    return true;
  }

  has(frame: number): boolean {
    return this.frames.has(frame);
  }

  /** Whether any noted frame lies in [frame, frame + count). */
  touches(frame: number, count: number): boolean {
    if (count === 1) return this.frames.has(frame);
    for (const f of this.frames) if (f >= frame && f < frame + count) return true;
    return false;
  }

  clear(): void {
    this.frames.clear();
  }
}

/** Sparse RAM that tells the snoop before a store reaches a frame holding paging structures. */
export class SnoopingRam extends SparseRam {
  constructor(
    maxPhyAddr: number,
    private readonly snoop: TableSnoop,
  ) {
    super(maxPhyAddr);
  }

  override frameForWrite(frame: number): FrameView {
    if (this.snoop.has(frame)) this.snoop.onTableWrite(frame);
    return super.frameForWrite(frame);
  }
}
