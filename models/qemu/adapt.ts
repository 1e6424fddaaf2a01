/**
 * The adapter: turns any trace into one that QEMU can run, keeping every bit the specification looks at
 * wherever it can, and counting every change by kind (adaptation-counts.ts). Properties and campaigns run
 * the specification on the adapted trace, so the specification stays the authority, and findings store it,
 * so they replay on any machine. A trace that needs nothing comes back as the same object with no counts;
 * in particular an adapted trace does (the adapter is idempotent).
 *
 * In order: control bits the specification does not model are cleared; physical memory moves into guest
 * RAM (relocation.ts, relocate-trace.ts), MAXPHYADDR becomes 36; the guest window is mapped into every
 * address space and what would reach it is dropped (choose-window.ts, map-window.ts). 32-bit paging
 * traces (CR4.PAE = 0) go the same way with 32-bit entry formats (adapt-32.ts).
 */
import type { Adaptation } from '../../src/machine/machine.ts';
import type { Trace } from '../../src/machine/trace.ts';
import { adaptPaging32 } from './adapt-32.ts';
import { AdaptationCounts } from './adaptation-counts.ts';
import { isPaging32 } from './closure-32.ts';
import { chooseWindow, mappedWindow, windowDirectories } from './choose-window.ts';
import { normalizeControlBits } from './control-bits.ts';
import { GUEST_LAYOUT } from './guest-abi.ts';
import { mapWindow } from './map-window.ts';
import { accessReach } from './access-reach.ts';
import { pagingClosure } from './paging-closure.ts';
import { pagingBeforeEachStep } from './paging-timeline.ts';
import { relocatedPdptBases, relocateTrace, usedRegions } from './relocate-trace.ts';
import { Relocation, regionOf } from './relocation.ts';
import { unsupportedReason } from './supported-traces.ts';
import { TraceWords } from './trace-words.ts';

function truncateSteps(trace: Trace, counts: AdaptationCounts): Trace {
  const extra = trace.steps.length - GUEST_LAYOUT.MAX_STEPS;
  if (extra <= 0) return trace;
  counts.add('steps-truncated', extra);
  return { ...trace, steps: trace.steps.slice(0, GUEST_LAYOUT.MAX_STEPS) };
}

/** Traces this adapter returned: QEMU can run them as they are, without adapting them again to check. */
const adapted = new WeakSet<Trace>();

/** Whether QEMU can run the trace as it is (adapting it would change nothing). */
export function isRepresentable(trace: Trace): boolean {
  return adapted.has(trace) || adaptForQemu(trace).trace === trace;
}

export function adaptForQemu(input: Trace): Adaptation {
  const result = adaptOnce(input);
  adapted.add(result.trace);
  return result;
}

function adaptOnce(input: Trace): Adaptation {
  // A trace QEMU cannot run at all is left as it is: running it gives a machine error that says why.
  if (unsupportedReason(input) !== null) return { trace: input, adaptations: {} };
  const counts = new AdaptationCounts();
  let trace = truncateSteps(normalizeControlBits(input, counts), counts);
  if (isPaging32(trace.registers.cr4)) {
    trace = adaptPaging32(trace, counts);
    return counts.empty ? { trace: input, adaptations: {} } : { trace, adaptations: counts.toRecord() };
  }
  const existing = mappedWindow(trace);
  const words = new TraceWords(trace);
  const ignore = existing === null ? null : { base: existing.base, bytes: GUEST_LAYOUT.WINDOW_BYTES };
  const closure = pagingClosure(trace, words, { maxPhyAddr: trace.maxPhyAddr, ignore });
  const paging = pagingBeforeEachStep(trace);
  const { touching, direct } = accessReach(trace, paging);
  const window = existing ?? chooseWindow(words, closure, touching);
  const { regions, low } = usedRegions(words, closure, direct);
  // The directories that map the window must be where QEMU 7.2 can read them: below 4 GiB.
  const lowered = windowDirectories(window, closure).filter((pd) => pd >= 2 ** 32);
  for (const pd of lowered) low.add(regionOf(pd));
  counts.add('window-directory-lowered', lowered.length);
  // An adapted trace's window holds its own directory page: it stays. A fresh trace's window is the guest's.
  const relocation = Relocation.plan({ regions, low, pinned: new Set(existing === null ? [] : [regionOf(window.base)]) });
  trace = relocateTrace(trace, words, closure, relocation, paging, counts);
  trace = mapWindow(trace, window, { pdpts: relocatedPdptBases(closure, relocation), touching }, counts);
  if (counts.empty) return { trace: input, adaptations: {} };
  return { trace, adaptations: counts.toRecord() };
}
