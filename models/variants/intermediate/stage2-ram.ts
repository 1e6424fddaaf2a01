/**
 * Memory as the first stage sees it: the reference's SparseRam interface addressed by intermediate frame,
 * each frame resolved through the second stage (stage2-table.ts) to a frame of the physical RAM beneath.
 *
 * Everything the reference processor does through its RAM, walker entry reads, accessed/dirty updates,
 * the PDPTE load and the frames the TLB caches, goes through `frameView` / `frameForWrite` (ram.ts), so
 * overriding those two puts the whole first stage, page tables included, behind the second stage.
 * Physical accesses (a trace's image, write-phys, the final dump) go to `physical` directly.
 */
import type { FrameView } from '../../reference/index.ts';
import { SparseRam } from '../../reference/index.ts';
import type { Stage2Table } from './stage2-table.ts';

export class Stage2Ram extends SparseRam {
  constructor(
    readonly physical: SparseRam,
    readonly table: Stage2Table,
  ) {
    super(physical.maxPhyAddr);
  }

  /** The physical frame behind an intermediate frame; a seeded-fault mutant may override it. */
  resolve(ipaFrame: number): number {
    return this.table.physicalFrame(ipaFrame);
  }

  override frameView(frame: number): FrameView | null {
    return this.physical.frameView(this.resolve(frame));
  }

  override frameForWrite(frame: number): FrameView {
    return this.physical.frameForWrite(this.resolve(frame));
  }

  override dump(): ReturnType<SparseRam['dump']> {
    return this.physical.dump();
  }
}
