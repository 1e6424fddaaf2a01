/**
 * Maps the guest window into every address space of a relocated trace, and removes what would reach
 * it: for each PDPT the trace's CR3 values select, the PDPTE at the window's index either points to a
 * directory (which gets the window's PDE) or is made to point to the window's own directory; accesses
 * that could translate through the window's slot are dropped, since they would read or write the guest.
 *
 * A PDPTE that was not present becomes present: accesses there still fault not-present, one level lower,
 * with the same error code and CR2 (SDM 4.7). A PDPTE with reserved bits cannot stay, or QEMU, which
 * reads PDPTEs from memory at each walk, would lose the window: it is replaced, and its #GP is not
 * checked (counted as window-pdpte-replaced).
 */
import { bigIntFromHex, hexFromBigInt } from '../../src/arch/word.ts';
import type { MemoryWord, Step, Trace } from '../../src/machine/trace.ts';
import { isAccessStep } from '../../src/machine/trace.ts';
import type { AdaptationCounts } from './adaptation-counts.ts';
import { accessRegions } from './choose-window.ts';
import { QEMU_MAXPHYADDR } from './guest-abi.ts';
import { slotRegion, type Window, windowEntryAddress } from './guest-window.ts';
import { pdptBases } from './paging-closure.ts';
import { entryAddress, isPresent, pdpteUsable } from './entry-bits.ts';
import { lowerBound } from './trace-words.ts';

/**
 * The image as a map from address to value, parsing a value only when it is asked for. An image sorted by
 * address with no address twice (every adapted or relocated image) is searched in place, not copied
 * into a map.
 */
export class Image {
  private readonly sorted: readonly MemoryWord[] | null;
  private readonly hex: Map<number, MemoryWord['value']> | null = null;
  private readonly changed = new Map<number, bigint>();

  constructor(memory: readonly MemoryWord[]) {
    this.sorted = strictlySorted(memory) ? memory : null;
    if (this.sorted === null) {
      this.hex = new Map();
      for (const w of memory) this.hex.set(w.pa, w.value);
    }
  }

  private original(pa: number): MemoryWord['value'] | undefined {
    if (this.sorted === null) return this.hex?.get(pa);
    const w = this.sorted[lowerBound(this.sorted, pa)];
    return w !== undefined && w.pa === pa ? w.value : undefined;
  }

  get(pa: number): bigint | undefined {
    const c = this.changed.get(pa);
    if (c !== undefined) return c;
    const h = this.original(pa);
    return h === undefined ? undefined : bigIntFromHex(h);
  }

  set(pa: number, v: bigint): void {
    this.changed.set(pa, v);
  }

  /** The words, sorted, unchanged ones as they were. */
  words(): MemoryWord[] {
    const changed: MemoryWord[] = [];
    for (const [pa, v] of this.changed) if (v !== 0n) changed.push({ pa, value: hexFromBigInt(v) });
    changed.sort((a, b) => a.pa - b.pa);
    if (this.sorted === null) {
      const out: MemoryWord[] = [...changed];
      for (const [pa, h] of this.hex ?? []) if (!this.changed.has(pa)) out.push({ pa, value: h });
      return out.sort((a, b) => a.pa - b.pa);
    }
    if (this.changed.size === 0) return [...this.sorted];
    // Merge the unchanged words (in order) with the changed ones (sorted): no address is in both.
    const out: MemoryWord[] = [];
    let c = 0;
    for (const w of this.sorted) {
      if (this.changed.has(w.pa)) continue;
      while (c < changed.length && (changed[c] as MemoryWord).pa < w.pa) out.push(changed[c++] as MemoryWord);
      out.push(w);
    }
    while (c < changed.length) out.push(changed[c++] as MemoryWord);
    return out;
  }
}

function strictlySorted(memory: readonly MemoryWord[]): boolean {
  for (let k = 1; k < memory.length; k++) if ((memory[k] as MemoryWord).pa <= (memory[k - 1] as MemoryWord).pa) return false;
  return true;
}

export function mapWindow(trace: Trace, w: Window, paging: readonly boolean[], counts: AdaptationCounts): Trace {
  const image = new Image(trace.memory);
  const steps: Step[] = [...trace.steps];
  const directories = new Set<number>();
  let changed = false;
  const pdpteLocations = new Set(pdptBases(trace).map((base) => base + 8 * w.quarter));

  const keepOrReplace = (v: bigint): bigint => {
    if (pdpteUsable(v)) {
      directories.add(entryAddress(v, QEMU_MAXPHYADDR));
      return v;
    }
    counts.add(isPresent(v) ? 'window-pdpte-replaced' : 'window-pdpte-added');
    directories.add(w.directory);
    return w.pdpte;
  };
  for (const pa of pdpteLocations) {
    const before = image.get(pa) ?? 0n;
    const after = keepOrReplace(before);
    if (after !== before) image.set(pa, after);
  }
  steps.forEach((s, i) => {
    if (s.op !== 'write-phys' || !pdpteLocations.has(s.pa)) return;
    const after = keepOrReplace(bigIntFromHex(s.value));
    if (after !== bigIntFromHex(s.value)) steps[i] = { ...s, value: hexFromBigInt(after) };
  });

  for (const pd of directories) {
    const pa = windowEntryAddress(w, pd);
    const before = image.get(pa) ?? 0n;
    let evicted = before !== 0n && before !== w.pde;
    steps.forEach((s, i) => {
      if (s.op === 'write-phys' && s.pa === pa && bigIntFromHex(s.value) !== w.pde) {
        steps[i] = { ...s, value: hexFromBigInt(w.pde) };
        evicted = true;
      }
    });
    if (evicted) counts.add('window-mapping-evicted');
    if (before !== w.pde) {
      image.set(pa, w.pde);
      changed = true;
    }
  }
  if (changed) counts.add('window-mapped');

  const slots = reachableSlots(trace, image, steps, directories, w);
  const kept = steps.filter((s, i) => !(isAccessStep(s) && paging[i] === true && accessRegions(s).some((r) => slots.has(r))));
  counts.add('window-step-dropped', steps.length - kept.length);

  return { ...trace, memory: image.words(), steps: kept };
}

/** Linear 2 MiB regions whose translation may go through the window's PDE, in any root and at any time. */
function reachableSlots(trace: Trace, image: Image, steps: readonly Step[], directories: ReadonlySet<number>, w: Window): Set<number> {
  const written = new Map<number, bigint[]>();
  for (const s of steps) if (s.op === 'write-phys') written.set(s.pa, [...(written.get(s.pa) ?? []), bigIntFromHex(s.value)]);
  const slots = new Set<number>([slotRegion(w, w.quarter)]);
  for (const base of pdptBases(trace))
    for (let q = 0; q < 4; q++) {
      const pa = base + 8 * q;
      const values = [image.get(pa) ?? 0n, ...(written.get(pa) ?? [])];
      if (values.some((v) => isPresent(v) && directories.has(entryAddress(v, QEMU_MAXPHYADDR)))) slots.add(slotRegion(w, q));
    }
  return slots;
}
