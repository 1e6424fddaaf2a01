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
import type { Trace } from '../../src/machine/trace.ts';

const NONE: readonly bigint[] = [0n];
const ZERO = '0x0' as Hex64;

/** Whether a hex value is zero, without parsing it. */
export function isZeroHex(h: Hex64): boolean {
  if (h === ZERO) return true;
  for (let i = 2; i < h.length; i++) if (h.charCodeAt(i) !== 48) return false;
  return true;
}

export class TraceWords {
  /** Every location the image or a physical write names, with its values over time (image first). */
  private readonly raw = new Map<number, Hex64 | Hex64[]>();
  /** valuesAt's answers, parsed and without duplicates, for the locations read so far. */
  private readonly parsed = new Map<number, readonly bigint[]>();
  private readonly written = new Set<number>();
  private readonly nonzero = new Set<number>();
  /** The locations of each page (4 KiB base) that hold a nonzero value at some time, ascending. */
  private readonly byPage = new Map<number, number[]>();
  /** Pages holding a nonzero word at some time, or written to. */
  readonly pages = new Set<number>();

  constructor(trace: Trace) {
    for (const w of trace.memory) this.add(w.pa, w.value, true);
    for (const s of trace.steps) {
      if (s.op !== 'write-phys') continue;
      this.written.add(s.pa);
      this.pages.add(pageOf(s.pa));
      this.add(s.pa, s.value, false);
    }
    for (const pa of this.nonzero) {
      const page = pageOf(pa);
      const slots = this.byPage.get(page);
      if (slots === undefined) this.byPage.set(page, [pa]);
      else slots.push(pa);
    }
    for (const list of this.byPage.values()) if (list.length > 1) list.sort((a, b) => a - b);
  }

  private add(pa: number, value: Hex64, image: boolean): void {
    const list = this.raw.get(pa);
    if (list === undefined) this.raw.set(pa, image ? value : [ZERO, value]);
    else if (typeof list === 'string') this.raw.set(pa, [list, value]);
    else list.push(value);
    if (isZeroHex(value)) return;
    this.nonzero.add(pa);
    this.pages.add(pageOf(pa));
  }

  /** The image value (0 when absent) and every value written later, without duplicates. */
  valuesAt(pa: number): readonly bigint[] {
    const done = this.parsed.get(pa);
    if (done !== undefined) return done;
    const list = this.raw.get(pa);
    if (list === undefined) return NONE;
    const values: bigint[] = [];
    for (const h of typeof list === 'string' ? [list] : list) {
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
    return this.nonzero.has(pa);
  }

  /** Whether a physical write targets the location. */
  isWritten(pa: number): boolean {
    return this.written.has(pa);
  }
}

export function pageOf(pa: number): number {
  return pa - (pa % PAGE_4K);
}
