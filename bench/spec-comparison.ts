/**
 * The walk-level specification's comparison (src/machine/check.ts, compare): CPU per access on 64
 * generated traces of the translation family (up to 1,024 steps, size large), against the reference
 * machine's results, warm (three passes first: a campaign runs for minutes, and the first 27,000 accesses
 * of a cold process mostly measure V8 compiling the code). The baseline, measured in the same run on the
 * same traces, is the reference machine running them: comparison-to-run says how many times a run the
 * comparison costs.
 *
 *   spec.comparison-us-per-access      best of five passes
 *   spec.reference-run-us-per-access   best of five passes of referenceMachine.run
 *   spec.comparison-to-run             the ratio of the two
 */
import { referenceMachine } from '../models/reference/index.ts';
import { compare } from '../src/machine/check.ts';
import type { MachineResult } from '../src/machine/observation.ts';
import { isAccessStep, type Trace } from '../src/machine/trace.ts';
import { sampleTraces } from './qemu-traces.ts';

const WARM_UP_PASSES = 3;
const MEASURED_PASSES = 5;

function cpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

/** CPU milliseconds of the fastest measured pass of `pass`, after the warm-up passes. */
async function bestPass(pass: () => Promise<void>): Promise<number> {
  for (let i = 0; i < WARM_UP_PASSES; i++) await pass();
  let best = Number.POSITIVE_INFINITY;
  for (let i = 0; i < MEASURED_PASSES; i++) {
    const start = cpuMs();
    await pass();
    best = Math.min(best, cpuMs() - start);
  }
  return best;
}

export async function specComparisonBenchmarks(): Promise<Record<string, number>> {
  const traces: Trace[] = sampleTraces('translation', 64, 1024, 'large');
  const results: MachineResult[] = [];
  for (const t of traces) results.push(await referenceMachine.run(structuredClone(t)));
  const accesses = traces.reduce((n, t) => n + t.steps.filter(isAccessStep).length, 0);
  const comparisonMs = await bestPass(async () => {
    traces.forEach((t, i) => compare(t, results[i] as MachineResult));
  });
  const runMs = await bestPass(async () => {
    for (const t of traces) await referenceMachine.run(structuredClone(t));
  });
  return {
    'spec.comparison-us-per-access': (1000 * comparisonMs) / accesses,
    'spec.reference-run-us-per-access': (1000 * runMs) / accesses,
    'spec.comparison-to-run': comparisonMs / runMs,
  };
}
