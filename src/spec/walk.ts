/**
 * The PAE page walk (SDM 4.4.2), as a pure function of memory and the paging context. It records every
 * entry it reads and the rule it applied, so a divergence can be explained step by step. It sets no
 * accessed or dirty bit: that is the caller's decision once the access is known to complete (SDM 4.8).
 */
import { PAE_INDEX, PAGE_2M, PAGE_4K } from '../arch/entry-layout.ts';
import {
  entryReservedBits,
  isExecuteDisabled,
  isGlobal,
  isPresent,
  isUser,
  isWritable,
  largePageAddress,
  type Level,
  mapsLargePage,
  tableAddress,
} from './entry.ts';

/** What the walk needs besides memory: the PDPTE registers and the bits that change entry decoding. */
export interface PagingContext {
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
  /** Where the entry lives; for a PDPTE, where its register was loaded from. */
  readonly pa: number;
  readonly value: bigint;
  readonly rule: string;
}

export interface Translation {
  readonly kind: 'translation';
  /** Linear base and size of the page that maps the address. */
  readonly pageBase: number;
  readonly pageSize: number;
  /** Physical base of the page frame. */
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

export type MemoryReader = (pa: number) => bigint;

function index(va: number, shift: number): number {
  return (va >>> shift) & PAE_INDEX.INDEX_MASK;
}

export function walk(read: MemoryReader, ctx: PagingContext, va: number): WalkResult {
  const pdpteIndex = va >>> PAE_INDEX.PDPTE_SHIFT;
  const pdpte = ctx.pdptes[pdpteIndex] ?? 0n;
  const entries: EntryRead[] = [];
  const pdptePa = ctx.pdptAddress + pdpteIndex * PAE_INDEX.ENTRY_BYTES;
  if (!isPresent(pdpte)) {
    entries.push({ level: 'PDPTE', pa: pdptePa, value: pdpte, rule: 'SDM 4.4.2: PDPTE register P=0, not present' });
    return { kind: 'not-present', level: 'PDPTE', entries };
  }
  // Reserved PDPTE bits cannot occur here: they fault with #GP when the registers are loaded (SDM 4.4.1).
  entries.push({ level: 'PDPTE', pa: pdptePa, value: pdpte, rule: 'SDM 4.4.2: PDPTE register selected by bits 31:30' });

  const pdePa = tableAddress(pdpte, ctx.maxPhyAddr) + index(va, PAE_INDEX.PDE_SHIFT) * PAE_INDEX.ENTRY_BYTES;
  const pde = read(pdePa);
  const pdeFault = checkEntry('PDE', pde, pdePa, ctx, entries);
  if (pdeFault) return pdeFault;
  if (mapsLargePage(pde)) {
    entries.push({ level: 'PDE', pa: pdePa, value: pde, rule: 'SDM Table 4-9: PS=1 maps a 2 MiB page' });
    return translation(va, PAGE_2M, largePageAddress(pde, ctx.maxPhyAddr), entries, ctx);
  }
  entries.push({ level: 'PDE', pa: pdePa, value: pde, rule: 'SDM Table 4-10: PS=0 references a page table' });

  const ptePa = tableAddress(pde, ctx.maxPhyAddr) + index(va, PAE_INDEX.PTE_SHIFT) * PAE_INDEX.ENTRY_BYTES;
  const pte = read(ptePa);
  const pteFault = checkEntry('PTE', pte, ptePa, ctx, entries);
  if (pteFault) return pteFault;
  entries.push({ level: 'PTE', pa: ptePa, value: pte, rule: 'SDM Table 4-11: PTE maps a 4 KiB page' });
  return translation(va, PAGE_4K, tableAddress(pte, ctx.maxPhyAddr), entries, ctx);
}

/** Not-present is decided before reserved bits; either ends the walk (SDM 4.7). */
function checkEntry(level: 'PDE' | 'PTE', e: bigint, pa: number, ctx: PagingContext, entries: EntryRead[]): WalkFault | null {
  if (!isPresent(e)) {
    entries.push({ level, pa, value: e, rule: `SDM 4.7: ${level} P=0, no valid translation` });
    return { kind: 'not-present', level, entries };
  }
  const reserved = entryReservedBits(e, level, ctx.maxPhyAddr, ctx.nxe);
  if (reserved !== 0n) {
    entries.push({ level, pa, value: e, rule: `SDM 4.7: ${level} sets reserved bits 0x${reserved.toString(16)}` });
    return { kind: 'reserved', level, entries };
  }
  return null;
}

function translation(va: number, pageSize: number, frame: number, entries: EntryRead[], ctx: PagingContext): Translation {
  // PDPTEs carry no R/W, U/S or XD under PAE (SDM Table 4-8): only PDE and PTE count (SDM 4.6).
  const controlling = entries.filter((e) => e.level !== 'PDPTE').map((e) => e.value);
  const leaf = controlling[controlling.length - 1] ?? 0n;
  return {
    kind: 'translation',
    pageBase: va - (va % pageSize),
    pageSize,
    frame,
    writable: controlling.every(isWritable),
    user: controlling.every(isUser),
    executeDisabled: ctx.nxe && controlling.some(isExecuteDisabled),
    global: ctx.pge && isGlobal(leaf),
    entries,
  };
}
