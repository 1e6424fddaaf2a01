/**
 * The hashed machine after US5446854A: a small TLB in front, the hashed translation table behind it
 * (hashed-translation-table.ts), the page walk behind both. On a TLB miss the table is looked up for
 * each candidate page size of the paging mode; a hit refills the TLB from the TE and its page frame
 * descriptor. On a miss the walk builds the translation from the page tables, and it goes into the
 * table: into the TB of its base and size (allocated and hashed in if there is none), with a back
 * pointer to the PFD of its physical frame.
 *
 * Coherence is the architecture's (SDM 4.10.4.1), not more: page-table edits are not snooped, so a
 * translation may be stale exactly where the TLB's may; INVLPG and a #PF drop the page's TEs of every
 * size (and 4 KiB TEs inside a large page INVLPG names), MOV to CR3 the non-global ones, a change of
 * paging mode all of them.
 */
import type { ProcessorFactory } from '../../../src/machine/processor.ts';
import { ReferenceProcessor, type ReferenceProcessorOptions, type TlbGeometry, type WalkResult } from '../../reference/index.ts';
import { PAE_SIZES, PAGING32_SIZES, SIZE_4K, SIZE_BYTES, type SizeCode, sizeCodeOf, tlbUnitFrame } from '../page-sizes.ts';
import { HashedTranslationTable } from './hashed-translation-table.ts';

/** A small TLB (4 KiB: 4 sets x 2 ways; 2 MiB: 2 x 1), so that most changes of page go to the hashed table. */
export const HASHED_FRONT_TLB: TlbGeometry = { smallSets: 4, smallWays: 2, largeSets: 2, largeWays: 1 };

export interface HashedProcessorOptions extends ReferenceProcessorOptions {
  readonly createTable?: () => HashedTranslationTable;
}

export class HashedProcessor extends ReferenceProcessor {
  readonly table: HashedTranslationTable;

  constructor(options: HashedProcessorOptions = {}) {
    super({ tlbGeometry: HASHED_FRONT_TLB, ...options });
    this.table = (options.createTable ?? (() => new HashedTranslationTable()))();
  }

  protected candidateSizes(): readonly SizeCode[] {
    return this.control.pae ? PAE_SIZES : PAGING32_SIZES;
  }

  protected override refillFromSecondLevel(va: number): boolean {
    const table = this.table;
    const te = table.lookup(va, this.candidateSizes());
    if (te < 0) return false;
    const size = table.sizeOf(te);
    this.tlb.fill(va, size !== SIZE_4K, tlbUnitFrame(va, size, table.frameOf(te)), table.teFlags[te]!);
    return true;
  }

  protected override fillTlb(va: number, out: WalkResult, cached: boolean): void {
    super.fillTlb(va, out, cached);
    if (cached) this.table.invalidatePage(va);
    this.table.insert(va, sizeCodeOf(out.pageSize), out.leafFrame, this.tlbFlags(out));
  }

  override invlpg(va: number): void {
    super.invlpg(va);
    va >>>= 0;
    this.invalidateTablePage(va);
    const walker = this.control.pae ? this.walker : this.walker32;
    if (this.control.paging && walker.mapsLargePage(va)) {
      const bytes = SIZE_BYTES[this.candidateSizes()[1]!]!;
      this.table.invalidateSmallWithin(va - (va % bytes), bytes);
    }
  }

  protected invalidateTablePage(va: number): void {
    this.table.invalidatePage(va);
  }

  protected override onWriteCr3(): void {
    super.onWriteCr3();
    this.table.flushNonGlobal();
  }

  protected override onPagingModeChange(): void {
    super.onPagingModeChange();
    this.table.flushAll();
  }

  protected override onPageFault(va: number): void {
    super.onPageFault(va);
    this.invalidateTablePage(va);
  }
}

export const createHashedProcessor: ProcessorFactory = (options) => new HashedProcessor(options);
