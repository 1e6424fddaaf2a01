/**
 * The machine contract (DESIGN.md): batch in, batch out. Any MMU that can execute a trace and report one
 * observation per step plus its final memory can be checked by every walk-level property.
 */
import type { MachineResult } from './observation.ts';
import type { Trace } from './trace.ts';

/** A trace rewritten so that a machine can run it, and how many changes of each kind that took. */
export interface Adaptation {
  readonly trace: Trace;
  /** Changes by kind; empty when the trace came back unchanged (the same object). */
  readonly adaptations: Readonly<Record<string, number>>;
}

/** What a machine made of one trace of a batch: its result, or why it could not produce one. */
export type BatchOutcome = { readonly result: MachineResult; readonly error: null } | { readonly result: null; readonly error: string };

export interface Machine {
  /** A short name shown in reports and stored in findings, e.g. "reference" or "broken:no-invlpg". */
  readonly name: string;
  /** Executes a trace from a fresh power-on state with the trace's registers and memory image. */
  run(trace: Trace): MachineResult | Promise<MachineResult>;
  /**
   * Optional: rewrites a trace this machine cannot run as it is into one it can (QEMU: physical memory
   * inside guest RAM, MAXPHYADDR 36, the guest's own window mapped). Callers check the returned trace
   * against the specification and store it in findings, so the specification judges what actually ran
   * and findings replay on any machine. Idempotent: a trace that needs nothing comes back unchanged.
   */
  adapt?(trace: Trace): Adaptation;
  /**
   * Optional: executes several traces, each from its own power-on state, with the same outcomes as run()
   * on each, only faster (QEMU runs many traces per boot). Never rejects for one trace's failure.
   */
  runBatch?(traces: readonly Trace[]): Promise<BatchOutcome[]>;
}
