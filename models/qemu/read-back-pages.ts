/**
 * The pages whose final contents the machine reports: every page of the memory image or of a physical
 * write, every frame an access may reach through any mapping (paging-closure.ts), and the pages accesses
 * reach with paging off. Accessed and dirty bits live in entries, which are image or written words, so
 * they are covered too. The guest's own pages are left out, except the window's page directory, which the
 * adapted trace's image contains.
 */
import { PAGE_4K } from '../../src/arch/entry-layout.ts';
import { isAccessStep, type Step, type Trace } from '../../src/machine/trace.ts';
import { closure32, framesOf32, isPaging32 } from './closure-32.ts';
import { GUEST_LAYOUT, inGuestRam, QEMU_MAXPHYADDR } from './guest-abi.ts';
import type { Window } from './guest-window.ts';
import { framesOf, pagingClosure } from './paging-closure.ts';
import { pagingBeforeEachStep } from './paging-timeline.ts';
import { isGuestRegion, regionOf } from './relocation.ts';
import { TraceWords } from './trace-words.ts';

export function readBackPages(trace: Trace, window: Window): number[] {
  const words = new TraceWords(trace);
  const frames = framesOfLinearPage(trace, words, window);
  const pages = new Set<number>(words.pages);
  // The closure is the same at every step: the frames of a linear page are looked up once. Keyed by page
  // number (a linear address is 32 bits: shifts are exact), which hashes as a small integer.
  const reached = new Set<number>();
  const reach = (pageNumber: number, paged: boolean): void => {
    if (!paged) pages.add(pageNumber * PAGE_4K);
    else if (!reached.has(pageNumber)) {
      reached.add(pageNumber);
      for (const frame of frames(pageNumber * PAGE_4K)) pages.add(frame);
    }
  };
  const paging = pagingBeforeEachStep(trace);
  const steps = trace.steps;
  for (let i = 0; i < steps.length; i++) {
    const s = steps[i] as Step;
    if (!isAccessStep(s)) continue;
    const first = s.va >>> 12;
    const last = (s.va + s.size - 1) >>> 12;
    reach(first, paging[i] !== false);
    if (last !== first) reach(last, paging[i] !== false);
  }
  return ascendingOwnPages([...pages], window);
}

/** The frames an access to a linear page may reach, through any mapping of the trace. */
function framesOfLinearPage(trace: Trace, words: TraceWords, window: Window): (va: number) => number[] {
  const ignore = { base: window.base, bytes: GUEST_LAYOUT.WINDOW_BYTES };
  if (isPaging32(trace.registers.cr4)) {
    const closure = closure32(trace, words, { maxPhyAddr: QEMU_MAXPHYADDR, ignore });
    return (va) => framesOf32(closure, words, va, QEMU_MAXPHYADDR);
  }
  const closure = pagingClosure(trace, words, { maxPhyAddr: QEMU_MAXPHYADDR, ignore });
  return (va) => framesOf(closure, words, va, QEMU_MAXPHYADDR);
}

/**
 * The pages in ascending order without the guest's own (but with the window's page directory). The
 * image's pages come first and mostly in order already, which the sort's merging of runs makes cheap; in
 * order, the pages of one 2 MiB region come together, so whether it is the guest's is asked once per
 * region. Sorts the array it is given.
 */
function ascendingOwnPages(pages: number[], window: Window): number[] {
  const sorted = pages.sort((a, b) => a - b);
  const own: number[] = [];
  let region = -1;
  let guest = false;
  for (const page of sorted) {
    if (regionOf(page) !== region) {
      region = regionOf(page);
      guest = isGuestRegion(region);
    }
    if (page === window.directory || (!guest && inGuestRam(page, PAGE_4K))) own.push(page);
  }
  return own;
}
