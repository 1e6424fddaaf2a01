/**
 * The machine contract (DESIGN.md): batch in, batch out. Any MMU that can execute a trace and report one
 * observation per step plus its final memory can be checked by every walk-level property.
 */
import type { MachineResult } from './observation.ts';
import type { Trace } from './trace.ts';

export interface Machine {
  /** A short name shown in reports and stored in findings, e.g. "reference" or "broken:no-invlpg". */
  readonly name: string;
  /** Executes a trace from a fresh power-on state with the trace's registers and memory image. */
  run(trace: Trace): MachineResult | Promise<MachineResult>;
}
