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
import { type AccessStep, isAccessStep, type MemoryWord, type Step, type Trace, type WritePhysStep } from '../../src/machine/trace.ts';
import type { AdaptationCounts } from './adaptation-counts.ts';
import { firstRegion, lastRegion, type PagedAccessCounts } from './access-reach.ts';
import { QEMU_MAXPHYADDR } from './guest-abi.ts';
import { slotRegion, type Window, windowEntryAddress } from './guest-window.ts';
import { pagingBeforeEachStep } from './paging-timeline.ts';
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

  /** The words, sorted, unchanged ones as they were; a word changed to zero is left out. */
  words(): MemoryWord[] {
    const changes = [...this.changed].sort(([a], [b]) => a - b);
    const word = (pa: number, v: bigint): MemoryWord => ({ pa, value: hexFromBigInt(v) });
    if (this.sorted === null) {
      const out: MemoryWord[] = changes.filter(([, v]) => v !== 0n).map(([pa, v]) => word(pa, v));
      for (const [pa, h] of this.hex ?? []) if (!this.changed.has(pa)) out.push({ pa, value: h });
      return out.sort((a, b) => a.pa - b.pa);
    }
    // Copy the unchanged words between changed addresses (in order); a changed word replaces the original.
    const sorted = this.sorted;
    const out: MemoryWord[] = [];
    let from = 0;
    for (const [pa, v] of changes) {
      const at = lowerBound(sorted, pa, from);
      for (let k = from; k < at; k++) out.push(sorted[k] as MemoryWord);
      if (v !== 0n) out.push(word(pa, v));
      from = sorted[at]?.pa === pa ? at + 1 : at;
    }
    for (let k = from; k < sorted.length; k++) out.push(sorted[k] as MemoryWord);
    return out;
  }
}

function strictlySorted(memory: readonly MemoryWord[]): boolean {
  for (let k = 1; k < memory.length; k++) if ((memory[k] as MemoryWord).pa <= (memory[k - 1] as MemoryWord).pa) return false;
  return true;
}

/** A trace's steps, copied to be changed, with their physical writes found by the word they write. */
export class EditableSteps {
  readonly steps: Step[];
  /** The indices of the physical writes, by word, in step order. */
  private readonly writes = new Map<number, number[]>();

  constructor(steps: readonly Step[]) {
    this.steps = [...steps];
    steps.forEach((s, i) => {
      if (s.op !== 'write-phys') return;
      const list = this.writes.get(s.pa);
      if (list === undefined) this.writes.set(s.pa, [i]);
      else list.push(i);
    });
  }

  /** The values written to the word at `pa`, in step order. */
  writtenValues(pa: number): bigint[] {
    return (this.writes.get(pa) ?? []).map((i) => bigIntFromHex((this.steps[i] as WritePhysStep).value));
  }

  /** Gives every physical write to the word at `pa` the value `next` makes of it; returns how many changed. */
  rewrite(pa: number, next: (v: bigint) => bigint): number {
    let n = 0;
    for (const i of this.writes.get(pa) ?? []) {
      const s = this.steps[i] as WritePhysStep;
      const before = bigIntFromHex(s.value);
      const after = next(before);
      if (after === before) continue;
      this.steps[i] = { ...s, value: hexFromBigInt(after) };
      n++;
    }
    return n;
  }
}

/** What mapping the window needs to know of a relocated trace, found before relocation. */
export interface WindowRoots {
  /** The PDPT bases of the trace's CR3 values (pdptBases). */
  readonly pdpts: readonly number[];
  /** The trace's accesses made with paging on, counted by linear region. */
  readonly touching: PagedAccessCounts;
}

export function mapWindow(trace: Trace, w: Window, { pdpts, touching }: WindowRoots, counts: AdaptationCounts): Trace {
  const image = new Image(trace.memory);
  const steps = new EditableSteps(trace.steps);
  const directories = new Set<number>();
  let changed = false;
  const pdpteLocations = new Set(pdpts.map((base) => base + 8 * w.quarter));

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
    steps.rewrite(pa, keepOrReplace);
  }

  for (const pd of directories) {
    const pa = windowEntryAddress(w, pd);
    const before = image.get(pa) ?? 0n;
    const rewritten = steps.rewrite(pa, () => w.pde);
    if ((before !== 0n && before !== w.pde) || rewritten > 0) counts.add('window-mapping-evicted');
    if (before !== w.pde) {
      image.set(pa, w.pde);
      changed = true;
    }
  }
  if (changed) counts.add('window-mapped');

  const slots = reachableSlots(pdpts, image, steps, directories, w);
  const kept = [...slots].some((r) => (touching[r] ?? 0) > 0) ? withoutReaching(steps.steps, pagingBeforeEachStep(trace), slots) : steps.steps;
  counts.add('window-step-dropped', steps.steps.length - kept.length);

  return { ...trace, memory: image.words(), steps: kept };
}

/** The steps but the accesses made with paging on that touch one of the linear regions `slots`. */
function withoutReaching(steps: readonly Step[], paging: readonly boolean[], slots: ReadonlySet<number>): Step[] {
  const reaches = (s: AccessStep): boolean => slots.has(firstRegion(s)) || slots.has(lastRegion(s));
  return steps.filter((s, i) => !(isAccessStep(s) && paging[i] === true && reaches(s)));
}

/** Linear 2 MiB regions whose translation may go through the window's PDE, in any root and at any time. */
function reachableSlots(pdpts: readonly number[], image: Image, steps: EditableSteps, directories: ReadonlySet<number>, w: Window): Set<number> {
  const slots = new Set<number>([slotRegion(w, w.quarter)]);
  for (const base of pdpts)
    for (let q = 0; q < 4; q++) {
      const pa = base + 8 * q;
      const values = [image.get(pa) ?? 0n, ...steps.writtenValues(pa)];
      if (values.some((v) => isPresent(v) && directories.has(entryAddress(v, QEMU_MAXPHYADDR)))) slots.add(slotRegion(w, q));
    }
  return slots;
}
