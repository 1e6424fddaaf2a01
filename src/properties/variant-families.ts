/**
 * The walk-level families that came with the patent variants: `paging-32` (32-bit paging with PSE and
 * PSE-36, the mode of the third page size) and `two-stage` (virtual -> intermediate -> physical, after
 * US5784707A). Same oracle as the other walk-level families (walk-families.ts): the machine's
 * observations and final memory against the walk-level specification.
 *
 * `paging-32` applies to every machine with the walk-level contract. `two-stage` applies only to
 * machines that say they have a second stage (a processor with `mapStage2`); any other would answer
 * every case with a machine-error.
 */
import type fc from 'fast-check';
import { paging32TraceArbitrary } from '../arbitraries/paging-32-trace.ts';
import { twoStageTraceArbitrary } from '../arbitraries/two-stage-trace.ts';
import { checkTrace } from '../machine/check.ts';
import { formatTrace } from '../machine/format.ts';
import { hasSecondStage } from '../machine/processor-machine.ts';
import type { Trace } from '../machine/trace.ts';
import { validateTrace } from '../machine/trace-validation.ts';
import type { Family, MachineUnderTest } from './family.ts';
import { toFamilyDivergence } from './walk-families.ts';

export const VARIANT_FAMILY_NAMES = ['paging-32', 'two-stage'] as const;
export type VariantFamilyName = (typeof VARIANT_FAMILY_NAMES)[number];

function traceFamily(
  name: VariantFamilyName,
  description: string,
  arbitrary: () => fc.Arbitrary<Trace>,
  applies: (m: MachineUnderTest) => boolean,
): Family<Trace> {
  return {
    name,
    level: 'walk',
    description,
    arbitrary,
    applies,
    async check(machine, trace) {
      if (machine.walk === null) throw new Error(`machine ${machine.name} has no walk-level contract`);
      const { divergence, tags, inconclusive } = await checkTrace(machine.walk, trace);
      return { divergence: divergence === null ? null : toFamilyDivergence(divergence), tags, inconclusive };
    },
    format: (trace) => formatTrace(trace),
    toJson: (trace) => trace,
    fromJson: (json) => validateTrace(json),
  };
}

export const paging32Family: Family<Trace> = traceFamily(
  'paging-32',
  '32-bit paging (CR4.PAE = 0): 4 KiB and 4 MiB pages, PSE-36 frames above 4 GiB, PSE toggles and 4 MiB invalidation equal the specification',
  () => paging32TraceArbitrary(),
  (m) => m.walk !== null,
);

export const twoStageFamily: Family<Trace> = traceFamily(
  'two-stage',
  'two-stage translation: page tables and data through a scattered second stage, map-stage2 moves and big-page promotions equal the specification',
  () => twoStageTraceArbitrary(),
  (m) => m.walk !== null && hasSecondStage(m.walk),
);

export const variantFamilies: readonly Family<Trace>[] = [paging32Family, twoStageFamily];
