/**
 * The QEMU benchmark's traces: a family's generated traces at a size, with a fixed seed, generated before
 * any clock starts (generation is not QEMU's cost).
 */
import fc from 'fast-check';
import { familyTraceArbitraries } from '../src/arbitraries/index.ts';
import type { Trace } from '../src/machine/trace.ts';

/** The seed of every measured sample; warm-up samples take another, so that they are other traces. */
export const BENCH_SEED = 20261121;

export function sampleTraces(family: 'translation' | 'tlb-coherence', count: number, maxSteps: number, size: fc.Size, seed = BENCH_SEED): Trace[] {
  const previous = fc.readConfigureGlobal();
  fc.configureGlobal({ ...previous, baseSize: size });
  try {
    return fc.sample(familyTraceArbitraries[family]({ maxSteps }), { seed, numRuns: count });
  } finally {
    fc.configureGlobal(previous);
  }
}
