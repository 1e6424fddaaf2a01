/**
 * The guest window an adapted 32-bit paging trace already maps: its PDE sits at the window's slot of some
 * page. Apart from adapt-32.ts so that choosing a window (choose-window.ts) does not import the adapter.
 */
import { PAGING32 } from '../../src/arch/entry-layout.ts';
import { bigIntFromHex } from '../../src/arch/word.ts';
import type { Trace } from '../../src/machine/trace.ts';
import { half, wordOf } from './closure-32.ts';
import { type Window, WINDOWS } from './guest-window.ts';

/** The window an adapted 32-bit trace already maps (its PDE sits at the window's slot in some page). */
export function mappedWindow32(trace: Trace): Window | null {
  for (const w of WINDOWS) {
    const at = w.index32 * PAGING32.ENTRY_BYTES;
    const slot = wordOf(at);
    if (trace.memory.some((word) => word.pa % 4096 === slot && half(bigIntFromHex(word.value), at) === w.pde32)) return w;
  }
  return null;
}
