/**
 * What a first-stage trace encoder knows about the trace it wrote, for the two-stage generator to lay a
 * second stage under it: which intermediate frames hold data and paging structures, the paging-structure
 * words as last written, the registers at the end, and the regions of 4 KiB pages one large leaf could
 * replace (promotion, US5784707A). Every address here is intermediate.
 * @internal
 */

/** One present 4 KiB page of a promotable region: its index in the region and its intermediate frame. */
export interface PromotablePage {
  readonly index: number;
  readonly frame: number;
}

/** A page table's worth of 4 KiB pages that a single 2 MiB (PAE) or 4 MiB (32-bit) leaf could map. */
export interface PromotionCandidate {
  /** CR3 of the root that maps the region. */
  readonly cr3: number;
  /** Linear base and size of the region. */
  readonly linear: number;
  readonly bytes: number;
  /** Intermediate address of the PDE that now points to the page table, and the entry's width. */
  readonly pdeAddress: number;
  readonly entryBytes: 4 | 8;
  /** Intermediate address of the page table the PDE references. */
  readonly pageTable: number;
  readonly pages: readonly PromotablePage[];
  /** The large leaf (R/W and U/S as the region's pages allow) that maps the region at intermediate `base`. */
  readonly leafFor: (base: number) => bigint;
}

export interface FirstStageLayout {
  /** Intermediate ranges accesses may reach: mapping frames, and frames that edits moved pages to. */
  readonly dataRanges: readonly { readonly frame: number; readonly bytes: number }[];
  /** Intermediate 4 KiB pages that hold paging structures. */
  readonly tablePages: readonly number[];
  /** The 8-byte paging-structure words as the generator last wrote them, by intermediate address. */
  readonly words: ReadonlyMap<number, bigint>;
  /** Control registers after the last step, as the generator wrote them. */
  readonly final: { readonly cr0: number; readonly cr3: number; readonly cr4: number };
  readonly promotable: readonly PromotionCandidate[];
}

/** A first-stage trace and its layout. */
export interface LaidOutTrace<T> {
  readonly trace: T;
  readonly layout: FirstStageLayout;
}
