/**
 * Which guest window a trace runs from: a trace already adapted names its own (its page tables map it);
 * otherwise the first window, in order of preference, that costs the trace least: one whose slot no page
 * directory of the trace uses; then one whose directories lie below 4 GiB (QEMU 7.2 reads paging
 * structures above 4 GiB at the wrong address, known-deviations.ts, and would lose the window: such
 * directories have to move); then the fewest dropped steps and replaced PDPTEs. A pure function of the
 * trace, so a trace adapts the same way in any batch, worker or shard.
 */
import type { Trace } from '../../src/machine/trace.ts';
import { mappedWindow32 } from './mapped-window-32.ts';
import { isPaging32 } from './closure-32.ts';
import { type Window, WINDOWS, slotRegion, windowEntryAddress } from './guest-window.ts';
import type { PagedAccessCounts } from './access-reach.ts';
import type { PagingClosure } from './paging-closure.ts';
import { isPresent, pdpteUsable } from './entry-bits.ts';
import { pageOf, type TraceWords } from './trace-words.ts';

/** Each window's marker (its PDE, as an image word writes it) by the index of the entry that holds it. */
const MARKERS: readonly { readonly order: number; readonly pde: string }[][] = (() => {
  const markers: { readonly order: number; readonly pde: string }[][] = Array.from({ length: 4096 / 8 }, () => []);
  WINDOWS.forEach((w, order) => markers[w.index]?.push({ order, pde: `0x${w.pde.toString(16)}` }));
  return markers;
})();

/** The window an adapted trace already maps (its PDE sits at the window's index in some page). */
export function mappedWindow(trace: Trace): Window | null {
  if (isPaging32(trace.registers.cr4)) return mappedWindow32(trace);
  // One pass over the image: the windows whose marker it holds; the first of them in WINDOWS order.
  const markers = MARKERS;
  let first = WINDOWS.length;
  for (const word of trace.memory) {
    const offset = word.pa - pageOf(word.pa);
    if (offset % 8 !== 0) continue;
    for (const c of markers[offset / 8] as (typeof markers)[number]) if (c.order < first && word.value === c.pde) first = c.order;
  }
  return WINDOWS[first] ?? null;
}

interface Cost {
  readonly window: Window;
  /** Page-directory words of the trace in the window's slot: mappings that would be evicted. */
  readonly evictions: number;
  /** Directories at the window's PDPTE index above 4 GiB, which would have to move below it. */
  readonly lowered: number;
  readonly lost: number;
}

const FOUR_GIB = 2 ** 32;

/** The page directories that hold the window's PDE: those some PDPTE at the window's index points to. */
export function windowDirectories(w: Window, closure: PagingClosure): number[] {
  const directories: number[] = [];
  for (const [pd, reaching] of closure.directories) if (reaching.has(w.quarter)) directories.push(pd);
  return directories;
}

function cost(w: Window, words: TraceWords, closure: PagingClosure, touching: PagedAccessCounts): Cost {
  let evictions = 0;
  let lowered = 0;
  const quarters = new Set<number>([w.quarter]);
  for (const pd of windowDirectories(w, closure)) {
    if (words.everNonzero(windowEntryAddress(w, pd))) evictions++;
    if (pd >= FOUR_GIB) lowered++;
    for (const q of closure.directories.get(pd) ?? []) quarters.add(q);
  }
  // An access touches its first and last regions, the same, next to each other, or 2047 and 0 when it
  // wraps; the window's slots are 512 regions apart: no access touches two, so the accesses lost are
  // the sum over the slots.
  let lost = 0;
  for (const q of quarters) lost += touching[slotRegion(w, q)] as number;
  for (const base of closure.pdpts) {
    const pa = base + 8 * w.quarter;
    if (words.valuesAt(pa).some((v) => isPresent(v) && !pdpteUsable(v))) lost++;
  }
  return { window: w, evictions, lowered, lost };
}

function better(a: Cost, b: Cost): boolean {
  if (a.evictions !== b.evictions) return a.evictions < b.evictions;
  if (a.lowered !== b.lowered) return a.lowered < b.lowered;
  return a.lost < b.lost;
}

export function chooseWindow(words: TraceWords, closure: PagingClosure, touching: PagedAccessCounts): Window {
  const costs = WINDOWS.map((w) => cost(w, words, closure, touching));
  const best = costs.reduce((a, b) => (better(b, a) ? b : a));
  return best.window;
}
