/**
 * The PAE page walk (SDM 4.4.2): PDPTE register, page directory, page table; 2 MiB pages when PDE.PS = 1.
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
  mapsLargePage,
  tableAddress,
} from './entry.ts';
import type { PhysicalMemory } from './physical-memory.ts';
import { readEntry } from './stage2.ts';
import type { EntryRead, PagingContext, Translation, WalkFault, WalkResult } from './walk-result.ts';

function index(va: number, shift: number): number {
  return (va >>> shift) & PAE_INDEX.INDEX_MASK;
}

export function walkPae(memory: PhysicalMemory, ctx: PagingContext, va: number): WalkResult {
  const pdpteIndex = va >>> PAE_INDEX.PDPTE_SHIFT;
  const pdpte = ctx.pdptes[pdpteIndex] ?? 0n;
  const entries: EntryRead[] = [];
  const pdptePa = ctx.pdptAddress + pdpteIndex * PAE_INDEX.ENTRY_BYTES;
  if (!isPresent(pdpte)) {
    entries.push(entry('PDPTE', pdptePa, pdpte, 'SDM 4.4.2: PDPTE register P=0, not present'));
    return { kind: 'not-present', level: 'PDPTE', entries };
  }
  // Reserved PDPTE bits cannot occur here: they fault with #GP when the registers are loaded (SDM 4.4.1).
  entries.push(entry('PDPTE', pdptePa, pdpte, 'SDM 4.4.2: PDPTE register selected by bits 31:30'));

  const pdeIpa = tableAddress(pdpte, ctx.maxPhyAddr) + index(va, PAE_INDEX.PDE_SHIFT) * PAE_INDEX.ENTRY_BYTES;
  const pde = readEntry(memory, ctx.stage2, pdeIpa, 8);
  const pdeFault = checkEntry('PDE', pde.value, pde.pa, ctx, entries);
  if (pdeFault) return pdeFault;
  if (mapsLargePage(pde.value)) {
    entries.push(entry('PDE', pde.pa, pde.value, 'SDM Table 4-9: PS=1 maps a 2 MiB page'));
    return translation(va, PAGE_2M, largePageAddress(pde.value, ctx.maxPhyAddr), entries, ctx);
  }
  entries.push(entry('PDE', pde.pa, pde.value, 'SDM Table 4-10: PS=0 references a page table'));

  const pteIpa = tableAddress(pde.value, ctx.maxPhyAddr) + index(va, PAE_INDEX.PTE_SHIFT) * PAE_INDEX.ENTRY_BYTES;
  const pte = readEntry(memory, ctx.stage2, pteIpa, 8);
  const pteFault = checkEntry('PTE', pte.value, pte.pa, ctx, entries);
  if (pteFault) return pteFault;
  entries.push(entry('PTE', pte.pa, pte.value, 'SDM Table 4-11: PTE maps a 4 KiB page'));
  return translation(va, PAGE_4K, tableAddress(pte.value, ctx.maxPhyAddr), entries, ctx);
}

/** Not-present is decided before reserved bits; either ends the walk (SDM 4.7). */
function checkEntry(level: 'PDE' | 'PTE', e: bigint, pa: number, ctx: PagingContext, entries: EntryRead[]): WalkFault | null {
  if (!isPresent(e)) {
    entries.push({ level, pa, width: 8, value: e, rule: `SDM 4.7: ${level} P=0, no valid translation` });
    return { kind: 'not-present', level, entries };
  }
  const reserved = entryReservedBits(e, level, ctx.maxPhyAddr, ctx.nxe);
  if (reserved !== 0n) {
    entries.push({ level, pa, width: 8, value: e, rule: `SDM 4.7: ${level} sets reserved bits 0x${reserved.toString(16)}` });
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

/** An entry as read (8 bytes), with the rule the walk applied to it. Top level: a closure per walk costs. */
function entry(level: EntryRead['level'], pa: number, value: bigint, rule: string): EntryRead {
  return { level, pa, width: 8, value, rule };
}
