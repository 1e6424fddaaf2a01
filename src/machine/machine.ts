/**
 * The machine contract (DESIGN.md): batch in, batch out. Any MMU that can execute a trace and report one
 * observation per step plus its final memory can be checked by every walk-level property.
 */
import type { MachineResult } from './observation.ts';
import type { Divergence } from './divergence.ts';
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
  /**
   * Optional: the paging modes the machine runs (default both). A family that needs a mode the machine
   * lacks does not apply to it (QEMU's guest runs PAE traces only).
   */
  readonly pagingModes?: readonly ('pae' | '32-bit')[];
  /**
   * Optional: recognises a divergence as one of the machine's documented departures from the SDM, so
   * campaigns bucket it apart and it does not drown new findings. Null for anything new.
   */
  knownDeviation?(trace: Trace, divergence: Divergence): KnownDeviationMatch | null;
}

/** A documented departure of a machine from the specification. */
export interface KnownDeviationMatch {
  readonly id: string;
  /** The SDM rule at stake. */
  readonly rule: string;
  /** Who departs from the SDM: the machine, or (where the SDM is unclear) possibly neither. */
  readonly departs: string;
}
