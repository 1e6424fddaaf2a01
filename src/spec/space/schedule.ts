/**
 * The order in which a program's calls must happen, from the preemption schedule alone (claims 7, 17).
 *
 * Each thread of the application (space 0) runs, for each of its calls: a preemption point, writing the
 * call's context frame into its stack, a preemption point, then the gate call. Inside a call preemption
 * is disabled, so the gate call is atomic: no other thread runs between its first and last step. At every
 * point where preemption is enabled the scheduler takes the next decision of the schedule (0 when the
 * schedule is exhausted): d > 0 switches to the d-th next runnable thread, cyclically. A thread that
 * finishes hands over to the next runnable thread without a decision. Thread 0 runs first.
 *
 * The scheduler of a system must follow these rules (src/machine/system.ts, Program.schedule); a gate that
 * lets preemption in inside a call meets more points, takes decisions at the wrong places and interleaves
 * calls, which the integrity property then sees.
 */
import type { Program } from '../../machine/system.ts';

export interface CallRef {
  readonly thread: number;
  readonly index: number;
}

export interface ScheduledPreemption {
  readonly from: number;
  readonly to: number;
  /** Before writing the context frame of call `index` ('frame'), or before entering the gate ('gate'). */
  readonly before: 'frame' | 'gate';
  readonly index: number;
}

export interface ScheduleOutcome {
  /** Every call, in the order the calls run (each one atomically). */
  readonly order: readonly CallRef[];
  readonly preemptions: readonly ScheduledPreemption[];
}

/** The thread that decision d picks: the d-th runnable thread after `current`, cyclically (0: current). */
export function pickThread(current: number, d: number, runnable: readonly boolean[]): number {
  const ring: number[] = [];
  for (let k = 0; k < runnable.length; k++) {
    const t = (current + k) % runnable.length;
    if (runnable[t]) ring.push(t);
  }
  if (ring.length === 0) return current;
  return ring[d % ring.length]!;
}

/** The next runnable thread after `current`, cyclically; -1 when none is left. */
export function nextRunnable(current: number, runnable: readonly boolean[]): number {
  for (let k = 1; k <= runnable.length; k++) {
    const t = (current + k) % runnable.length;
    if (runnable[t]) return t;
  }
  return -1;
}

export function scheduleCalls(program: Program): ScheduleOutcome {
  const threads = program.threads.length;
  /** Per thread: how many points it has passed; point 2i is before frame i, 2i+1 before gate call i. */
  const passed = new Array<number>(threads).fill(0);
  const runnable = new Array<boolean>(threads).fill(true);
  const order: CallRef[] = [];
  const preemptions: ScheduledPreemption[] = [];
  let cursor = 0;
  let current = 0;
  while (current >= 0) {
    const calls = program.threads[current]!.length;
    const point = passed[current]!;
    // Running from the last point up to the next one executes what lies between them.
    if (point > 0 && point % 2 === 0) order.push({ thread: current, index: point / 2 - 1 });
    if (point === 2 * calls) {
      runnable[current] = false;
      current = nextRunnable(current, runnable);
      continue;
    }
    passed[current] = point + 1;
    const d = program.schedule[cursor++] ?? 0;
    const next = d === 0 ? current : pickThread(current, d, runnable);
    if (next !== current) {
      preemptions.push({ from: current, to: next, before: point % 2 === 0 ? 'frame' : 'gate', index: Math.floor(point / 2) });
      current = next;
    }
  }
  return { order, preemptions };
}
