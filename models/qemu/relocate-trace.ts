/**
 * Applies a relocation to a trace: every physical address moves with its 2 MiB region (image words,
 * physical writes, CR3 values, accesses made with paging off), and every paging-structure entry that
 * points somewhere is rewritten to point to the same bytes at their new place. Only the address field
 * changes; every other bit the specification looks at (P, R/W, U/S, PS, G, XD, A, D, and the reserved
 * bits, which at MAXPHYADDR 36 are still reserved) stays as it was. MAXPHYADDR becomes 36.
 */
import { PAE_CR3_PDPT_MASK, PAGE_2M } from '../../src/arch/entry-layout.ts';
import { bigIntFromHex, type Hex64, hexFromBigInt } from '../../src/arch/word.ts';
import type { MemoryWord, Step, Trace } from '../../src/machine/trace.ts';
import { isAccessStep } from '../../src/machine/trace.ts';
import type { AdaptationCounts } from './adaptation-counts.ts';
import { QEMU_MAXPHYADDR } from './guest-abi.ts';
import type { PagingClosure } from './paging-closure.ts';
import { type Relocation, regionOf } from './relocation.ts';
import { addressBits, addressValid, entryAddress, isPresent } from './entry-bits.ts';
import { ascending, lowerBound, lowerBoundOf, type TraceWords } from './trace-words.ts';

/** Regions a trace uses, and those that must stay below 3 GiB; `direct`: the ends of its paging-off accesses. */
export function usedRegions(words: TraceWords, closure: PagingClosure, direct: readonly number[]): { regions: Set<number>; low: Set<number> } {
  const { regions, low, use } = regionUse();
  for (const page of words.pages) use(page);
  for (const base of closure.pdpts) use(base, true);
  for (const pd of closure.directories.keys()) use(pd);
  for (const pt of closure.tables) use(pt);
  for (const frame of closure.frames) use(frame);
  for (const pa of direct) use(pa, true);
  return { regions, low };
}

/** Collects the regions a trace uses (`use(pa)`), and those that must stay below 3 GiB (`use(pa, true)`). */
export function regionUse(): { regions: Set<number>; low: Set<number>; use: (pa: number, mustBeLow?: boolean) => void } {
  const regions = new Set<number>();
  const low = new Set<number>();
  const use = (pa: number, mustBeLow = false): void => {
    regions.add(regionOf(pa));
    if (mustBeLow) low.add(regionOf(pa));
  };
  return { regions, low, use };
}

/**
 * The first and last physical byte an access reaches with paging off (linear = physical, wrapping at
 * 4 GiB). An access is at most 8 bytes, so it spans at most two 2 MiB regions, those of its ends: the
 * regions of its ends, in this order, are the regions of all its bytes in byte order.
 */
export function directEnds(va: number, size: number): [number, number] {
  return [va >>> 0, (va + size - 1) >>> 0];
}

export function relocateEntry(value: bigint, maxPhyAddr: number, relocation: Relocation): bigint {
  if (!isPresent(value) || !addressValid(value, maxPhyAddr)) return value;
  const address = entryAddress(value, maxPhyAddr);
  const moved = relocation.address(address);
  if (moved === address) return value;
  return (value & ~addressBits(maxPhyAddr)) | BigInt(moved);
}

export function relocateTrace(
  trace: Trace,
  words: TraceWords,
  closure: PagingClosure,
  relocation: Relocation,
  paging: readonly boolean[],
  counts: AdaptationCounts,
): Trace {
  const m = trace.maxPhyAddr;
  // Only entries can change value; any word moves with its region.
  const value = (pa: number, hex: Hex64): Hex64 => {
    if (!closure.entries.has(pa)) return hex;
    const before = bigIntFromHex(hex);
    const after = relocateEntry(before, m, relocation);
    return after === before ? hex : hexFromBigInt(after);
  };
  const cr3 = (v: number): number => (relocation.address((v & PAE_CR3_PDPT_MASK) >>> 0) + (v & ~PAE_CR3_PDPT_MASK)) >>> 0;
  return relocateWith(trace, words, relocation, paging, counts, { value, cr3, entryWords: ascending(closure.entries.keys()) });
}

/**
 * The PDPT bases of the relocated trace's CR3 values (what pdptBases gives for it), from the closure's.
 * A CR3 value's base moves with its region, by a multiple of 2 MiB, and keeps its bits 4..0 apart from the
 * base: the new base is the moved base, modulo 4 GiB as CR3 holds 32 bits.
 */
export function relocatedPdptBases(closure: PagingClosure, relocation: Relocation): number[] {
  return ascending(closure.pdpts.map((base) => relocation.address(base) % 2 ** 32));
}

/** How one paging mode rewrites what relocation moves: image words and physical writes, and CR3 values. */
export interface Rewrite {
  /** The value the word at `pa` gets: its entries, if it holds any, point to where their targets moved. */
  readonly value: (pa: number, hex: Hex64) => Hex64;
  readonly cr3: (value: number) => number;
  /**
   * The words that hold entries, ascending: no other word changes value whatever moves (none: the image
   * is kept when no region moved either).
   */
  readonly entryWords: readonly number[];
}

/** Moves a trace by a relocation: words, physical writes, CR3 values and paging-off accesses. */
export function relocateWith(trace: Trace, words: TraceWords, relocation: Relocation, paging: readonly boolean[], counts: AdaptationCounts, rewrite: Rewrite): Trace {
  // A step that does not change is kept as it is (steps are immutable): no copy of it.
  const steps: Step[] = [];
  let movedDirect = 0;
  let droppedDirect = 0;
  trace.steps.forEach((s, i) => {
    if (s.op === 'write-phys') {
      const pa = relocation.address(s.pa);
      const value = rewrite.value(s.pa, s.value);
      steps.push(pa === s.pa && value === s.value ? s : { ...s, pa, value });
    } else if (s.op === 'mov-cr3') {
      const value = rewrite.cr3(s.value);
      steps.push(value === s.value ? s : { ...s, value });
    } else if (paging[i] === false && isAccessStep(s)) {
      const moved = moveDirect(s.va, s.size, relocation);
      if (moved === null) droppedDirect++;
      else if (moved === s.va) steps.push(s);
      else {
        movedDirect++;
        steps.push({ ...s, va: moved });
      }
    } else steps.push(s);
  });
  counts.add('direct-access-dropped', droppedDirect);
  counts.add('direct-access-moved', movedDirect);
  counts.add('region-relocated', relocation.moved.size);
  if (trace.maxPhyAddr > QEMU_MAXPHYADDR) counts.add('maxphyaddr-lowered');
  return {
    ...trace,
    maxPhyAddr: QEMU_MAXPHYADDR,
    registers: { ...trace.registers, cr3: rewrite.cr3(trace.registers.cr3) },
    memory: relocation.moved.size === 0 && rewrite.entryWords.length === 0 ? trace.memory : relocateMemory(words.image, relocation, rewrite),
    steps,
  };
}

/**
 * The image's words at their new places, sorted by address (words at one address in image order). A
 * region moves whole, so the words of one region keep their order: the image, sorted, is moved run by run
 * and the runs sorted by where they land.
 */
function relocateMemory(sorted: readonly MemoryWord[], relocation: Relocation, rewrite: Rewrite): MemoryWord[] {
  const moved = (w: MemoryWord, to: number): MemoryWord => ({ pa: to, value: rewrite.value(w.pa, w.value) });
  const entries = rewrite.entryWords;
  const out: MemoryWord[] = [];
  for (const run of regionRuns(sorted, relocation).sort((a, b) => a.target - b.target)) {
    const shift = (run.target - run.region) * PAGE_2M;
    // The run's words and the entry words are both ascending: one walks along the other.
    let e = lowerBoundOf(entries, (sorted[run.from] as MemoryWord).pa);
    for (let k = run.from; k < run.to; k++) {
      const w = sorted[k] as MemoryWord;
      while (e < entries.length && (entries[e] as number) < w.pa) e++;
      if (entries[e] === w.pa) out.push(moved(w, w.pa + shift));
      // A word that neither moves nor changes is the image's own (words are immutable): no copy of it.
      else out.push(shift === 0 ? w : { pa: w.pa + shift, value: w.value });
    }
  }
  return out;
}

/** The words of one 2 MiB region of a sorted image (indices from..to-1), and the region it moves to. */
interface RegionRun {
  readonly region: number;
  readonly target: number;
  readonly from: number;
  readonly to: number;
}

function regionRuns(memory: readonly MemoryWord[], relocation: Relocation): RegionRun[] {
  const runs: RegionRun[] = [];
  let from = 0;
  while (from < memory.length) {
    const region = regionOf((memory[from] as MemoryWord).pa);
    // The run ends at the first word at or above the next region's base.
    const to = lowerBound(memory, (region + 1) * PAGE_2M, from);
    runs.push({ region, target: relocation.region(region), from, to });
    from = to;
  }
  return runs;
}

/** The new address of a paging-off access, or null when its bytes no longer lie side by side below 3 GiB. */
function moveDirect(va: number, size: number, relocation: Relocation): number | null {
  // A region moves whole: the bytes in each of the (at most two) regions stay side by side, so they all
  // do when the last byte lands where the first one's run continues.
  const [from, to] = directEnds(va, size);
  const first = relocation.address(from);
  const contiguous = relocation.address(to) === first + size - 1;
  return contiguous && first + size <= 2 ** 32 ? first : null;
}
