/**
 * The thread scheduler: runs the application's threads one step at a time and, at every point where
 * preemption is enabled, takes the next decision of the schedule (src/machine/system.ts, Program): 0 keeps
 * the current thread, d > 0 switches to the d-th next runnable thread, cyclically. Inside a gate call
 * preemption is disabled (claims 7, 17), and a thread's yields there are not preemption points.
 *
 * A thread switch saves the outgoing thread's space and restores the incoming one's, as a context switch
 * saves CR0 and CR3; the threads of a correct system are all in space 0 whenever they can be preempted.
 */
import type { Preemption } from '../../../src/machine/system.ts';
import type { Kernel } from './kernel.ts';
import type { PreemptionControl } from './gate.ts';

export interface SchedulableThread {
  readonly steps: Generator<void, void, void>;
  /** Inside a gate call (for the run report). */
  insideCall: boolean;
  /** The space the thread was in when it was switched out. */
  space: number;
}

export interface SchedulerOutcome {
  readonly preemptions: Preemption[];
  readonly panic: string | null;
}

export class Scheduler implements PreemptionControl {
  private disabled = 0;

  constructor(private readonly kernel: Kernel) {}

  disablePreemption(): void {
    this.disabled++;
  }

  enablePreemption(): void {
    if (this.disabled > 0) this.disabled--;
  }

  get preemptionEnabled(): boolean {
    return this.disabled === 0;
  }

  run(threads: SchedulableThread[], schedule: readonly number[]): SchedulerOutcome {
    const preemptions: Preemption[] = [];
    const runnable = threads.map(() => true);
    let cursor = 0;
    let current = threads.length > 0 ? 0 : -1;
    this.disabled = 0;
    try {
      if (current === 0) this.kernel.switchTo(threads[0]!.space);
      while (current >= 0) {
        const thread = threads[current]!;
        if (thread.steps.next().done === true) {
          runnable[current] = false;
          current = this.handOver(threads, current, nextRunnable(current, runnable));
          continue;
        }
        if (!this.preemptionEnabled) continue;
        const d = schedule[cursor++] ?? 0;
        const next = d === 0 ? current : pickThread(current, d, runnable);
        if (next === current) continue;
        preemptions.push({ from: current, to: next, insideCall: thread.insideCall });
        current = this.handOver(threads, current, next);
      }
    } catch (error) {
      return { preemptions, panic: error instanceof Error ? `${error.name}: ${error.message}` : String(error) };
    }
    return { preemptions, panic: null };
  }

  /** Context switch: remember where the outgoing thread was, restore the incoming thread's space. */
  private handOver(threads: SchedulableThread[], from: number, to: number): number {
    threads[from]!.space = this.kernel.currentSpace;
    if (to >= 0) this.kernel.switchTo(threads[to]!.space);
    return to;
  }
}

function pickThread(current: number, d: number, runnable: readonly boolean[]): number {
  const ring = runnable.map((_, k) => (current + k) % runnable.length).filter((t) => runnable[t]);
  return ring.length === 0 ? current : ring[d % ring.length]!;
}

function nextRunnable(current: number, runnable: readonly boolean[]): number {
  for (let k = 1; k <= runnable.length; k++) {
    const t = (current + k) % runnable.length;
    if (runnable[t]) return t;
  }
  return -1;
}
