/**
 * A minimal builder of well-formed PAE paging structures, for unit tests and benchmarks: a PDPT, page
 * directories and page tables bump-allocated from a base address, entries that map 4 KiB or 2 MiB pages to
 * any physical address (above 4 GiB included). It is not the kernel that encodes mappings (that models the
 * system's own page-table code); it writes exactly the entries asked for and nothing else.
 *
 * The result is a memory image (`memory()`, trace words) or is written into a processor (`writeTo`).
 */
import { BIT, PAE_INDEX, PAGE_2M, PAGE_4K } from '../../src/arch/entry-layout.ts';
import { hexFromHalves } from '../../src/arch/word.ts';
import type { Processor } from '../../src/machine/processor.ts';
import type { MemoryWord } from '../../src/machine/trace.ts';

export interface PageAttributes {
  /** R/W; default true */
  readonly writable?: boolean;
  /** U/S; default true */
  readonly user?: boolean;
  /** G; default false */
  readonly global?: boolean;
  /** XD (bit 63); default false */
  readonly executeDisable?: boolean;
  /** A and D as initially set; default false */
  readonly accessed?: boolean;
  readonly dirty?: boolean;
}

export interface PaeTableBuilderOptions {
  /** Physical address of the PDPT: 32-byte aligned, below 4 GiB (CR3 holds it). */
  readonly pdpt: number;
  /** Where page directories and page tables are allocated, one 4 KiB frame each, upward. */
  readonly tables: number;
}

interface Word {
  lo: number;
  hi: number;
}

const FOUR_GIB = 2 ** 32;
const bit = (position: number): number => (1 << position) >>> 0;
const PDPTE_ENTRIES = 4;

/** Encodes an entry pointing at `pa` with the given low flag bits and XD. */
export function encodeEntry(pa: number, lowFlags: number, executeDisable: boolean): Word {
  const hi = Math.floor(pa / FOUR_GIB);
  return { lo: ((pa - hi * FOUR_GIB) | lowFlags) >>> 0, hi: (executeDisable ? hi + 2 ** 31 : hi) >>> 0 };
}

function leafFlags(attrs: PageAttributes): number {
  let flags = bit(BIT.P);
  if (attrs.writable ?? true) flags |= bit(BIT.RW);
  if (attrs.user ?? true) flags |= bit(BIT.US);
  if (attrs.global ?? false) flags |= bit(BIT.G);
  if (attrs.accessed ?? false) flags |= bit(BIT.A);
  if (attrs.dirty ?? false) flags |= bit(BIT.D);
  return flags >>> 0;
}

export class PaeTableBuilder {
  private readonly words = new Map<number, Word>();
  private readonly pdpt: number;
  private nextTable: number;
  private readonly directories: (number | undefined)[] = new Array<number | undefined>(PDPTE_ENTRIES).fill(undefined);
  /** Page table of each (PDPTE, PDE) pair, keyed by va >>> 21. */
  private readonly pageTables = new Map<number, number>();

  constructor(options: PaeTableBuilderOptions) {
    if (options.pdpt % 32 !== 0 || options.pdpt < 0 || options.pdpt >= FOUR_GIB) {
      throw new RangeError('the PDPT must be 32-byte aligned and below 4 GiB');
    }
    if (options.tables % PAGE_4K !== 0) throw new RangeError('the table area must be 4 KiB aligned');
    this.pdpt = options.pdpt;
    this.nextTable = options.tables;
  }

  /** The CR3 value that selects this PDPT. */
  get cr3(): number {
    return this.pdpt;
  }

  /** Maps the 4 KiB page containing va to the frame at pa (4 KiB aligned). */
  map4k(va: number, pa: number, attrs: PageAttributes = {}): this {
    if (pa % PAGE_4K !== 0) throw new RangeError('a 4 KiB frame must be 4 KiB aligned');
    this.put(this.pteAddress(va, true), encodeEntry(pa, leafFlags(attrs), attrs.executeDisable ?? false));
    return this;
  }

  /** Maps the 2 MiB page containing va to the frame at pa (2 MiB aligned), replacing any page table. */
  map2m(va: number, pa: number, attrs: PageAttributes = {}): this {
    if (pa % PAGE_2M !== 0) throw new RangeError('a 2 MiB frame must be 2 MiB aligned');
    this.pageTables.delete(va >>> PAE_INDEX.PDE_SHIFT);
    this.put(this.pdeAddress(va), encodeEntry(pa, leafFlags(attrs) | bit(BIT.PS), attrs.executeDisable ?? false));
    return this;
  }

  /** Physical address of the PDE that maps va (its page directory is created if missing). */
  pdeAddress(va: number): number {
    const index = va >>> PAE_INDEX.PDPTE_SHIFT;
    let directory = this.directories[index];
    if (directory === undefined) {
      directory = this.allocateTable();
      this.directories[index] = directory;
      this.put(this.pdpt + index * PAE_INDEX.ENTRY_BYTES, encodeEntry(directory, bit(BIT.P), false));
    }
    return directory + ((va >>> PAE_INDEX.PDE_SHIFT) & PAE_INDEX.INDEX_MASK) * PAE_INDEX.ENTRY_BYTES;
  }

  /** Physical address of the PTE that maps va; with `create`, its page table is created if missing. */
  pteAddress(va: number, create = false): number {
    const key = va >>> PAE_INDEX.PDE_SHIFT;
    let table = this.pageTables.get(key);
    if (table === undefined) {
      if (!create) throw new Error(`no page table maps 0x${(va >>> 0).toString(16)}`);
      table = this.allocateTable();
      this.pageTables.set(key, table);
      this.put(this.pdeAddress(va), encodeEntry(table, bit(BIT.P) | bit(BIT.RW) | bit(BIT.US), false));
    }
    return table + ((va >>> PAE_INDEX.PTE_SHIFT) & PAE_INDEX.INDEX_MASK) * PAE_INDEX.ENTRY_BYTES;
  }

  /** The non-zero words written so far, sorted by physical address (a trace's memory image). */
  memory(): MemoryWord[] {
    return Array.from(this.words.entries())
      .filter(([, w]) => (w.lo | w.hi) !== 0)
      .sort((a, b) => a[0] - b[0])
      .map(([pa, w]) => ({ pa, value: hexFromHalves(w.lo, w.hi) }));
  }

  /** Writes every entry into a processor's physical memory. */
  writeTo(cpu: Pick<Processor, 'writePhys32'>): void {
    for (const [pa, w] of this.words) {
      cpu.writePhys32(pa, w.lo);
      cpu.writePhys32(pa + 4, w.hi);
    }
  }

  private put(pa: number, word: Word): void {
    this.words.set(pa, word);
  }

  private allocateTable(): number {
    const table = this.nextTable;
    this.nextTable += PAGE_4K;
    return table;
  }
}
