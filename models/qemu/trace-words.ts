/**
 * A trace's memory as locations and every value each one ever holds: the image word, then each physical
 * write to it. Paging structures are read through this view, because stale TLB entries, PDPTE registers
 * and QEMU's walker can each see a different one of those values (SDM 4.10.2.3).
 */
import { PAGE_4K } from '../../src/arch/entry-layout.ts';
import { bigIntFromHex } from '../../src/arch/word.ts';
import type { Trace } from '../../src/machine/trace.ts';

export class TraceWords {
  private readonly image = new Map<number, bigint>();
  private readonly written = new Map<number, bigint[]>();
  /** Pages (4 KiB bases) holding at least one nonzero word at some time. */
  readonly pages = new Set<number>();

  constructor(trace: Trace) {
    for (const w of trace.memory) this.add(this.image, w.pa, bigIntFromHex(w.value));
    for (const s of trace.steps) {
      if (s.op !== 'write-phys') continue;
      const list = this.written.get(s.pa) ?? [];
      list.push(bigIntFromHex(s.value));
      this.written.set(s.pa, list);
      this.pages.add(pageOf(s.pa));
    }
  }

  private add(map: Map<number, bigint>, pa: number, value: bigint): void {
    map.set(pa, value);
    if (value !== 0n) this.pages.add(pageOf(pa));
  }

  /** The image value (0 when absent) and every value written later, without duplicates. */
  valuesAt(pa: number): bigint[] {
    const values = [this.image.get(pa) ?? 0n, ...(this.written.get(pa) ?? [])];
    return [...new Set(values)];
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
