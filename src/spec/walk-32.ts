/**
 * The 32-bit page walk (SDM 4.3): page directory at CR3[31:12], page table; 4 MiB pages when CR4.PSE = 1
 * and PDE.PS = 1, reaching physical addresses above 4 GiB through PSE-36. Entries are 4 bytes; there is
 * no XD, and reserved bits exist only in 4 MiB PDEs.
 */
import { PAGE_4K, PAGE_4M, PAGING32 } from '../arch/entry-layout.ts';
import { isGlobal, isPresent, isUser, isWritable, mapsLargePage } from './entry.ts';
import type { PhysicalMemory } from './physical-memory.ts';
import { readEntry } from './stage2.ts';
import type { EntryRead, PagingContext, Translation, WalkResult } from './walk-result.ts';

/** M' = min(MAXPHYADDR, 40): the physical width PSE-36 can reach (SDM 4.3, Table 4-4 footnote). */
function pse36Width(maxPhyAddr: number): number {
  return Math.min(maxPhyAddr, PAGING32.PSE36_MAX_PHYSICAL_BITS);
}

/** Bit 21 and bits 20..(13 + M' - 32) of a 4 MiB PDE are reserved (SDM Table 4-4). */
export function largePde32ReservedBits(pde: bigint, maxPhyAddr: number): bigint {
  const firstReserved = PAGING32.PSE36_LOW_BIT + (pse36Width(maxPhyAddr) - 32);
  let reserved = 1n << BigInt(PAGING32.LARGE_RESERVED_BIT);
  for (let b = firstReserved; b < PAGING32.LARGE_RESERVED_BIT; b++) reserved |= 1n << BigInt(b);
  return pde & reserved;
}

/** Physical base of a 4 MiB page: PDE bits 31:22, plus PDE bits 20:13 as address bits 39:32 (PSE-36). */
function largeFrame(pde: bigint, maxPhyAddr: number): number {
  const low = Number(pde & 0xffc00000n);
  const highBits = pse36Width(maxPhyAddr) - 32;
  const high = Number((pde >> BigInt(PAGING32.PSE36_LOW_BIT)) & ((1n << BigInt(highBits)) - 1n));
  return high * 2 ** 32 + low;
}

export function walk32(memory: PhysicalMemory, ctx: PagingContext, va: number): WalkResult {
  const entries: EntryRead[] = [];
  const directory = (ctx.cr3 & PAGING32.CR3_DIRECTORY_MASK) >>> 0;
  const pde = readEntry(memory, ctx.stage2, directory + (va >>> PAGING32.PDE_SHIFT) * PAGING32.ENTRY_BYTES, 4);
  if (!isPresent(pde.value)) {
    entries.push(entry('PDE', pde.pa, pde.value, 'SDM 4.3: PDE P=0, no valid translation'));
    return { kind: 'not-present', level: 'PDE', entries };
  }
  if (ctx.pse && mapsLargePage(pde.value)) {
    const reserved = largePde32ReservedBits(pde.value, ctx.maxPhyAddr);
    if (reserved !== 0n) {
      entries.push(entry('PDE', pde.pa, pde.value, `SDM Table 4-4: 4 MiB PDE sets reserved bits 0x${reserved.toString(16)}`));
      return { kind: 'reserved', level: 'PDE', entries };
    }
    entries.push(entry('PDE', pde.pa, pde.value, 'SDM Table 4-4: CR4.PSE=1 and PS=1 map a 4 MiB page'));
    return translation(va, PAGE_4M, largeFrame(pde.value, ctx.maxPhyAddr), entries, ctx);
  }
  entries.push(entry('PDE', pde.pa, pde.value, 'SDM Table 4-5: the PDE references a page table'));
  const table = Number(pde.value & 0xfffff000n);
  const pte = readEntry(memory, ctx.stage2, table + ((va >>> PAGING32.PTE_SHIFT) & PAGING32.INDEX_MASK) * PAGING32.ENTRY_BYTES, 4);
  if (!isPresent(pte.value)) {
    entries.push(entry('PTE', pte.pa, pte.value, 'SDM 4.3: PTE P=0, no valid translation'));
    return { kind: 'not-present', level: 'PTE', entries };
  }
  entries.push(entry('PTE', pte.pa, pte.value, 'SDM Table 4-6: PTE maps a 4 KiB page'));
  return translation(va, PAGE_4K, Number(pte.value & 0xfffff000n), entries, ctx);
}

function translation(va: number, pageSize: number, frame: number, entries: EntryRead[], ctx: PagingContext): Translation {
  const values = entries.map((e) => e.value);
  const leaf = values[values.length - 1] ?? 0n;
  return {
    kind: 'translation',
    pageBase: va - (va % pageSize),
    pageSize,
    frame,
    // SDM 4.6: R/W and U/S of every entry count; 32-bit paging has no XD.
    writable: values.every(isWritable),
    user: values.every(isUser),
    executeDisabled: false,
    global: ctx.pge && isGlobal(leaf),
    entries,
  };
}

/** An entry as read (4 bytes), with the rule the walk applied to it. Top level: a closure per walk costs. */
function entry(level: EntryRead['level'], pa: number, value: bigint, rule: string): EntryRead {
  return { level, pa, width: 4, value, rule };
}
