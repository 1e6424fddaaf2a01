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
  private readonly image: readonly MemoryWord[];
  /** The values physical writes give each location, in step order. */
  private readonly writes = new Map<number, Hex64[]>();
  /** valuesAt's answers, parsed and without duplicates, for the locations read so far. */
  private readonly parsed = new Map<number, readonly bigint[]>();
  /** The locations of each page (4 KiB base) that hold a nonzero value at some time, ascending. */
  private readonly byPage = new Map<number, number[]>();
  /** Pages holding a nonzero word at some time, or written to. */
  readonly pages = new Set<number>();

  constructor(trace: Trace) {
    const memory = trace.memory;
    const inOrder = isSorted(memory);
    this.image = inOrder ? memory : [...memory].sort((a, b) => a.pa - b.pa);
    // Pages in the order the image names them first (then the writes'): callers iterate this set.
    let lastPage = -1;
    let lastPa = -1;
    let slots: number[] = [];
    for (const w of memory) {
      if (isZeroHex(w.value)) continue;
      const page = pageOf(w.pa);
      if (page !== lastPage) {
        this.pages.add(page);
        if (inOrder) this.byPage.set(page, (slots = []));
      }
      lastPage = page;
      if (inOrder && w.pa !== lastPa) slots.push(w.pa);
      lastPa = w.pa;
    }
    let previous = -1;
    if (!inOrder) for (const w of this.image) if (w.pa !== previous && !isZeroHex(w.value)) previous = this.populate(w.pa, false);
    const touched = new Set<number>();
    for (const s of trace.steps) {
      if (s.op !== 'write-phys') continue;
      this.written.add(s.pa);
      this.pages.add(pageOf(s.pa));
      const list = this.writes.get(s.pa);
      if (list === undefined) this.writes.set(s.pa, [s.value]);
      else list.push(s.value);
      if (!isZeroHex(s.value)) {
        this.pages.add(pageOf(s.pa));
        touched.add(this.populate(s.pa, true));
      }
    }
    for (const pa of touched) {
      const list = this.byPage.get(pageOf(pa)) as number[];
      this.byPage.set(pageOf(pa), [...new Set(list)].sort((a, b) => a - b));
    }
  }

  private readonly written = new Set<number>();

  /** Records a nonzero location; returns it. The image's come in order; a write's are sorted after. */
  private populate(pa: number, write: boolean): number {
    const page = pageOf(pa);
    const slots = this.byPage.get(page);
    if (slots === undefined) this.byPage.set(page, [pa]);
    else if (write || slots[slots.length - 1] !== pa) slots.push(pa);
    return pa;
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

  /** The locations of a page that are nonzero at some time. */
  populated(page: number): readonly number[] {
    return this.byPage.get(page) ?? [];
  }

  /** Whether the location is nonzero at some time. */
  everNonzero(pa: number): boolean {
    return this.valuesAt(pa).some((v) => v !== 0n);
  }

  /** Whether a physical write targets the location. */
  isWritten(pa: number): boolean {
    return this.written.has(pa);
  }
}

export function isSorted(memory: readonly MemoryWord[]): boolean {
  for (let k = 1; k < memory.length; k++) if ((memory[k] as MemoryWord).pa < (memory[k - 1] as MemoryWord).pa) return false;
  return true;
}

/** The index of the first word at or above `pa` in a sorted image (from index `from` on). */
export function lowerBound(memory: readonly MemoryWord[], pa: number, from = 0): number {
  let lo = from;
  let hi = memory.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((memory[mid] as MemoryWord).pa < pa) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

export function pageOf(pa: number): number {
  return pa - (pa % PAGE_4K);
}
