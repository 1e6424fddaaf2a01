/**
 * Integrity through common memory (claims 1, 2, 5, 7, 15, 17): the result every call must return, and the
 * bytes of every thread's stack after a run. A thread's context for its i-th call is the i-th frame of its
 * stack (src/machine/system.ts, ABI); the caller writes the frame, the gate copies the parameters out and
 * the result back. Afterwards each frame must hold exactly what the caller wrote, except the result slot,
 * which holds the specification's result; every stack word no frame covers must still be 0.
 */
import {
  ABI,
  type Call,
  contextFrameWords,
  type Program,
  RESULT,
  stackBase,
  type SystemLayout,
} from '../../machine/system.ts';
import { hex } from './format.ts';
import { ModuleModels } from './modules.ts';
import { type ScheduleOutcome, scheduleCalls } from './schedule.ts';
import { formatCall } from './script.ts';

export interface RunExpectation {
  readonly schedule: ScheduleOutcome;
  /** results[t][i]: what thread t's i-th call must return. */
  readonly results: readonly (readonly number[])[];
}

export function expectRun(layout: SystemLayout, program: Program): RunExpectation {
  const schedule = scheduleCalls(program);
  const models = new ModuleModels(layout);
  const results = program.threads.map((calls) => calls.map(() => 0));
  for (const { thread, index } of schedule.order) {
    results[thread]![index] = models.apply(program.threads[thread]![index]!);
  }
  return { schedule, results };
}

/** The words thread t's stack must hold after the run. */
export function expectedStack(layout: SystemLayout, program: Program, expectation: RunExpectation, thread: number): number[] {
  const words = new Array<number>(layout.stackBytes / 4).fill(0);
  program.threads[thread]!.forEach((call, i) => {
    const frame = contextFrameWords(call, thread, i);
    frame[ABI.RESULT_WORD] = expectation.results[thread]![i]!;
    frame.forEach((w, k) => (words[i * ABI.FRAME_WORDS + k] = w));
  });
  return words;
}

export function resultName(value: number): string {
  if (value === RESULT.MISS) return 'MISS';
  if (value === RESULT.NO_SNAPSHOT) return 'NO_SNAPSHOT';
  if (value === ABI.RESULT_PENDING) return 'PENDING (never written)';
  return hex(value);
}

function slotName(k: number): string {
  if (k === ABI.OPCODE_WORD) return 'opcode';
  if (k === ABI.RESULT_WORD) return 'result slot';
  if (k < ABI.RESULT_WORD) return `parameter ${k - ABI.FIRST_PARAMETER_WORD}`;
  return `local ${k - ABI.FIRST_LOCAL_WORD}`;
}

export interface StackMismatch {
  readonly thread: number;
  /** The frame (call index), or null for a word beyond the frames. */
  readonly call: number | null;
  readonly word: number;
  readonly expected: number;
  readonly observed: number;
  readonly explanation: string;
}

/** Compares thread t's stack in physical memory with the specification; the first mismatch, or null. */
export function compareStack(
  layout: SystemLayout,
  program: Program,
  expectation: RunExpectation,
  thread: number,
  read: (pa: number) => number,
): StackMismatch | null {
  const expected = expectedStack(layout, program, expectation, thread);
  const base = stackBase(layout, thread);
  const calls = program.threads[thread]!;
  for (let w = 0; w < expected.length; w++) {
    const observed = read(base + 4 * w) >>> 0;
    const want = expected[w]!;
    if (observed === want) continue;
    const index = Math.floor(w / ABI.FRAME_WORDS);
    const k = w % ABI.FRAME_WORDS;
    const call = index < calls.length ? index : null;
    return { thread, call, word: w, expected: want, observed, explanation: explainMismatch(thread, call, calls, k, want, observed, base + 4 * w) };
  }
  return null;
}

function explainMismatch(
  thread: number,
  call: number | null,
  calls: readonly Call[],
  k: number,
  want: number,
  observed: number,
  pa: number,
): string {
  if (call === null) return `thread ${thread}'s stack word at ${hex(pa)}, beyond its frames, changed from 0 to ${hex(observed)}`;
  const what = `t${thread}.${call} ${formatCall(calls[call]!)}`;
  if (k === ABI.RESULT_WORD) return `${what} returned ${resultName(observed)}, the specification says ${resultName(want)}`;
  return `${what}: the caller's context changed outside the result slot: ${slotName(k)} at ${hex(pa)} is ${hex(observed)}, was ${hex(want)}`;
}
