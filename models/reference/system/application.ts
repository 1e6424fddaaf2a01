/**
 * The application of space 0: each thread issues its calls in order. For each call it writes its context
 * frame into its own stack in common memory (claim 2: the opcode, the parameters, a pending result slot
 * and its locals), then enters the gate. Both steps are preceded by a preemption point.
 */
import { type Call, callsPerStack, contextFrameAddress, contextFrameWords, type SystemLayout } from '../../../src/machine/system.ts';
import type { MemoryPort } from '../modules/index.ts';
import type { Gate } from './gate.ts';
import { KernelPanic } from './kernel.ts';
import type { SchedulableThread } from './scheduler.ts';

export interface ThreadProgress extends SchedulableThread {
  completed: number;
}

export function applicationThread(
  thread: number,
  calls: readonly Call[],
  layout: SystemLayout,
  port: MemoryPort,
  gate: Gate,
): ThreadProgress {
  const progress: ThreadProgress = { steps: steps(), insideCall: false, space: 0, completed: 0 };
  function* steps(): Generator<void, void, void> {
    for (let i = 0; i < calls.length; i++) {
      yield;
      if (i >= callsPerStack(layout.stackBytes)) throw new KernelPanic(`thread ${thread}: stack overflow at call ${i}`);
      const frame = contextFrameAddress(layout, thread, i);
      contextFrameWords(calls[i]!, thread, i).forEach((w, k) => port.store32(frame + 4 * k, w));
      yield;
      progress.insideCall = true;
      yield* gate.call(frame);
      progress.insideCall = false;
      progress.completed++;
    }
  }
  return progress;
}
