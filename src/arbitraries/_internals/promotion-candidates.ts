/**
 * The page tables whose present 4 KiB pages one large leaf could map instead (promotion, US5784707A),
 * as a scenario encoder of either mode left them: the two-stage generator replaces such a table with a
 * 2 MiB (PAE) or 4 MiB (32-bit) leaf. Read from the entries as last written, since edits may have
 * cleared, narrowed or swapped them.
 * @internal
 */
import { BIT, PAGE_4K } from '../../arch/entry-layout.ts';
import type { Mapping } from '../mappings.ts';
import { hasBit } from './entry-values.ts';
import type { EntryBytes } from './entry-words.ts';
import type { PromotionCandidate } from './first-stage-layout.ts';

/** Address bits 51..12 of an entry: a 4 KiB-aligned table or frame (a 4-byte entry has bits 31..12 only). */
const PAGE_ADDRESS_MASK = 0x000ffffffffff000n;

/** A mapping, its root, and where its PDE and leaf are. */
export interface PromotableMapping {
  readonly mapping: Mapping;
  readonly encoded: { readonly root: number; readonly pdeAddress: number; readonly leafAddress: number; readonly pageTable: number | null };
}

export interface PromotionGeometry {
  /** Size of the large page, the linear region a page table covers. */
  readonly regionBytes: number;
  readonly entryBytes: EntryBytes;
  readonly entry: (pa: number) => bigint;
  readonly cr3Of: (root: number) => number;
  /** The mode's large leaf at `base` with these rights, for a region whose present PTEs are `ptes`. */
  readonly largeLeaf: (base: number, rights: { readonly writable: boolean; readonly user: boolean }, ptes: readonly bigint[]) => bigint;
}

/** Candidates in the order the page tables were first met among `refs`. */
export function promotionCandidates(refs: readonly PromotableMapping[], g: PromotionGeometry): PromotionCandidate[] {
  const promotable: PromotionCandidate[] = [];
  const byTable = new Map<number, PromotableMapping[]>();
  for (const x of refs) if (x.encoded.pageTable !== null) byTable.set(x.encoded.pageTable, [...(byTable.get(x.encoded.pageTable) ?? []), x]);
  for (const [table, group] of byTable) {
    const first = group[0] as PromotableMapping;
    const pde = g.entry(first.encoded.pdeAddress);
    // Still a present PDE referencing this table, as the encoder left it.
    if (!hasBit(pde, BIT.P) || hasBit(pde, BIT.PS) || (pde & PAGE_ADDRESS_MASK) !== BigInt(table)) continue;
    const pages = group
      .map((x) => ({ index: Math.floor((x.mapping.linear % g.regionBytes) / PAGE_4K), pte: g.entry(x.encoded.leafAddress) }))
      .filter((p) => hasBit(p.pte, BIT.P));
    if (pages.length === 0) continue;
    // The large leaf grants what the PDE and every page grant.
    const rights = {
      writable: hasBit(pde, BIT.RW) && pages.every((p) => hasBit(p.pte, BIT.RW)),
      user: hasBit(pde, BIT.US) && pages.every((p) => hasBit(p.pte, BIT.US)),
    };
    const ptes = pages.map((p) => p.pte);
    promotable.push({
      cr3: g.cr3Of(first.encoded.root),
      linear: first.mapping.linear - (first.mapping.linear % g.regionBytes),
      bytes: g.regionBytes,
      pdeAddress: first.encoded.pdeAddress,
      pageTable: table,
      entryBytes: g.entryBytes,
      pages: pages.map((p) => ({ index: p.index, frame: Number(p.pte & PAGE_ADDRESS_MASK) })),
      leafFor: (base) => g.largeLeaf(base, rights, ptes),
    });
  }
  return promotable;
}
