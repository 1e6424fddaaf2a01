/**
 * The paging closure of a 32-bit paging trace (SDM 4.3): everything its page directories and page tables
 * can ever say, values from different times combined freely (trace-words.ts), so that it is a superset of
 * what any walk, fresh or stale, can use. Entries are 4 bytes, two to a word of the trace's image.
 *
 * Page directories come from CR3 values (bits 31..12); a present PDE with PS = 1 maps a 4 MiB frame when
 * CR4.PSE is ever 1 (PDE bits 31..22, and bits 20..13 as address bits 39..32 through PSE-36, Table 4-4),
 * and references a page table (bits 31..12, Table 4-5) when PS = 0 or when CR4.PSE is ever 0; a present
 * PTE maps a 4 KiB frame (bits 31..12, Table 4-6). Page directories, page tables and 4 KiB frames lie
 * below 4 GiB; only 4 MiB frames reach above.
 */
import { CR4, PAGE_4K, PAGE_4M, PAGING32 } from '../../src/arch/entry-layout.ts';
import { largePde32ReservedBits } from '../../src/spec/walk-32.ts';
import type { Trace } from '../../src/machine/trace.ts';
import { EntryHalves32 } from './entry-halves-32.ts';
import type { TraceWords } from './trace-words.ts';

const FOUR_GIB = 2 ** 32;
const P = 1;
const PS = 0x80;
/** PDE bits 31..22: a 4 MiB frame's address bits 31..22. */
export const LARGE_LOW_MASK = 0xffc00000;
/** PDE bits 20..13: a 4 MiB frame's address bits 39..32 (PSE-36). */
export const PSE36_MASK = 0x001fe000;
export const TABLE_MASK = 0xfffff000;

export const isPaging32 = (cr4: number): boolean => ((cr4 >>> CR4.PAE_BIT) & 1) === 0;
const pseBit = (cr4: number): boolean => ((cr4 >>> CR4.PSE_BIT) & 1) === 1;

/** Whether CR4.PSE is 1, and whether it is 0, at some time of the trace (its CR4 values). */
export function pseTimeline(trace: Trace): { readonly on: boolean; readonly off: boolean } {
  let on = pseBit(trace.registers.cr4);
  let off = !on;
  for (const s of trace.steps)
    if (s.op === 'mov-cr4') {
      if (pseBit(s.value)) on = true;
      else off = true;
    }
  return { on, off };
}

/** The 4-byte entry at `pa` out of a 64-bit word value. */
export function half(word: bigint, pa: number): number {
  return Number((pa % 8 === 0 ? word : word >> 32n) & 0xffffffffn);
}

/** The word value with the 4-byte entry at `pa` replaced. */
export function withHalf(word: bigint, pa: number, entry: number): bigint {
  return pa % 8 === 0 ? (word & 0xffffffff00000000n) | BigInt(entry >>> 0) : (word & 0xffffffffn) | (BigInt(entry >>> 0) << 32n);
}

export const wordOf = (pa: number): number => pa - (pa % 8);

/** How a present PDE value is read under the trace's CR4.PSE values. */
export interface PdeReading {
  /** The 4 MiB frame it maps, or null (not read as a 4 MiB page, or reserved bits set). */
  readonly large: number | null;
  /** The page table it references, or null. */
  readonly table: number | null;
}

export function readPde(v: number, m: number, pse: { readonly on: boolean; readonly off: boolean }): PdeReading {
  if ((v & P) === 0) return { large: null, table: null };
  return { large: largePdeFrame(v, m, pse), table: pdeTable(v, pse) };
}

/** The 4 MiB frame a present PDE value maps (readPde's large). */
function largePdeFrame(v: number, m: number, pse: { readonly on: boolean }): number | null {
  return (v & PS) !== 0 && pse.on && (v & largeReservedBits(m)) === 0 ? largeFrame(v, m) : null;
}

/** The page table a present PDE value references (readPde's table). */
function pdeTable(v: number, pse: { readonly off: boolean }): number | null {
  return (v & PS) === 0 || pse.off ? (v & TABLE_MASK) >>> 0 : null;
}

/** The specification's reserved bits of a 4 MiB PDE (all below bit 22) as a number, by MAXPHYADDR. */
const LARGE_RESERVED_BITS = new Map<number, number>();

function largeReservedBits(m: number): number {
  let bits = LARGE_RESERVED_BITS.get(m);
  if (bits === undefined) {
    bits = Number(largePde32ReservedBits(0xffffffffn, m));
    LARGE_RESERVED_BITS.set(m, bits);
  }
  return bits;
}

/** SDM 4.3, Table 4-4: bits 31..22, and bits 20..13 as address bits 39..32, below 2^min(MAXPHYADDR, 40). */
export function largeFrame(v: number, m: number): number {
  const highBits = Math.min(m, PAGING32.PSE36_MAX_PHYSICAL_BITS) - 32;
  const high = (v >>> PAGING32.PSE36_LOW_BIT) & ((1 << highBits) - 1);
  return high * FOUR_GIB + ((v & LARGE_LOW_MASK) >>> 0);
}

/** A 4 MiB PDE value mapping `frame` instead: the other bits kept. */
export function withLargeFrame(v: number, frame: number): number {
  const high = Math.floor(frame / FOUR_GIB);
  return ((v & ~LARGE_LOW_MASK & ~PSE36_MASK) | ((frame % FOUR_GIB) & LARGE_LOW_MASK) | (high << PAGING32.PSE36_LOW_BIT)) >>> 0;
}

export type EntryLevel32 = 'pde' | 'pte';

export interface Closure32 {
  /** 4-byte entry locations and the levels they are read at. */
  readonly entries: ReadonlyMap<number, ReadonlySet<EntryLevel32>>;
  readonly directories: readonly number[];
  readonly tables: ReadonlySet<number>;
  /** 4 MiB frames and 4 KiB frames, by base. */
  readonly largeFrames: ReadonlySet<number>;
  readonly smallFrames: ReadonlySet<number>;
  /** 4 MiB frames of PDEs that are also read as page-table pointers, with their tables. */
  readonly dual: ReadonlyMap<number, ReadonlySet<number>>;
  readonly pse: { readonly on: boolean; readonly off: boolean };
}

export function directoryBases(trace: Trace): number[] {
  // Few directories in many MOVs to CR3: repeats are found in a short list faster than through a Set.
  const bases = [directoryOf(trace.registers.cr3)];
  for (const s of trace.steps) {
    if (s.op !== 'mov-cr3') continue;
    const base = directoryOf(s.value);
    if (!bases.includes(base)) bases.push(base);
  }
  return bases.sort((a, b) => a - b);
}

const directoryOf = (cr3: number): number => (cr3 & PAGING32.CR3_DIRECTORY_MASK) >>> 0;

/** The 4-byte values a location ever holds (image, then physical writes), without duplicates. */
export function entryValues(words: TraceWords, pa: number): number[] {
  const values: number[] = [];
  for (const w of words.valuesAt(wordOf(pa))) {
    const v = half(w, pa);
    if (!values.includes(v)) values.push(v);
  }
  return values;
}

export interface Closure32Options {
  readonly maxPhyAddr: number;
  /** Entries pointing into this physical range are the guest's own and are not followed. */
  readonly ignore?: { readonly base: number; readonly bytes: number } | null;
}

/** The levels of an entry read as a PDE, as a PTE, or as both (shared: a closure's sets are read-only). */
const PDE_ONLY: ReadonlySet<EntryLevel32> = new Set(['pde']);
const PTE_ONLY: ReadonlySet<EntryLevel32> = new Set(['pte']);
const BOTH: ReadonlySet<EntryLevel32> = new Set(['pde', 'pte']);

/** Collects a closure entry by entry: the directories' first, then those of the tables they reference. */
class ClosureBuilder {
  readonly entries = new Map<number, ReadonlySet<EntryLevel32>>();
  readonly tables = new Set<number>();
  readonly largeFrames = new Set<number>();
  readonly smallFrames = new Set<number>();
  readonly dual = new Map<number, Set<number>>();

  constructor(
    private readonly values: EntryHalves32,
    private readonly options: Closure32Options,
    private readonly pse: { readonly on: boolean; readonly off: boolean },
  ) {}

  /** Whether an entry points into the ignored range (the guest's own, not followed). */
  private ignored(pa: number): boolean {
    const ignore = this.options.ignore;
    return ignore != null && pa >= ignore.base && pa < ignore.base + ignore.bytes;
  }

  private mark(pa: number, level: EntryLevel32): void {
    const levels = this.entries.get(pa);
    if (levels === undefined) this.entries.set(pa, level === 'pde' ? PDE_ONLY : PTE_ONLY);
    else if (!levels.has(level)) this.entries.set(pa, BOTH);
  }

  /** The PDE at `pa`: every 4 MiB frame and page table its values name. */
  directoryEntry(pa: number): void {
    this.mark(pa, 'pde');
    for (const v of this.values.valuesAt(pa)) {
      if ((v & P) === 0) continue;
      const large = largePdeFrame(v, this.options.maxPhyAddr, this.pse);
      const table = pdeTable(v, this.pse);
      const followedTable = table !== null && !this.ignored(table) ? table : null;
      if (large !== null && !this.ignored(large)) {
        this.largeFrames.add(large);
        if (followedTable !== null) this.dualTables(large).add(followedTable);
      }
      if (followedTable !== null) this.tables.add(followedTable);
    }
  }

  /** The PTE at `pa`: every 4 KiB frame its values map. */
  tableEntry(pa: number): void {
    this.mark(pa, 'pte');
    for (const v of this.values.valuesAt(pa)) {
      const frame = (v & TABLE_MASK) >>> 0;
      if ((v & P) !== 0 && !this.ignored(frame)) this.smallFrames.add(frame);
    }
  }

  private dualTables(large: number): Set<number> {
    let tables = this.dual.get(large);
    if (tables === undefined) {
      tables = new Set();
      this.dual.set(large, tables);
    }
    return tables;
  }
}

export function closure32(trace: Trace, words: TraceWords, options: Closure32Options): Closure32 {
  const pse = pseTimeline(trace);
  const b = new ClosureBuilder(new EntryHalves32(trace, words), options, pse);
  const directories = directoryBases(trace);
  // Both 4-byte entries of every populated word, low then high.
  for (const pd of directories)
    for (const w of words.populated(pd)) {
      b.directoryEntry(w);
      b.directoryEntry(w + 4);
    }
  for (const pt of b.tables)
    for (const w of words.populated(pt)) {
      b.tableEntry(w);
      b.tableEntry(w + 4);
    }
  return { entries: b.entries, directories, tables: b.tables, largeFrames: b.largeFrames, smallFrames: b.smallFrames, dual: b.dual, pse };
}

/** Every 4 KiB frame the linear page of `va` may be translated to, in any directory and at any time. */
export function framesOf32(closure: Closure32, words: TraceWords, va: number, maxPhyAddr: number): number[] {
  const frames = new Set<number>();
  for (const pd of closure.directories)
    for (const v of entryValues(words, pd + Math.floor(va / PAGE_4M) * PAGING32.ENTRY_BYTES)) {
      const { large, table } = readPde(v, maxPhyAddr, closure.pse);
      if (large !== null) frames.add(large + (va % PAGE_4M) - (va % PAGE_4K));
      if (table === null) continue;
      for (const pte of entryValues(words, table + (Math.floor(va / PAGE_4K) % 1024) * PAGING32.ENTRY_BYTES))
        if ((pte & P) !== 0) frames.add((pte & TABLE_MASK) >>> 0);
    }
  return [...frames];
}
