/**
 * The walk-level families that came with the patent variants: `paging-32` (32-bit paging with PSE and
 * PSE-36, the mode of the third page size) and `two-stage` (virtual -> intermediate -> physical, after
 * US5784707A). Same oracle as the other walk-level families (walk-families.ts): the machine's
 * observations and final memory against the walk-level specification.
 *
 * `paging-32` applies to every walk-level machine that runs 32-bit paging. `two-stage` applies only to
 * machines that say they have a second stage (a processor with `mapStage2`); any other would answer
 * every case with a machine-error.
 */
import { paging32TraceArbitrary } from '../arbitraries/paging-32-trace.ts';
import { twoStageTraceArbitrary } from '../arbitraries/two-stage-trace.ts';
import { hasSecondStage } from '../machine/processor-machine.ts';
import type { Trace } from '../machine/trace.ts';
import type { Family } from './family.ts';
import { runsMode, traceFamily } from './walk-families.ts';

export const VARIANT_FAMILY_NAMES = ['paging-32', 'two-stage'] as const;
export type VariantFamilyName = (typeof VARIANT_FAMILY_NAMES)[number];

export const paging32Family: Family<Trace> = traceFamily(
  'paging-32',
  '32-bit paging (CR4.PAE = 0): 4 KiB and 4 MiB pages, PSE-36 frames above 4 GiB, PSE toggles and 4 MiB invalidation equal the specification',
  () => paging32TraceArbitrary(),
  (m) => m.walk !== null && runsMode(m.walk, '32-bit'),
);

export const twoStageFamily: Family<Trace> = traceFamily(
  'two-stage',
  'two-stage translation: page tables and data through a scattered second stage, map-stage2 moves and big-page promotions equal the specification',
  () => twoStageTraceArbitrary(),
  (m) => m.walk !== null && hasSecondStage(m.walk),
);

export const variantFamilies: readonly Family<Trace>[] = [paging32Family, twoStageFamily];
