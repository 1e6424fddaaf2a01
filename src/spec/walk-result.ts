/**
 * What a page walk works from and what it gives: the paging context, the entries read (each with the rule
 * applied), and a translation or a fault. Apart from walk.ts so that the two walkers it dispatches to can
 * use these types without importing the dispatcher.
 */
import type { Level } from './entry.ts';
import type { Stage2 } from './stage2.ts';

export type PagingMode = 'pae' | '32-bit';

/** What the walk needs besides memory: the mode, the PDPTE registers, the bits that change decoding. */
export interface PagingContext {
  /** PAE paging when CR4.PAE = 1, 32-bit paging otherwise (SDM 4.1.1). */
  readonly mode: PagingMode;
  /** CR3, for 32-bit paging's page directory (SDM 4.3). */
  readonly cr3: number;
  /** CR4.PSE: 4 MiB pages under 32-bit paging (SDM 4.3). */
  readonly pse: boolean;
  readonly stage2: Stage2;
  /** The four PDPTE registers (SDM 4.4.1), loaded from `pdptAddress` by the last MOV that loads them. */
  readonly pdptes: readonly bigint[];
  readonly pdptAddress: number;
  readonly maxPhyAddr: number;
  readonly nxe: boolean;
  /** CR4.PGE: whether a leaf's G bit makes the translation global (SDM 4.10.2.4). */
  readonly pge: boolean;
}

export interface EntryRead {
  readonly level: Level;
  /** Where the entry lives (physical); for a PDPTE, where its register was loaded from. */
  readonly pa: number;
  /** 8 bytes under PAE paging, 4 under 32-bit paging. */
  readonly width: 4 | 8;
  readonly value: bigint;
  readonly rule: string;
}

export interface Translation {
  readonly kind: 'translation';
  /** Linear base and size of the page that maps the address. */
  readonly pageBase: number;
  readonly pageSize: number;
  /** Base of the page frame: intermediate when there is a second stage, else physical. */
  readonly frame: number;
  /** R/W and U/S ANDed over the PDE and PTE; XD ORed (SDM 4.6). */
  readonly writable: boolean;
  readonly user: boolean;
  readonly executeDisabled: boolean;
  readonly global: boolean;
  /** The entries that were used, PDPTE first; the last one maps the page. */
  readonly entries: readonly EntryRead[];
}

export interface WalkFault {
  readonly kind: 'not-present' | 'reserved';
  readonly level: Level;
  readonly entries: readonly EntryRead[];
}

export type WalkResult = Translation | WalkFault;
