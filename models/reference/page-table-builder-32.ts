/**
 * A minimal builder of well-formed 32-bit paging structures (SDM 4.3), for unit tests and benchmarks: one
 * page directory and page tables bump-allocated from a base address, entries that map 4 KiB pages (below
 * 4 GiB) or 4 MiB pages (anywhere below 2^min(MAXPHYADDR, 40), through PSE-36). Like PaeTableBuilder it
 * writes exactly the entries asked for; entries are 4 bytes, so two share each 8-byte image word.
 */
import { BIT, PAGE_4K, PAGE_4M, PAGING32 } from '../../src/arch/entry-layout.ts';
import { hexFromHalves } from '../../src/arch/word.ts';
import type { Processor } from '../../src/machine/processor.ts';
import type { MemoryWord } from '../../src/machine/trace.ts';
import type { PageAttributes } from './page-table-builder.ts';

export interface Paging32TableBuilderOptions {
  /** Physical address of the page directory: 4 KiB aligned, below 4 GiB (CR3 bits 31..12). */
  readonly directory: number;
  /** Where page tables are allocated, one 4 KiB frame each, upward (below 4 GiB). */
  readonly tables: number;
}

const FOUR_GIB = 2 ** 32;
const bit = (position: number): number => (1 << position) >>> 0;

function flags(attrs: PageAttributes): number {
  let f = bit(BIT.P);
  if (attrs.writable ?? true) f |= bit(BIT.RW);
  if (attrs.user ?? true) f |= bit(BIT.US);
  if (attrs.global ?? false) f |= bit(BIT.G);
  if (attrs.accessed ?? false) f |= bit(BIT.A);
  if (attrs.dirty ?? false) f |= bit(BIT.D);
  return f >>> 0;
}

/** A 4 MiB PDE for the frame at pa: bits 31..22 of pa, and pa's bits 32 and up in PDE bits 13.. (PSE-36). */
export function hugePde(pa: number, lowFlags: number): number {
  const high = Math.floor(pa / FOUR_GIB);
  return ((pa % FOUR_GIB) | (high << PAGING32.PSE36_LOW_BIT) | lowFlags | bit(BIT.PS)) >>> 0;
}

export class Paging32TableBuilder {
  /** 4-byte entries by physical address. */
  private readonly entries = new Map<number, number>();
  private readonly directory: number;
  private nextTable: number;
  private readonly pageTables = new Map<number, number>();

  constructor(options: Paging32TableBuilderOptions) {
    if (options.directory % PAGE_4K !== 0 || options.directory < 0 || options.directory >= FOUR_GIB) {
      throw new RangeError('the page directory must be 4 KiB aligned and below 4 GiB');
    }
    if (options.tables % PAGE_4K !== 0 || options.tables + PAGE_4K > FOUR_GIB) throw new RangeError('the table area must be 4 KiB aligned and below 4 GiB');
    this.directory = options.directory;
    this.nextTable = options.tables;
  }

  /** The CR3 value that selects this page directory. */
  get cr3(): number {
    return this.directory;
  }

  /** Maps the 4 KiB page containing va to the frame at pa (4 KiB aligned, below 4 GiB). */
  map4k(va: number, pa: number, attrs: PageAttributes = {}): this {
    if (pa % PAGE_4K !== 0 || pa >= FOUR_GIB) throw new RangeError('a 4 KiB frame must be 4 KiB aligned and below 4 GiB');
    this.entries.set(this.pteAddress(va, true), (pa | flags(attrs)) >>> 0);
    return this;
  }

  /** Maps the 4 MiB page containing va to the frame at pa (4 MiB aligned; needs CR4.PSE = 1). */
  map4m(va: number, pa: number, attrs: PageAttributes = {}): this {
    if (pa % PAGE_4M !== 0) throw new RangeError('a 4 MiB frame must be 4 MiB aligned');
    this.pageTables.delete(va >>> PAGING32.PDE_SHIFT);
    this.entries.set(this.pdeAddress(va), hugePde(pa, flags(attrs)));
    return this;
  }

  /** Physical address of the PDE that maps va. */
  pdeAddress(va: number): number {
    return this.directory + (va >>> PAGING32.PDE_SHIFT) * PAGING32.ENTRY_BYTES;
  }

  /** Physical address of the PTE that maps va; with `create`, its page table is created if missing. */
  pteAddress(va: number, create = false): number {
    const key = va >>> PAGING32.PDE_SHIFT;
    let table = this.pageTables.get(key);
    if (table === undefined) {
      if (!create) throw new Error(`no page table maps 0x${(va >>> 0).toString(16)}`);
      table = this.nextTable;
      this.nextTable += PAGE_4K;
      this.pageTables.set(key, table);
      this.entries.set(this.pdeAddress(va), (table | bit(BIT.P) | bit(BIT.RW) | bit(BIT.US)) >>> 0);
    }
    return table + ((va >>> PAGING32.PTE_SHIFT) & PAGING32.INDEX_MASK) * PAGING32.ENTRY_BYTES;
  }

  /** The non-zero 8-byte words written so far, sorted by physical address (a trace's memory image). */
  memory(): MemoryWord[] {
    const words = new Map<number, [number, number]>();
    for (const [pa, value] of this.entries) {
      const base = pa - (pa % 8);
      const word = words.get(base) ?? [0, 0];
      word[pa === base ? 0 : 1] = value;
      words.set(base, word);
    }
    return [...words.entries()]
      .filter(([, [lo, hi]]) => (lo | hi) !== 0)
      .sort((a, b) => a[0] - b[0])
      .map(([pa, [lo, hi]]) => ({ pa, value: hexFromHalves(lo, hi) }));
  }

  /** Writes every entry into a processor's physical memory. */
  writeTo(cpu: Pick<Processor, 'writePhys32'>): void {
    for (const [pa, value] of this.entries) cpu.writePhys32(pa, value);
  }
}
