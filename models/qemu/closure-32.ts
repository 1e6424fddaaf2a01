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
import { ascending, type TraceWords } from './trace-words.ts';

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
  const ps = (v & PS) !== 0;
  const large = ps && pse.on && (v & largeReservedBits(m)) === 0 ? largeFrame(v, m) : null;
  const table = !ps || pse.off ? (v & TABLE_MASK) >>> 0 : null;
  return { large, table };
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
  const bases = [directoryOf(trace.registers.cr3)];
  for (const s of trace.steps) if (s.op === 'mov-cr3') bases.push(directoryOf(s.value));
  return ascending(bases);
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

/** The populated 4-byte entry locations of a page. */
function populatedEntries(words: TraceWords, page: number): number[] {
  return words.populated(page).flatMap((w) => [w, w + 4]);
}

export function closure32(trace: Trace, words: TraceWords, options: Closure32Options): Closure32 {
  const m = options.maxPhyAddr;
  const ignored = (pa: number): boolean => options.ignore != null && pa >= options.ignore.base && pa < options.ignore.base + options.ignore.bytes;
  const pse = pseTimeline(trace);
  const entries = new Map<number, Set<EntryLevel32>>();
  const mark = (pa: number, level: EntryLevel32): void => {
    const levels = entries.get(pa) ?? new Set<EntryLevel32>();
    levels.add(level);
    entries.set(pa, levels);
  };
  const directories = directoryBases(trace);
  const tables = new Set<number>();
  const largeFrames = new Set<number>();
  const smallFrames = new Set<number>();
  const dual = new Map<number, Set<number>>();
  for (const pd of directories)
    for (const pa of populatedEntries(words, pd)) {
      mark(pa, 'pde');
      for (const v of entryValues(words, pa)) {
        const { large, table } = readPde(v, m, pse);
        const followedTable = table !== null && !ignored(table) ? table : null;
        if (large !== null && !ignored(large)) {
          largeFrames.add(large);
          if (followedTable !== null) dual.set(large, new Set([...(dual.get(large) ?? []), followedTable]));
        }
        if (followedTable !== null) tables.add(followedTable);
      }
    }
  for (const pt of tables)
    for (const pa of populatedEntries(words, pt)) {
      mark(pa, 'pte');
      for (const v of entryValues(words, pa)) if ((v & P) !== 0 && !ignored((v & TABLE_MASK) >>> 0)) smallFrames.add((v & TABLE_MASK) >>> 0);
    }
  return { entries, directories, tables, largeFrames, smallFrames, dual, pse };
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
