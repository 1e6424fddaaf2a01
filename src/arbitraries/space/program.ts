/**
 * Programs: a few threads with a few calls each, and a preemption schedule (src/machine/system.ts,
 * Program). Decisions are mostly 0 (keep running) so that interleavings stay readable, with switches to
 * the next threads often enough to interleave every pair of calls. Shrinks toward fewer threads, fewer
 * calls and an all-zero schedule.
 */
import fc from 'fast-check';
import { callsPerStack, type Program, type SystemLayout } from '../../machine/system.ts';
import { type CallSpec, callSpecArbitrary, resolveCall } from './calls.ts';

export interface ProgramConstraints {
  readonly maxThreads?: number;
  readonly maxCallsPerThread?: number;
  readonly maxScheduleLength?: number;
}

export interface ProgramSpec {
  readonly threads: readonly (readonly CallSpec[])[];
  readonly schedule: readonly number[];
}

export function programSpecArbitrary(constraints: ProgramConstraints = {}): fc.Arbitrary<ProgramSpec> {
  const decision = fc.oneof({ arbitrary: fc.constant(0), weight: 2 }, { arbitrary: fc.integer({ min: 1, max: 3 }), weight: 1 });
  return fc.record({
    threads: fc.array(fc.array(callSpecArbitrary(), { maxLength: constraints.maxCallsPerThread ?? 10 }), {
      minLength: 1,
      maxLength: constraints.maxThreads ?? 4,
    }),
    schedule: fc.array(decision, { maxLength: constraints.maxScheduleLength ?? 64 }),
  });
}

export function resolveProgram(layout: SystemLayout, spec: ProgramSpec): Program {
  const capacity = callsPerStack(layout.stackBytes);
  return {
    threads: spec.threads.map((calls) => calls.slice(0, capacity).map((c) => resolveCall(layout, c))),
    schedule: [...spec.schedule],
  };
}
