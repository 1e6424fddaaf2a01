/**
 * The adapter for 32-bit paging traces (CR4.PAE = 0, SDM 4.3): the same changes as for PAE traces
 * (adapt.ts), made with 32-bit entry formats. 4-byte entries, two to a word of the image; page directories,
 * page tables and 4 KiB frames below 4 GiB; 4 MiB frames anywhere below 2^36 through PSE-36.
 *
 * Physical memory moves 4 MiB at a time (a 4 MiB frame stays one aligned frame, and a PDE's bits 21..12
 * keep naming the same page of a moved block), to a block with the same low 32 address bits where one is
 * free. A 4 MiB PDE that is also read as a page-table pointer (CR4.PSE toggled) names its frame and its
 * table with the same bits 31..22: its frame lands congruent, modulo 4 GiB, with where its table's block
 * lands, so the table it names stays in a block of the trace; when the frame's PSE-36 bits change, the
 * table it names is another page of that block (counted as pse-off-table-moved).
 *
 * The guest window is one PDE, pointing to the guest's 32-bit page table, at the window's 4 MiB slot in
 * every page directory the trace's CR3 values name. A MOV to CR4 that sets PAE is dropped (counted): QEMU
 * does not check PDPTEs (qemu-no-pdpte-check) and would switch to PAE paging through a page directory,
 * where the guest's window is not mapped.
 */
import { CR4, PAGE_2M, PAGE_4K, PAGE_4M, PAGING32 } from '../../src/arch/entry-layout.ts';
import { type Hex64, hexFromHalves, storeHexHalves } from '../../src/arch/word.ts';
import { type AccessStep, isAccessStep, type Step, type Trace } from '../../src/machine/trace.ts';
import type { AdaptationCounts } from './adaptation-counts.ts';
import {
  type Closure32,
  closure32,
  directoryBases,
  entryValues,
  half,
  PSE36_MASK,
  readPde,
  TABLE_MASK,
  withHalf,
  withLargeFrame,
  wordOf,
} from './closure-32.ts';
import { GUEST_LAYOUT } from './guest-abi.ts';
import { type Window, WINDOWS } from './guest-window.ts';
import { EditableSteps, Image } from './map-window.ts';
import { mappedWindow32 } from './mapped-window-32.ts';
import { pagingBeforeEachStep } from './paging-timeline.ts';
import { directEnds, regionUse, relocateWith } from './relocate-trace.ts';
import { Relocation } from './relocation.ts';
import { ascending, lowerBoundOf, TraceWords } from './trace-words.ts';

const FOUR_GIB = 2 ** 32;
/** A word's low and high 32 bits, parsed straight from its hex form (no bigint). */
const HALVES = new Uint32Array(2);
const PAE = 1 << CR4.PAE_BIT;
const unitOf = (pa: number): number => Math.floor(pa / PAGE_4M);

/** The 4 MiB linear slots (PDE indices) of an access's first and last bytes. */
const firstSlot = (s: AccessStep): number => Math.floor(s.va / PAGE_4M);
const lastSlot = (s: AccessStep): number => Math.floor(((s.va + s.size - 1) >>> 0) / PAGE_4M);

/** What a trace's accesses reach, found in one pass over its steps. */
interface AccessReach32 {
  /**
   * How many accesses made with paging on touch each window's 4 MiB linear slot, in WINDOWS order: what
   * the window costs the trace, and whether mapping it drops any step. Relocation moves or drops only
   * accesses made with paging off, so the counts hold for the relocated trace too.
   */
  readonly touching: readonly number[];
  /** The first and last physical bytes of every access made with paging off (directEnds). */
  readonly direct: readonly number[];
}

function accessReach32(trace: Trace, paging: readonly boolean[]): AccessReach32 {
  const touching = WINDOWS.map(() => 0);
  const direct: number[] = [];
  trace.steps.forEach((s, i) => {
    if (!isAccessStep(s)) return;
    if (paging[i] === false) direct.push(...directEnds(s.va, s.size));
    if (paging[i] !== true) return;
    const first = firstSlot(s);
    const last = lastSlot(s);
    touch(touching, first);
    if (last !== first) touch(touching, last);
  });
  return { touching, direct };
}

/** The order in WINDOWS of the window whose 4 MiB linear slot each PDE index is, or -1. */
const WINDOW_OF_SLOT: Int8Array = (() => {
  const orders = new Int8Array(2 ** 32 / PAGE_4M).fill(-1);
  WINDOWS.forEach((w, order) => {
    orders[w.index32] = order;
  });
  return orders;
})();

/** Counts an access touching the 4 MiB linear slot `slot`, if it is a window's. */
function touch(touching: number[], slot: number): void {
  const order = WINDOW_OF_SLOT[slot] as number;
  if (order >= 0) touching[order] = (touching[order] as number) + 1;
}

/** Whether an access touches the 4 MiB linear slot `slot`. */
const touches = (s: AccessStep, slot: number): boolean => firstSlot(s) === slot || lastSlot(s) === slot;

const isPaeSwitch = (s: Step): boolean => s.op === 'mov-cr4' && (s.value & PAE) !== 0;
const isNoPaeSwitch = (s: Step): boolean => !isPaeSwitch(s);

function dropPaeSwitches(trace: Trace, counts: AdaptationCounts): Trace {
  // Most traces have none: no copy of their steps.
  if (!trace.steps.some(isPaeSwitch)) return trace;
  const steps = trace.steps.filter(isNoPaeSwitch);
  counts.add('pae-switch-dropped', trace.steps.length - steps.length);
  return { ...trace, steps };
}

/** The window that costs the trace least: fewest evicted PDEs, then fewest dropped accesses. */
function chooseWindow32(words: TraceWords, closure: Closure32, touching: readonly number[]): Window {
  const cost = (w: Window, order: number): [number, number] => {
    const evictions = closure.directories.filter((pd) => entryValues(words, pd + w.index32 * PAGING32.ENTRY_BYTES).some((v) => v !== 0)).length;
    return [evictions, touching[order] as number];
  };
  const costs = WINDOWS.map((w, order) => ({ w, c: cost(w, order) }));
  return costs.reduce((a, b) => (b.c[0] < a.c[0] || (b.c[0] === a.c[0] && b.c[1] < a.c[1]) ? b : a)).w;
}

/** Regions the trace uses, those that must stay below 3 GiB, and the congruences of dual 4 MiB PDEs. */
function usedRegions32(words: TraceWords, closure: Closure32, direct: readonly number[]) {
  const { regions, low, use } = regionUse();
  for (const page of words.pages) use(page);
  for (const pd of closure.directories) use(pd, true);
  for (const pt of closure.tables) use(pt, true);
  for (const frame of closure.smallFrames) use(frame, true);
  for (const frame of closure.largeFrames) {
    use(frame);
    use(frame + PAGE_2M);
  }
  for (const pa of direct) use(pa, true);
  const congruent = new Map<number, number>();
  for (const frame of closure.dual.keys()) if (frame >= FOUR_GIB) congruent.set(unitOf(frame), unitOf(frame % FOUR_GIB));
  return { regions, low, congruent, prefer: preferTables(words, closure) };
}

/**
 * For the frame of a dual 4 MiB PDE: a target whose PSE-36 bits name, as the PDE's page table, the page its
 * table moved to (the same PSE-36 bits), or else a page the trace does not use, so that the table the PDE
 * names with CR4.PSE = 0 is empty rather than some other page of the trace read as PTEs.
 */
function preferTables(words: TraceWords, closure: Closure32): (unit: number, target: number) => boolean {
  // No dual PDE (a third of the traces): any target will do.
  if (closure.dual.size === 0) return anyTarget;
  const framesByUnit = new Map<number, number[]>();
  for (const frame of closure.dual.keys()) framesByUnit.set(unitOf(frame), [...(framesByUnit.get(unitOf(frame)) ?? []), frame]);
  // Looked up where the trace keeps them (ascending lists, sets), not gathered into one set: few are asked.
  const isUsed = (page: number): boolean =>
    holds(words.pages, page) || holds(closure.directories, page) || closure.tables.has(page) || closure.smallFrames.has(page);
  return (unit, target) =>
    (framesByUnit.get(unit) ?? []).every((frame) => {
      const high = Math.floor((target * PAGE_4M) / FOUR_GIB);
      if (high === Math.floor(frame / FOUR_GIB)) return true;
      return [...(closure.dual.get(frame) ?? [])].every((table) => !isUsed(table - (table % PAGE_4M) + ((table % PAGE_4M) & ~PSE36_MASK) + high * 2 ** PAGING32.PSE36_LOW_BIT));
    });
}

const anyTarget = (): boolean => true;

/** Whether an ascending list holds `pa`. */
const holds = (sorted: readonly number[], pa: number): boolean => sorted[lowerBoundOf(sorted, pa)] === pa;

function relocate32(trace: Trace, words: TraceWords, closure: Closure32, relocation: Relocation, paging: readonly boolean[], counts: AdaptationCounts): Trace {
  const m = trace.maxPhyAddr;
  const at = (pa: number): number => relocation.address(pa);
  const entry = (pa: number, v: number): number => {
    const levels = closure.entries.get(pa);
    if (levels === undefined || (v & 1) === 0) return v;
    if (!levels.has('pde')) return ((v & ~TABLE_MASK) | at((v & TABLE_MASK) >>> 0)) >>> 0;
    const { large, table } = readPde(v, m, closure.pse);
    if (large === null) return table === null ? v : ((v & ~TABLE_MASK) | at(table)) >>> 0;
    const moved = withLargeFrame(v, at(large));
    if (table !== null && ((moved & TABLE_MASK) >>> 0) !== at(table)) counts.add('pse-off-table-moved');
    return moved;
  };
  const isData = (pa: number): boolean => closure.smallFrames.has(pa - (pa % PAGE_4K)) || closure.largeFrames.has(pa - (pa % PAGE_4M));
  // A word (8-byte aligned) holds the entry at `pa` in its low half and the one at pa + 4 in its high half.
  const value = (pa: number, hex: Hex64): Hex64 => {
    if (!closure.entries.has(pa) && !closure.entries.has(pa + 4)) return hex;
    storeHexHalves(HALVES, 0, hex);
    const lo = HALVES[0] as number;
    const hi = HALVES[1] as number;
    const movedLo = entry(pa, lo) >>> 0;
    const movedHi = entry(pa + 4, hi) >>> 0;
    if (movedLo === lo && movedHi === hi) return hex;
    if (isData(pa)) counts.add('entry-data-rewritten');
    return hexFromHalves(movedLo, movedHi);
  };
  const cr3 = (v: number): number => (at((v & PAGING32.CR3_DIRECTORY_MASK) >>> 0) + (v & ~PAGING32.CR3_DIRECTORY_MASK)) >>> 0;
  return relocateWith(trace, words, relocation, paging, counts, {
    value,
    cr3,
    entryWords: ascending([...closure.entries.keys()].map(wordOf)),
  });
}

/**
 * Maps the window into every page directory and drops the accesses that would reach its slot (`touching`:
 * how many accesses made with paging on touch it).
 */
function mapWindow32(trace: Trace, w: Window, touching: number, counts: AdaptationCounts): Trace {
  const image = new Image(trace.memory);
  const steps = new EditableSteps(trace.steps);
  let changed = false;
  for (const pd of directoryBases(trace)) {
    const pa = pd + w.index32 * PAGING32.ENTRY_BYTES;
    const before = image.get(wordOf(pa)) ?? 0n;
    const rewritten = steps.rewrite(wordOf(pa), (v) => (half(v, pa) === w.pde32 ? v : withHalf(v, pa, w.pde32)));
    if ((half(before, pa) !== 0 && half(before, pa) !== w.pde32) || rewritten > 0) counts.add('window-mapping-evicted');
    if (half(before, pa) !== w.pde32) {
      image.set(wordOf(pa), withHalf(before, pa, w.pde32));
      changed = true;
    }
  }
  if (changed) counts.add('window-mapped');
  const kept = touching > 0 ? withoutTouching(steps.steps, pagingBeforeEachStep(trace), w.index32) : steps.steps;
  counts.add('window-step-dropped', steps.steps.length - kept.length);
  return { ...trace, memory: image.words(), steps: kept };
}

/** The steps but the accesses made with paging on that touch the 4 MiB linear slot `slot`. */
function withoutTouching(steps: readonly Step[], paging: readonly boolean[], slot: number): Step[] {
  return steps.filter((s, i) => !(isAccessStep(s) && paging[i] === true && touches(s, slot)));
}

/** Adapts a 32-bit paging trace (control bits already normalised, steps already truncated). */
export function adaptPaging32(input: Trace, counts: AdaptationCounts): Trace {
  let trace = dropPaeSwitches(input, counts);
  const existing = mappedWindow32(trace);
  const words = new TraceWords(trace);
  const ignore = existing === null ? null : { base: existing.base, bytes: GUEST_LAYOUT.WINDOW_BYTES };
  const closure = closure32(trace, words, { maxPhyAddr: trace.maxPhyAddr, ignore });
  const paging = pagingBeforeEachStep(trace);
  const { touching, direct } = accessReach32(trace, paging);
  const window = existing ?? chooseWindow32(words, closure, touching);
  const { regions, low, congruent, prefer } = usedRegions32(words, closure, direct);
  const relocation = Relocation.plan({ regions, low, pinned: new Set(), granule: 2, congruent, prefer });
  trace = relocate32(trace, words, closure, relocation, paging, counts);
  return mapWindow32(trace, window, touching[WINDOWS.indexOf(window)] as number, counts);
}
