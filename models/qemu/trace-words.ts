/**
 * A trace's memory as locations and every value each one ever holds: the image word, then each physical
 * write to it. Paging structures are read through this view, because stale TLB entries, PDPTE registers
 * and QEMU's walker can each see a different one of those values (SDM 4.10.2.3).
 *
 * Values stay hex strings until a location is read as an entry (valuesAt): most image words are data,
 * and parsing every one of them into a bigint would cost more than everything else the adapter does.
 */
import { PAGE_4K } from '../../src/arch/entry-layout.ts';
import { bigIntFromHex, type Hex64 } from '../../src/arch/word.ts';
import type { MemoryWord, Trace } from '../../src/machine/trace.ts';

const NONE: readonly bigint[] = [0n];
const ZERO = '0x0' as Hex64;

/** Whether a hex value is zero, without parsing it. */
export function isZeroHex(h: Hex64): boolean {
  if (h === ZERO) return true;
  for (let i = 2; i < h.length; i++) if (h.charCodeAt(i) !== 48) return false;
  return true;
}

export class TraceWords {
  /** The image words in address order (a stable sort of the image when it is not in order already). */
  readonly image: readonly MemoryWord[];
  /** The values physical writes give each location, in step order. */
  private readonly writes = new Map<number, Hex64[]>();
  /** valuesAt's answers, parsed and without duplicates, for the locations read so far. */
  private readonly parsed = new Map<number, readonly bigint[]>();
  /** The locations physical writes give a nonzero value, by page (4 KiB base). */
  private readonly nonzeroWrites = new Map<number, number[]>();
  /** Pages holding a nonzero word at some time, or written to, ascending. */
  readonly pages: readonly number[];

  constructor(trace: Trace) {
    // One pass finds the pages of a sorted image (every generated one) and whether it is sorted.
    let image = trace.memory;
    let pages = imagePages(image);
    if (pages === null) {
      image = [...image].sort((a, b) => a.pa - b.pa);
      pages = imagePages(image) as number[];
    }
    this.image = image;
    const writtenPages: number[] = [];
    for (const s of trace.steps) {
      if (s.op !== 'write-phys') continue;
      const list = this.writes.get(s.pa);
      if (list === undefined) this.writes.set(s.pa, [s.value]);
      else list.push(s.value);
      const page = pageOf(s.pa);
      if (!includes(pages, page)) writtenPages.push(page);
      if (isZeroHex(s.value)) continue;
      const slots = this.nonzeroWrites.get(page);
      if (slots === undefined) this.nonzeroWrites.set(page, [s.pa]);
      else slots.push(s.pa);
    }
    this.pages = writtenPages.length === 0 ? pages : ascending([...pages, ...writtenPages]);
  }

  /** The image value (0 when absent) and every value written later, without duplicates. */
  valuesAt(pa: number): readonly bigint[] {
    const done = this.parsed.get(pa);
    if (done !== undefined) return done;
    const raw: Hex64[] = [];
    for (let k = lowerBound(this.image, pa); k < this.image.length && (this.image[k] as MemoryWord).pa === pa; k++) raw.push((this.image[k] as MemoryWord).value);
    const written = this.writes.get(pa);
    if (raw.length === 0 && written === undefined) return NONE;
    if (raw.length === 0) raw.push(ZERO);
    const values: bigint[] = [];
    for (const h of written === undefined ? raw : [...raw, ...written]) {
      const v = bigIntFromHex(h);
      if (!values.includes(v)) values.push(v);
    }
    this.parsed.set(pa, values);
    return values;
  }

  /** The locations of a page that are nonzero at some time, ascending. */
  populated(page: number): readonly number[] {
    const slots: number[] = [];
    const end = lowerBound(this.image, page + PAGE_4K);
    for (let k = lowerBound(this.image, page); k < end; k++) {
      const w = this.image[k] as MemoryWord;
      if (w.pa !== slots[slots.length - 1] && !isZeroHex(w.value)) slots.push(w.pa);
    }
    const written = this.nonzeroWrites.get(page);
    return written === undefined ? slots : ascending([...slots, ...written]);
  }

  /** Whether the location is nonzero at some time. */
  everNonzero(pa: number): boolean {
    return this.valuesAt(pa).some((v) => v !== 0n);
  }
}

/** The pages of an image's nonzero words, ascending; null when the image is not sorted by address. */
function imagePages(image: readonly MemoryWord[]): number[] | null {
  const pages: number[] = [];
  let previous = -1;
  for (const w of image) {
    if (w.pa < previous) return null;
    previous = w.pa;
    if (isZeroHex(w.value)) continue;
    const page = pageOf(w.pa);
    if (page !== pages[pages.length - 1]) pages.push(page);
  }
  return pages;
}

/** Addresses in ascending order, without duplicates. */
export function ascending(addresses: Iterable<number>): number[] {
  return [...new Set(addresses)].sort((a, b) => a - b);
}

/** The index of the first address at or above `pa` in an ascending list. */
export function lowerBoundOf(sorted: readonly number[], pa: number): number {
  return firstNotBelow(0, sorted.length, (k) => (sorted[k] as number) < pa);
}

/** Whether an ascending list holds `pa`. */
function includes(sorted: readonly number[], pa: number): boolean {
  return sorted[lowerBoundOf(sorted, pa)] === pa;
}

/** The index of the first word at or above `pa` in a sorted image (from index `from` on). */
export function lowerBound(memory: readonly MemoryWord[], pa: number, from = 0): number {
  return firstNotBelow(from, memory.length, (k) => (memory[k] as MemoryWord).pa < pa);
}

/** Binary search in from..to-1 for the first index where `below` turns false (it is true, then false). */
function firstNotBelow(from: number, to: number, below: (k: number) => boolean): number {
  let lo = from;
  let hi = to;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (below(mid)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

export function pageOf(pa: number): number {
  // Division, not %: physical addresses above 2^31 are doubles, and % on doubles is a slow library call.
  return Math.floor(pa / PAGE_4K) * PAGE_4K;
}
