/**
 * The walk-level families against QEMU's MMU: every generated trace is adapted (models/qemu/adapt.ts),
 * run on QEMU, and compared with the specification on the adapted trace. A divergence must be one of
 * QEMU's known deviations (models/qemu/known-deviations.ts); anything else fails with the trace and the
 * explanation. Skipped, saying why, when qemu-system-i386 is not installed (.ci/run installs it).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { knownDeviationOf, QemuMachine, qemuUnavailableReason } from '../models/qemu/index.ts';
import { familyTraceArbitraries, type WalkFamilyName } from '../src/arbitraries/index.ts';
import { fastCheckSeed, runConfigFromEnv } from '../src/config/run-config.ts';
import { checkTrace, compare } from '../src/machine/check.ts';
import { formatTrace } from '../src/machine/format.ts';
import type { Trace } from '../src/machine/trace.ts';

const unavailable = qemuUnavailableReason();
if (unavailable !== null) console.log(`QEMU suites skipped: ${unavailable}`);
const skipped = unavailable === null ? '' : ` (skipped: ${unavailable})`;

const FAMILIES: readonly WalkFamilyName[] = ['translation', 'tlb-coherence', 'faults', 'big-memory'];
const { seed, runs } = runConfigFromEnv();
/** One boot per run while shrinking is possible: a few per family keep the suite short. */
const PROPERTY_RUNS = Math.min(runs, 12);
/** Many traces in a few boots, without shrinking. */
const SWEEP = Math.min(runs * 2, 200);

const qemu = new QemuMachine({ processes: 2 });

/** Why a QEMU run of the adapted trace departs from the specification other than as known, or null. */
async function unexplained(original: Trace): Promise<string | null> {
  const trace = qemu.adapt(original).trace;
  const { divergence } = await checkTrace(qemu, trace);
  if (divergence === null || knownDeviationOf(trace, divergence) !== null) return null;
  return `${divergence.kind}\n${divergence.explanation}\n\nadapted trace:\n${formatTrace(trace)}`;
}

describe.skipIf(unavailable !== null).each(FAMILIES)(`QEMU, %s family${skipped}`, (family) => {
  it('agrees with the specification except for its known deviations (property, shrinks)', async () => {
    await fc.assert(
      fc.asyncProperty(familyTraceArbitraries[family](), async (original) => {
        const problem = await unexplained(original);
        if (problem !== null) throw new Error(problem);
      }),
      { seed: fastCheckSeed(seed), numRuns: PROPERTY_RUNS },
    );
  });

  it(`agrees except for its known deviations on ${SWEEP} more traces, run in batches`, async () => {
    const traces = fc.sample(familyTraceArbitraries[family](), { seed: fastCheckSeed(seed) + 1, numRuns: SWEEP }).map((t) => qemu.adapt(t).trace);
    const outcomes = await qemu.runBatch(traces);
    const problems: string[] = [];
    outcomes.forEach((o, i) => {
      const trace = traces[i] as Trace;
      if (o.error !== null) return void problems.push(`machine error: ${o.error}\n${formatTrace(trace)}`);
      const { divergence } = compare(trace, o.result);
      if (divergence !== null && knownDeviationOf(trace, divergence) === null) problems.push(`${divergence.explanation}\n${formatTrace(trace)}`);
    });
    expect(problems.slice(0, 1)).toEqual([]);
  });
});

describe.skipIf(unavailable !== null)(`QEMU batches${skipped}`, () => {
  it('give every trace the same result as a boot of its own', async () => {
    const traces = FAMILIES.flatMap((f) => fc.sample(familyTraceArbitraries[f](), { seed: fastCheckSeed(seed) + 2, numRuns: 3 })).map((t) => qemu.adapt(t).trace);
    const batch = await qemu.runBatch(traces);
    const alone = await Promise.all(traces.map((t) => qemu.runBatch([t]).then(([o]) => o)));
    expect(batch).toEqual(alone);
  });
});
