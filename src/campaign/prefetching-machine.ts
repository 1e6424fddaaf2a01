/**
 * Runs a campaign's cases in batches on a machine that offers runBatch (QEMU boots once for many traces):
 * the worker hands over the traces its queued runs will check (prefetch), the machine runs them in one
 * batch, and each run's check then finds its result here instead of running the trace alone. A trace
 * that was not prefetched (a shrink candidate, a replay) runs as before. Results are consumed once and a
 * new batch replaces the old, so the cache never outgrows one batch.
 *
 * Keys are the traces' JSON text: checkTrace runs a structured clone of the adapted trace, never the
 * object prefetched, and both serialise alike (structuredClone keeps property order).
 */
import type { Adaptation, BatchOutcome, KnownDeviationMatch, Machine } from '../machine/machine.ts';
import type { Divergence } from '../machine/divergence.ts';
import type { MachineResult } from '../machine/observation.ts';
import type { Trace } from '../machine/trace.ts';

/** A machine error of a prefetched trace, thrown from run() as the machine's own run() would throw it. */
export class PrefetchedMachineError extends Error {
  override readonly name = 'PrefetchedMachineError';
}

export class PrefetchingMachine implements Machine {
  readonly name: string;
  readonly pagingModes: Machine['pagingModes'];
  private ready = new Map<string, BatchOutcome>();
  /** Traces answered from a batch, and batches run (for tests and benchmarks). */
  hits = 0;
  batches = 0;

  constructor(private readonly inner: Machine & Required<Pick<Machine, 'runBatch'>>) {
    this.name = inner.name;
    this.pagingModes = inner.pagingModes;
  }

  /** Runs `traces` (adapted, as checks will run them) in one batch and keeps their outcomes for run(). */
  async prefetch(traces: readonly Trace[]): Promise<void> {
    const keys = traces.map((t) => JSON.stringify(t));
    const outcomes = await this.inner.runBatch(traces);
    this.batches++;
    this.ready = new Map(keys.map((k, i) => [k, outcomes[i] as BatchOutcome]));
  }

  async run(trace: Trace): Promise<MachineResult> {
    const key = JSON.stringify(trace);
    const outcome = this.ready.get(key);
    if (outcome === undefined) return this.inner.run(trace);
    this.ready.delete(key);
    this.hits++;
    if (outcome.error !== null) throw new PrefetchedMachineError(outcome.error);
    return outcome.result;
  }

  runBatch(traces: readonly Trace[]): Promise<BatchOutcome[]> {
    return this.inner.runBatch(traces);
  }

  adapt(trace: Trace): Adaptation {
    return this.inner.adapt?.(trace) ?? { trace, adaptations: {} };
  }

  knownDeviation(trace: Trace, divergence: Divergence): KnownDeviationMatch | null {
    return this.inner.knownDeviation?.(trace, divergence) ?? null;
  }
}

/** Whether a machine can run batches (and so gains from prefetching). */
export function batches(machine: Machine | null): machine is Machine & Required<Pick<Machine, 'runBatch'>> {
  return machine !== null && typeof machine.runBatch === 'function';
}
