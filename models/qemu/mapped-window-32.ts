/**
 * The guest window an adapted 32-bit paging trace already maps: its PDE sits at the window's slot of some
 * page. Apart from adapt-32.ts so that choosing a window (choose-window.ts) does not import the adapter.
 */
import { PAGE_4K, PAGING32 } from '../../src/arch/entry-layout.ts';
import { bigIntFromHex } from '../../src/arch/word.ts';
import type { Trace } from '../../src/machine/trace.ts';
import { half, wordOf } from './closure-32.ts';
import { type Window, WINDOWS } from './guest-window.ts';
import { pageOf } from './trace-words.ts';

/** The order (in WINDOWS) of the window whose PDE word sits at each byte offset of a page, or -1. */
const WINDOW_AT_OFFSET: Int8Array = (() => {
  const orders = new Int8Array(PAGE_4K).fill(-1);
  WINDOWS.forEach((w, order) => {
    orders[wordOf(w.index32 * PAGING32.ENTRY_BYTES)] = order;
  });
  return orders;
})();

/** The window an adapted 32-bit trace already maps (its PDE sits at the window's slot in some page). */
export function mappedWindow32(trace: Trace): Window | null {
  // One pass over the image: the first window in WINDOWS order whose PDE some word holds. Only a word at a
  // window's slot is parsed.
  let first = WINDOWS.length;
  for (const word of trace.memory) {
    // One table load per word (undefined, so skipped, for an address that is no whole number).
    const order = WINDOW_AT_OFFSET[word.pa - pageOf(word.pa)];
    if (order === undefined || order < 0 || order >= first) continue;
    const w = WINDOWS[order] as Window;
    if (half(bigIntFromHex(word.value), w.index32 * PAGING32.ENTRY_BYTES) === w.pde32) first = order;
  }
  return WINDOWS[first] ?? null;
}
