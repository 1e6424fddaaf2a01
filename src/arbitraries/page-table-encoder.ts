/**
 * Encodes a mapping set into PAE paging structures in physical memory (SDM 4.4.2), deterministically:
 * the same mapping set always gives the same words at the same addresses.
 *
 * - PDPTs share one page of the low page-table pool, 32 bytes apart, starting at offset 0x20 (so CR3
 *   bits 11..5 are never all zero and a machine that masks CR3 to 4 KiB reads the wrong PDPT).
 * - Page directories and page tables are allocated 4 KiB at a time from the pools, in ascending order
 *   of root, then PDPTE index, then (PDPTE, PDE) index: below 4 GiB, above it, or mixed.
 * - PDPTEs set only P (their bits 2..1 and 8..5 are reserved); PDEs that point to a page table set P,
 *   R/W and U/S, so the rights of a page are the ones its leaf says unless an edit narrows the PDE.
 * - Unused PDPTEs, PDEs and PTEs stay zero (not present) and are not listed.
 *
 * Besides the words it returns where each mapping's PDPTE, PDE and leaf live, so edits can target them.
 */
import { PAE_INDEX, PAGE_4K } from '../arch/entry-layout.ts';
import { hexFromBigInt } from '../arch/word.ts';
import type { MemoryWord } from '../machine/trace.ts';
import { leafFor, pdpteFor, tablePdeFor } from './_internals/entry-values.ts';
import { HIGH_TABLE_POOL, LOW_TABLE_POOL, overlapsTablePool, PDPT_PAGE, type PhysicalRange } from './_internals/physical-layout.ts';
import { type Mapping, type MappingSet, PAGE_BYTES, type PageSize } from './mappings.ts';

/** Bytes between two PDPTs in the PDPT page (a PDPT is four 8-byte entries, 32-byte aligned). */
const PDPT_STRIDE = 0x20;

export interface EncodedRoot {
  /** Physical address of the PDPT (below 4 GiB, 32-byte aligned). */
  readonly pdpt: number;
  /** The CR3 value that selects this root. */
  readonly cr3: number;
  /** Page directory for each PDPTE index, or null where the PDPTE is not present. */
  readonly pageDirectories: readonly (number | null)[];
}

export interface EncodedMapping {
  readonly root: number;
  /** Index of the mapping in its root's list. */
  readonly index: number;
  readonly linear: number;
  readonly size: PageSize;
  readonly pdpteAddress: number;
  readonly pdpteValue: bigint;
  readonly pdeAddress: number;
  readonly pdeValue: bigint;
  /** The entry that maps the page: the PTE of a 4 KiB page, the PDE of a 2 MiB page. */
  readonly leafAddress: number;
  readonly leafValue: bigint;
  /** The page table holding the PTE of a 4 KiB page; null for a 2 MiB page. */
  readonly pageTable: number | null;
}

export interface EncodedPageTables {
  /** Every non-zero paging-structure word, sorted by physical address. */
  readonly words: readonly MemoryWord[];
  /** The same words as bigints, for callers that edit them. */
  readonly entries: readonly (readonly [pa: number, value: bigint])[];
  readonly roots: readonly EncodedRoot[];
  /** Per root, per mapping (same order as the mapping set). */
  readonly mappings: readonly (readonly EncodedMapping[])[];
  /** Every 4 KiB page allocated for a page directory or page table, ascending. */
  readonly tablePages: readonly number[];
}

class TableAllocator {
  private next: number;
  constructor(
    private readonly pool: PhysicalRange,
    first: number,
  ) {
    this.next = first;
  }

  allocate(): number {
    const page = this.next;
    if (page + PAGE_4K > this.pool.base + this.pool.size) throw new Error(`page-table pool at 0x${this.pool.base.toString(16)} is exhausted`);
    this.next += PAGE_4K;
    return page;
  }
}

const pdpteIndexOf = (linear: number): number => Math.floor(linear / 2 ** PAE_INDEX.PDPTE_SHIFT);
const pdeIndexOf = (linear: number): number => Math.floor(linear / 2 ** PAE_INDEX.PDE_SHIFT) % PAE_INDEX.ENTRIES_PER_TABLE;
const pteIndexOf = (linear: number): number => Math.floor(linear / 2 ** PAE_INDEX.PTE_SHIFT) % PAE_INDEX.ENTRIES_PER_TABLE;
const entryAddress = (table: number, index: number): number => table + index * PAE_INDEX.ENTRY_BYTES;

function checkMapping(m: Mapping, maxPhyAddr: number): void {
  const bytes = PAGE_BYTES[m.size];
  if (m.linear % bytes !== 0 || m.linear < 0 || m.linear + bytes > 2 ** 32) throw new Error(`mapping at linear 0x${m.linear.toString(16)} is not an aligned ${m.size} page`);
  if (m.frame % bytes !== 0 || m.frame < 0 || m.frame + bytes > 2 ** maxPhyAddr) throw new Error(`frame 0x${m.frame.toString(16)} is not an aligned ${m.size} frame below 2^${maxPhyAddr}`);
  if (overlapsTablePool(m.frame, bytes)) throw new Error(`frame 0x${m.frame.toString(16)} overlaps the page-table pool`);
}

export function encodePageTables(set: MappingSet): EncodedPageTables {
  const low = new TableAllocator(LOW_TABLE_POOL, PDPT_PAGE + PAGE_4K);
  const high = new TableAllocator(HIGH_TABLE_POOL, HIGH_TABLE_POOL.base);
  const directoryPool = set.tablePlacement === 'low' ? low : high;
  const tablePool = set.tablePlacement === 'high' ? high : low;
  const entries = new Map<number, bigint>();
  const tablePages: number[] = [];
  const write = (pa: number, value: bigint): void => {
    if (entries.has(pa)) throw new Error(`two paging-structure entries at 0x${pa.toString(16)}`);
    entries.set(pa, value);
  };

  const roots: EncodedRoot[] = [];
  const mappings: EncodedMapping[][] = [];
  set.roots.forEach((root, r) => {
    const pdpt = PDPT_PAGE + PDPT_STRIDE * (r + 1);
    const pageDirectories: (number | null)[] = [null, null, null, null];
    for (const m of root.mappings) checkMapping(m, set.maxPhyAddr);
    const usedPdptes = [...new Set(root.mappings.map((m) => pdpteIndexOf(m.linear)))].sort((a, b) => a - b);
    for (const i of usedPdptes) {
      const pd = directoryPool.allocate();
      tablePages.push(pd);
      pageDirectories[i] = pd;
      write(entryAddress(pdpt, i), pdpteFor(pd));
    }
    const tableKeys = [...new Set(root.mappings.filter((m) => m.size === '4k').map((m) => Math.floor(m.linear / 2 ** PAE_INDEX.PDE_SHIFT)))].sort(
      (a, b) => a - b,
    );
    const pageTables = new Map<number, number>();
    for (const key of tableKeys) {
      const pt = tablePool.allocate();
      tablePages.push(pt);
      pageTables.set(key, pt);
      const pd = pageDirectories[Math.floor(key / PAE_INDEX.ENTRIES_PER_TABLE)];
      if (pd === null || pd === undefined) throw new Error('page table without a page directory');
      write(entryAddress(pd, key % PAE_INDEX.ENTRIES_PER_TABLE), tablePdeFor(pt));
    }
    const encoded = root.mappings.map((m, index): EncodedMapping => {
      const pd = pageDirectories[pdpteIndexOf(m.linear)];
      if (pd === null || pd === undefined) throw new Error('mapping without a page directory');
      const pdpteAddress = entryAddress(pdpt, pdpteIndexOf(m.linear));
      const pdeAddress = entryAddress(pd, pdeIndexOf(m.linear));
      const leaf = leafFor(m.frame, m.size === '2m', m);
      if (m.size === '2m') {
        write(pdeAddress, leaf);
        return { root: r, index, linear: m.linear, size: m.size, pdpteAddress, pdpteValue: pdpteFor(pd), pdeAddress, pdeValue: leaf, leafAddress: pdeAddress, leafValue: leaf, pageTable: null };
      }
      const pt = pageTables.get(Math.floor(m.linear / 2 ** PAE_INDEX.PDE_SHIFT));
      if (pt === undefined) throw new Error('4 KiB mapping without a page table');
      const leafAddress = entryAddress(pt, pteIndexOf(m.linear));
      write(leafAddress, leaf);
      return { root: r, index, linear: m.linear, size: m.size, pdpteAddress, pdpteValue: pdpteFor(pd), pdeAddress, pdeValue: tablePdeFor(pt), leafAddress, leafValue: leaf, pageTable: pt };
    });
    roots.push({ pdpt, cr3: pdpt, pageDirectories });
    mappings.push(encoded);
  });

  const sorted = [...entries.entries()].sort((a, b) => a[0] - b[0]);
  return {
    words: sorted.map(([pa, value]) => ({ pa, value: hexFromBigInt(value) })),
    entries: sorted,
    roots,
    mappings,
    tablePages: tablePages.sort((a, b) => a - b),
  };
}

