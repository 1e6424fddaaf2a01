/**
 * A trace's memory as locations and every value each one ever holds: the image word, then each physical
 * write to it. Paging structures are read through this view, because stale TLB entries, PDPTE registers
 * and QEMU's walker can each see a different one of those values (SDM 4.10.2.3).
 */
import { PAGE_4K } from '../../src/arch/entry-layout.ts';
import { bigIntFromHex } from '../../src/arch/word.ts';
import type { Trace } from '../../src/machine/trace.ts';

const NONE: readonly bigint[] = [0n];

export class TraceWords {
  /** Every location the image or a physical write names, with its values over time (image first). */
  private readonly values = new Map<number, bigint[]>();
  private readonly written = new Set<number>();
  /** The locations of each page (4 KiB base) that hold a nonzero value at some time, ascending. */
  private readonly byPage = new Map<number, number[]>();
  /** Pages holding a nonzero word at some time, or written to. */
  readonly pages = new Set<number>();

  constructor(trace: Trace) {
    for (const w of trace.memory) this.add(w.pa, bigIntFromHex(w.value), true);
    for (const s of trace.steps) {
      if (s.op !== 'write-phys') continue;
      this.written.add(s.pa);
      this.pages.add(pageOf(s.pa));
      this.add(s.pa, bigIntFromHex(s.value), false);
    }
    for (const list of this.byPage.values()) list.sort((a, b) => a - b);
  }

  private add(pa: number, value: bigint, image: boolean): void {
    let list = this.values.get(pa);
    if (list === undefined) {
      list = image ? [] : [0n];
      this.values.set(pa, list);
    }
    if (!list.includes(value)) list.push(value);
    if (value === 0n || list.filter((v) => v !== 0n).length > 1) return;
    const page = pageOf(pa);
    this.pages.add(page);
    const slots = this.byPage.get(page) ?? [];
    slots.push(pa);
    this.byPage.set(page, slots);
  }

  /** The image value (0 when absent) and every value written later, without duplicates. */
  valuesAt(pa: number): readonly bigint[] {
    return this.values.get(pa) ?? NONE;
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

export function pageOf(pa: number): number {
  return pa - (pa % PAGE_4K);
}
