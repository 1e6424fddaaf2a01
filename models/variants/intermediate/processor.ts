/**
 * The intermediate-address machine after US5784707A: virtual -> intermediate -> physical.
 *
 * The first stage is the reference processor's, unchanged: PAE or 32-bit page walks, a TLB that caches
 * virtual -> intermediate translations with big pages kept big (a 2 MiB or 4 MiB entry holds one
 * intermediate frame number). The second stage sits in its RAM (stage2-ram.ts): every frame the first
 * stage touches, page-table entries included, is an intermediate frame resolved through the second-stage
 * table to a physical one. The TLB keeps, beside each entry, the backing of each 4 KiB frame once
 * resolved (tlb.ts `smallView` / `largeView`), so a big virtual page backed by scattered small physical
 * frames costs one second-stage lookup per 4 KiB frame used, and where the backing is the identity no
 * mapping is listed at all (the patent's "the intermediate address is the physical address").
 *
 * Promotion (4 KiB pages -> one big page) is a change of mappings only: a PDE rewritten and second-stage
 * mappings added; no data moves. A map-stage2 step changes one mapping and drops every cached
 * translation (trace.ts), since cached backings may name the old physical frame.
 *
 * With paging off, addresses go straight to physical memory, as the specification says (src/spec/access.ts,
 * directAccess): no first stage, so no second one either.
 */
import { PAGE_4K } from '../../../src/arch/entry-layout.ts';
import type { ProcessorFactory } from '../../../src/machine/processor.ts';
import type { MemoryWord } from '../../../src/machine/trace.ts';
import { Access, type FrameView, ReferenceProcessor, type ReferenceProcessorOptions, SparseRam } from '../../reference/index.ts';
import { Stage2Ram } from './stage2-ram.ts';
import { Stage2Table } from './stage2-table.ts';

export interface IntermediateProcessorOptions extends ReferenceProcessorOptions {
  /** The RAM the first stage sees, over the physical RAM and the second-stage table (mutants replace it). */
  readonly createStage2Ram?: (physical: SparseRam, table: Stage2Table) => Stage2Ram;
}

export class IntermediateProcessor extends ReferenceProcessor {
  readonly stage2: Stage2Table;
  readonly physical: SparseRam;

  constructor(options: IntermediateProcessorOptions = {}) {
    const table = new Stage2Table();
    const createStage2Ram = options.createStage2Ram ?? ((p: SparseRam, t: Stage2Table) => new Stage2Ram(p, t));
    super({ ...options, createRam: (maxPhyAddr) => createStage2Ram(new SparseRam(maxPhyAddr), table) });
    this.stage2 = table;
    this.physical = (this.ram as Stage2Ram).physical;
  }

  /** Trace step map-stage2: intermediate frame `ipa` is backed by physical frame `pa` from now on. */
  mapStage2(ipa: number, pa: number): void {
    this.stage2.set(ipa / PAGE_4K, pa / PAGE_4K);
    this.onStage2Change();
  }

  /** Every cached translation and every cached backing goes (trace.ts: map-stage2 invalidates all). */
  protected onStage2Change(): void {
    this.tlb.flushAll();
  }

  protected override directFrame(frame: number, access: Access): FrameView | null {
    return access === Access.Write ? this.physical.frameForWrite(frame) : this.physical.frameView(frame);
  }

  override readPhys32(pa: number): number {
    if (pa % PAGE_4K <= PAGE_4K - 4) return this.physical.read32(pa);
    let value = 0;
    for (let i = 0; i < 4; i++) value |= this.physical.read8(pa + i) << (8 * i);
    return value >>> 0;
  }

  override writePhys32(pa: number, value: number): void {
    if (pa % PAGE_4K <= PAGE_4K - 4) {
      this.physical.write32(pa, value);
      return;
    }
    for (let i = 0; i < 4; i++) this.physical.write8(pa + i, (value >>> (8 * i)) & 0xff);
  }

  override dumpMemory(): MemoryWord[] {
    return this.physical.dump();
  }
}

export const createIntermediateProcessor: ProcessorFactory = (options) => new IntermediateProcessor(options);
