/**
 * The pages whose final contents the machine reports: every page of the memory image or of a physical
 * write, every frame an access may reach through any mapping (paging-closure.ts), and the pages accesses
 * reach with paging off. Accessed and dirty bits live in entries, which are image or written words, so
 * they are covered too. The guest's own pages are left out, except the window's page directory, which the
 * adapted trace's image contains.
 */
import { PAGE_4K } from '../../src/arch/entry-layout.ts';
import { isAccessStep, type Trace } from '../../src/machine/trace.ts';
import { closure32, framesOf32, isPaging32 } from './closure-32.ts';
import { GUEST_LAYOUT, inGuestRam, QEMU_MAXPHYADDR } from './guest-abi.ts';
import type { Window } from './guest-window.ts';
import { framesOf, pagingClosure } from './paging-closure.ts';
import { pagingBeforeEachStep } from './paging-timeline.ts';
import { isGuestRegion, regionOf } from './relocation.ts';
import { pageOf, TraceWords } from './trace-words.ts';

export function readBackPages(trace: Trace, window: Window): number[] {
  const words = new TraceWords(trace);
  const ignore = { base: window.base, bytes: GUEST_LAYOUT.WINDOW_BYTES };
  let frames: (va: number) => number[];
  if (isPaging32(trace.registers.cr4)) {
    const closure = closure32(trace, words, { maxPhyAddr: QEMU_MAXPHYADDR, ignore });
    frames = (va) => framesOf32(closure, words, va, QEMU_MAXPHYADDR);
  } else {
    const closure = pagingClosure(trace, words, { maxPhyAddr: QEMU_MAXPHYADDR, ignore });
    frames = (va) => framesOf(closure, words, va, QEMU_MAXPHYADDR);
  }
  const pages = new Set<number>(words.pages);
  const paging = pagingBeforeEachStep(trace);
  // The closure is the same at every step: the frames of a linear page are looked up once.
  const reached = new Set<number>();
  const reach = (va: number, paged: boolean): void => {
    const page = pageOf(va);
    if (!paged) pages.add(page);
    else if (!reached.has(page)) {
      reached.add(page);
      for (const frame of frames(page)) pages.add(frame);
    }
  };
  trace.steps.forEach((s, i) => {
    if (!isAccessStep(s)) return;
    const last = (s.va + s.size - 1) >>> 0;
    reach(s.va, paging[i] !== false);
    if (pageOf(last) !== pageOf(s.va)) reach(last, paging[i] !== false);
  });
  const mine = (page: number): boolean => page === window.directory || (!isGuestRegion(regionOf(page)) && inGuestRam(page, PAGE_4K));
  return [...pages].filter(mine).sort((a, b) => a - b);
}
