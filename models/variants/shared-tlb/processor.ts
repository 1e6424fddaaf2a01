/**
 * The shared-TLB machine after US5630087A: TLB entries carry a space mask (shared-tlb.ts), and entries
 * for the same physical page reached identically from several spaces (the common and BIOS chunks) are one
 * entry with several bits. MOV to CR3 does not flush: it selects the new space's bit (space-slots.ts),
 * so each space finds its own translations again when it comes back.
 *
 * The sharing rule, and why it is architectural. MOV to CR3 must invalidate every non-global
 * translation (SDM 4.10.4.1), so an entry kept across it may be used afterwards only if it equals what a
 * fresh walk would give, which is always allowed. The machine makes sure of that:
 *
 * - an entry is used only from a space whose bit is in its mask, and a non-global entry gets a space's
 *   bit only from a walk in that space (a global one is every space's, SDM 4.10.2.4);
 * - every frame a walk read a paging-structure entry from (directory, table, and the PDPT whose entries
 *   the PDPTE registers hold) is noted, and any write to one of them, by write-phys or by a store, drops
 *   every non-global entry of every space before it lands (table-snoop.ts); entries that map such a
 *   frame never serve a store without a walk, so no store slips past the note;
 * - after a write to a PDPT, the next PDPTE load drops them again: entries filled in between came from
 *   PDPTE registers older than memory (SDM 4.4.1: the registers change only at a load);
 * - a space slot taken over by another CR3 loses its bit in every mask first;
 * - a change of paging mode or of EFER.NXE (which changes how entries decode) drops everything.
 *
 * Global entries behave as in the reference: kept across MOV to CR3, dropped by INVLPG and mode changes,
 * possibly stale after an edit until then, as the architecture allows.
 */
import { EFER, PAE_CR3_PDPT_MASK, PAGE_4K } from '../../../src/arch/entry-layout.ts';
import type { ProcessorFactory } from '../../../src/machine/processor.ts';
import { FRAMES_PER_LARGE_PAGE, ReferenceProcessor, type ReferenceProcessorOptions, TLB_FLAG, type TlbGeometry, type WalkResult } from '../../reference/index.ts';
import { SharedTlb } from './shared-tlb.ts';
import { SpaceSlots } from './space-slots.ts';
import { SnoopingRam, TableSnoop } from './table-snoop.ts';

export interface SharedTlbProcessorOptions extends ReferenceProcessorOptions {
  readonly createSharedTlb?: (geometry: TlbGeometry) => SharedTlb;
}

export class SharedTlbProcessor extends ReferenceProcessor {
  readonly shared: SharedTlb;
  readonly spaces = new SpaceSlots();
  readonly snoop: TableSnoop;
  /** Frames of the PDPTs the PDPTE registers were loaded from (a subset of the snooped frames). */
  private readonly pdptFrames = new Set<number>();
  /**
   * A PDPT was written since the PDPTE registers were loaded: entries filled from now on come from
   * registers that no longer match memory, and the next PDPTE load must not find them kept.
   */
  private pdptWritten = false;

  constructor(options: SharedTlbProcessorOptions = {}) {
    const snoop = new TableSnoop();
    super({
      ...options,
      createTlb: options.createSharedTlb ?? ((g) => new SharedTlb(g)),
      createRam: (maxPhyAddr) => new SnoopingRam(maxPhyAddr, snoop),
    });
    this.snoop = snoop;
    snoop.onTableWrite = (frame) => this.tableWritten(frame);
    this.shared = this.tlb as SharedTlb;
    this.enterSpace(this.control.cr3);
  }

  /** MOV to CR3: no flush; the new space's bit selects its entries. */
  protected override onWriteCr3(): void {
    this.enterSpace(this.control.cr3);
  }

  protected enterSpace(cr3: number): void {
    const { slot, reassigned } = this.spaces.slotOf(cr3);
    if (reassigned) this.retireSpace(1 << slot);
    this.shared.spaceBit = 1 << slot;
  }

  /** A slot changes hands: the old space's bit leaves every mask. */
  protected retireSpace(bit: number): void {
    this.shared.retireSpace(bit);
  }

  /** A paging structure is being written: no kept non-global entry may outlive it. */
  protected dropRetained(): void {
    this.tlb.flushNonGlobal();
  }

  private tableWritten(frame: number): void {
    this.dropRetained();
    if (this.pdptFrames.has(frame)) this.pdptWritten = true;
  }

  protected override onPagingModeChange(): void {
    super.onPagingModeChange();
    this.forgetTables();
  }

  override writeEfer(value: number): void {
    const nxeChanged = (((value ^ this.control.efer) >>> EFER.NXE_BIT) & 1) === 1;
    super.writeEfer(value);
    if (nxeChanged) {
      this.tlb.flushAll();
      this.forgetTables();
    }
  }

  /**
   * Nothing is cached any more, so no frame need be watched, but for the PDPT under PAE paging: the
   * PDPTE registers are a cache of it too, and every later walk starts from them.
   */
  private forgetTables(): void {
    this.snoop.clear();
    this.pdptFrames.clear();
    this.pdptWritten = false;
    if (this.control.paging && this.control.pae) this.notePdpt(this.control.cr3);
  }

  /**
   * A PDPTE load: kept entries were built from the registers as they were; after a PDPT write they may
   * not match what the load brings, so they go (SDM 4.4.1: the registers change only at a load).
   */
  protected override loadPdptes(cr3: number): boolean {
    const loaded = super.loadPdptes(cr3);
    if (loaded) {
      if (this.pdptWritten) this.dropRetained();
      this.pdptWritten = false;
      this.notePdpt(cr3);
    }
    return loaded;
  }

  private notePdpt(cr3: number): void {
    const frame = Math.floor(((cr3 & PAE_CR3_PDPT_MASK) >>> 0) / PAGE_4K);
    this.pdptFrames.add(frame);
    this.noteTableFrame(frame);
  }

  protected override fillTlb(va: number, out: WalkResult, cached: boolean): void {
    this.noteTableFrame(Math.floor(out.pdeAddress / PAGE_4K));
    if (!out.large) this.noteTableFrame(Math.floor(out.pteAddress / PAGE_4K));
    super.fillTlb(va, out, cached);
  }

  /** An entry mapping a frame that holds paging structures never lets a store skip the walk. */
  protected override tlbFlags(out: WalkResult): number {
    const flags = super.tlbFlags(out);
    return this.snoop.touches(out.pageFrame, out.large ? FRAMES_PER_LARGE_PAGE : 1) ? flags & ~TLB_FLAG.DIRTY : flags;
  }

  private noteTableFrame(frame: number): void {
    if (this.snoop.add(frame)) this.shared.forgetDirtyOf(frame);
  }

  override writePhys32(pa: number, value: number): void {
    const frame = Math.floor(pa / PAGE_4K);
    if (this.snoop.has(frame)) this.tableWritten(frame);
    super.writePhys32(pa, value);
  }
}

export const createSharedTlbProcessor: ProcessorFactory = (options) => new SharedTlbProcessor(options);
