/**
 * Everything a trace's paging structures can ever say: which words are entries (PDPTEs, PDEs, PTEs),
 * which pages are page directories and page tables, and which frames each linear 2 MiB region can be
 * translated to. Values from different times are combined freely (trace-words.ts), so this is a superset
 * of what any walk, fresh or stale, can use. The adapter relocates, and the driver reads back, from it.
 *
 * PDPTs come from CR3 values (SDM 4.4.1: CR3 bits 31..5), page directories from present PDPTEs, page
 * tables and 2 MiB frames from present PDEs, 4 KiB frames from present PTEs (SDM 4.4.2).
 */
import { PAE_CR3_PDPT_MASK, PAE_INDEX, PAGE_2M, PAGE_4K } from '../../src/arch/entry-layout.ts';
import type { Trace } from '../../src/machine/trace.ts';
import { addressValid, entryAddress, isLarge, isPresent } from './entry-bits.ts';
import type { TraceWords } from './trace-words.ts';

export type EntryLevel = 'pdpte' | 'pde' | 'pte';

/** What may translate a linear 2 MiB region: a 2 MiB frame, or a page table. */
export type RegionTarget = { readonly kind: 'large'; readonly frame: number } | { readonly kind: 'table'; readonly table: number };

export interface PagingClosure {
  /** Entry locations and the levels they are read at. */
  readonly entries: ReadonlyMap<number, ReadonlySet<EntryLevel>>;
  /** PDPT bases (32-byte aligned, below 4 GiB). */
  readonly pdpts: readonly number[];
  /** Page-directory pages, with the PDPTE indices (linear quarters) that reach each. */
  readonly directories: ReadonlyMap<number, ReadonlySet<number>>;
  readonly tables: ReadonlySet<number>;
  /** Every frame some leaf entry may map: 2 MiB frames and 4 KiB frames, by base address. */
  readonly frames: ReadonlySet<number>;
  /** By linear 2 MiB region number (va >>> 21): every target that may translate it. */
  readonly regions: ReadonlyMap<number, readonly RegionTarget[]>;
}

export interface ClosureOptions {
  readonly maxPhyAddr: number;
  /** Entries pointing into this physical range are the guest's own and are not followed. */
  readonly ignore?: { readonly base: number; readonly bytes: number } | null;
}

export function pdptBases(trace: Trace): number[] {
  const bases = new Set<number>([(trace.registers.cr3 & PAE_CR3_PDPT_MASK) >>> 0]);
  for (const s of trace.steps) if (s.op === 'mov-cr3') bases.add((s.value & PAE_CR3_PDPT_MASK) >>> 0);
  return [...bases].sort((a, b) => a - b);
}

const slot = (table: number, index: number): number => table + index * PAE_INDEX.ENTRY_BYTES;

export function pagingClosure(trace: Trace, words: TraceWords, options: ClosureOptions): PagingClosure {
  const m = options.maxPhyAddr;
  const ignored = (pa: number): boolean => options.ignore != null && pa >= options.ignore.base && pa < options.ignore.base + options.ignore.bytes;
  const entries = new Map<number, Set<EntryLevel>>();
  const mark = (pa: number, level: EntryLevel): void => {
    const levels = entries.get(pa) ?? new Set<EntryLevel>();
    levels.add(level);
    entries.set(pa, levels);
  };
  const targets = (pa: number): number[] =>
    words
      .valuesAt(pa)
      .filter((v) => isPresent(v) && addressValid(v, m))
      .map((v) => entryAddress(v, m));

  const pdpts = pdptBases(trace);
  const directories = new Map<number, Set<number>>();
  for (const base of pdpts)
    for (let q = 0; q < 4; q++) {
      mark(slot(base, q), 'pdpte');
      for (const pd of targets(slot(base, q))) {
        if (ignored(pd)) continue;
        const quarters = directories.get(pd) ?? new Set<number>();
        quarters.add(q);
        directories.set(pd, quarters);
      }
    }

  const tables = new Set<number>();
  const frames = new Set<number>();
  const regions = new Map<number, RegionTarget[]>();
  const addTarget = (region: number, target: RegionTarget): void => {
    const list = regions.get(region) ?? [];
    if (!list.some((t) => t.kind === target.kind && (t.kind === 'large' ? t.frame === (target as { frame: number }).frame : t.table === (target as { table: number }).table)))
      list.push(target);
    regions.set(region, list);
  };
  for (const [pd, quarters] of directories)
    for (const pa of words.populated(pd)) {
      const i = (pa - pd) / PAE_INDEX.ENTRY_BYTES;
      mark(pa, 'pde');
      for (const v of words.valuesAt(pa)) {
        if (!isPresent(v) || !addressValid(v, m)) continue;
        const address = entryAddress(v, m);
        if (ignored(address)) continue;
        const large = isLarge(v);
        const target: RegionTarget = large ? { kind: 'large', frame: address - (address % PAGE_2M) } : { kind: 'table', table: address };
        if (large) frames.add(address - (address % PAGE_2M));
        else tables.add(address);
        for (const q of quarters) addTarget(q * PAE_INDEX.ENTRIES_PER_TABLE + i, target);
      }
    }
  for (const pt of tables)
    for (const pa of words.populated(pt)) {
      mark(pa, 'pte');
      for (const frame of targets(pa)) if (!ignored(frame)) frames.add(frame);
    }

  return { entries, pdpts, directories, tables, frames, regions };
}

/** Every 4 KiB frame the linear page of `va` may be translated to. */
export function framesOf(closure: PagingClosure, words: TraceWords, va: number, maxPhyAddr: number): number[] {
  const frames = new Set<number>();
  for (const target of closure.regions.get(Math.floor(va / PAGE_2M)) ?? []) {
    if (target.kind === 'large') {
      frames.add(target.frame + (va % PAGE_2M) - (va % PAGE_4K));
      continue;
    }
    const pte = slot(target.table, Math.floor(va / PAGE_4K) % PAE_INDEX.ENTRIES_PER_TABLE);
    for (const v of words.valuesAt(pte)) if (isPresent(v) && addressValid(v, maxPhyAddr)) frames.add(entryAddress(v, maxPhyAddr));
  }
  return [...frames];
}
