/**
 * The TSB machine after US5479627A: a small TLB in front, a translation storage buffer behind it
 * (translation-storage-buffer.ts), the page walk behind both.
 *
 * On a TLB miss the TSB is probed once per candidate page size of the paging mode (4 KiB, then 2 MiB
 * under PAE or 4 MiB under 32-bit paging); a match refills the TLB (a 4 MiB page one 2 MiB half at a
 * time, as the TLB holds it) and the access goes on from the TLB. No match: the walk, whose result
 * fills the TLB and is stored in the TSB under the size the walk found.
 *
 * The TSB holds only what the TLB may hold, so it is invalidated with it: INVLPG and a #PF remove va's
 * entries of every size (and the 4 KiB entries inside a large page INVLPG names); MOV to CR3 removes the
 * non-global ones; a change of paging mode removes all (SDM 4.10.4.1). Each of those is one method here,
 * so a seeded fault can forget one.
 */
import type { ProcessorFactory } from '../../../src/machine/processor.ts';
import { ReferenceProcessor, type ReferenceProcessorOptions, type TlbGeometry, type WalkResult } from '../../reference/index.ts';
import { PAE_SIZES, PAGING32_SIZES, SIZE_4K, SIZE_BYTES, type SizeCode, sizeCodeOf, tlbUnitFrame } from '../page-sizes.ts';
import { TranslationStorageBuffer } from './translation-storage-buffer.ts';

/** A small TLB, so that the TSB answers most misses (4 KiB: 4 sets x 2 ways; 2 MiB: 2 x 1). */
export const TSB_FRONT_TLB: TlbGeometry = { smallSets: 4, smallWays: 2, largeSets: 2, largeWays: 1 };
export const TSB_ENTRIES = 512;

export interface TsbProcessorOptions extends ReferenceProcessorOptions {
  readonly createTsb?: (entries: number) => TranslationStorageBuffer;
}

export class TsbProcessor extends ReferenceProcessor {
  readonly tsb: TranslationStorageBuffer;

  constructor(options: TsbProcessorOptions = {}) {
    super({ tlbGeometry: TSB_FRONT_TLB, ...options });
    this.tsb = (options.createTsb ?? ((n) => new TranslationStorageBuffer(n)))(TSB_ENTRIES);
  }

  /** The candidate page sizes of the paging mode in force, in probe order. */
  protected candidateSizes(): readonly SizeCode[] {
    return this.control.pae ? PAE_SIZES : PAGING32_SIZES;
  }

  protected override refillFromSecondLevel(va: number): boolean {
    const tsb = this.tsb;
    const slot = tsb.lookup(va, this.candidateSizes());
    if (slot < 0) return false;
    const size = tsb.size[slot] as SizeCode;
    this.tlb.fill(va, size !== SIZE_4K, this.unitFrame(va, size, tsb.frame[slot]!), tsb.flags[slot]!);
    return true;
  }

  /** The frame the TLB caches for va from a TSB entry of `size` whose page starts at `frame`. */
  protected unitFrame(va: number, size: SizeCode, frame: number): number {
    return tlbUnitFrame(va, size, frame);
  }

  protected override fillTlb(va: number, out: WalkResult, cached: boolean): void {
    super.fillTlb(va, out, cached);
    if (cached) this.tsb.invalidatePage(va);
    this.tsb.insert(va, sizeCodeOf(out.pageSize), this.tsbFrame(out), this.tlbFlags(out));
  }

  /** The frame the TSB stores for a walked page: the first 4 KiB of the whole page. */
  protected tsbFrame(out: WalkResult): number {
    return out.leafFrame;
  }

  override invlpg(va: number): void {
    super.invlpg(va);
    va >>>= 0;
    this.invalidateTsbPage(va);
    const walker = this.control.pae ? this.walker : this.walker32;
    if (this.control.paging && walker.mapsLargePage(va)) {
      const bytes = SIZE_BYTES[this.candidateSizes()[1]!]!;
      this.tsb.invalidateSmallWithin(va - (va % bytes), bytes);
    }
  }

  protected invalidateTsbPage(va: number): void {
    this.tsb.invalidatePage(va);
  }

  protected override onWriteCr3(): void {
    super.onWriteCr3();
    this.tsb.flushNonGlobal();
  }

  protected override onPagingModeChange(): void {
    super.onPagingModeChange();
    this.tsb.flushAll();
  }

  protected override onPageFault(va: number): void {
    super.onPageFault(va);
    this.invalidateTsbPage(va);
  }
}

export const createTsbProcessor: ProcessorFactory = (options) => new TsbProcessor(options);
