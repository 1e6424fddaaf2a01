/**
 * Two-stage traces (US5784707A; trace.ts `stage2` and `map-stage2`): a first stage, PAE or 32-bit paging,
 * generated as usual but read as intermediate addresses, with a second stage laid under it
 * (_internals/stage2-layering.ts): intermediate frames of data and of page tables backed by scattered
 * physical frames from the start, frames moved mid-trace by map-stage2 steps (with or without copying
 * their words), and a closing promotion (4 KiB pages of a page table replaced by one 2 MiB or 4 MiB leaf
 * whose intermediate frames map to the physical frames the small pages used: only mappings change).
 *
 * What it is built to catch: a walk that reads page tables at intermediate addresses as physical, a big
 * page assumed backed by contiguous physical memory, a combined translation kept after a map-stage2,
 * accessed/dirty bits set at the intermediate address, a PDPTE load that skips the second stage.
 *
 * The first stage has at most `maxSteps` steps (default 24); the second stage adds at most
 * `maxStage2Steps` (default 24): map-stage2 steps, copies, and the promotion with its loads.
 */
import fc from 'fast-check';
import type { Trace } from '../machine/trace.ts';
import { type FamilyEmphasis, familySetup } from './_internals/family.ts';
import { requireIntegerIn } from './_internals/constraints.ts';
import type { LaidOutTrace } from './_internals/first-stage-layout.ts';
import { encodeScenario32 } from './_internals/paging32-encoder.ts';
import type { Scenario32 } from './_internals/paging32-scenario.ts';
import { encodeScenarioWithLayout } from './_internals/scenario-encoder.ts';
import { type Scenario, scenarioArbitrary } from './_internals/scenario.ts';
import { encodedTraceArbitrary } from './_internals/smaller-shrinks.ts';
import { layStage2 } from './_internals/stage2-layering.ts';
import { type Stage2Plan, stage2PlanArbitrary } from './_internals/stage2-plan.ts';
import { weightedOneof } from './_internals/weighted.ts';
import { paging32ScenarioArbitrary } from './paging-32-trace.ts';
import type { TraceConstraints } from './trace-constraints.ts';

export interface TwoStageTraceConstraints extends TraceConstraints {
  /** Paging mode of the first stage: 'pae', '32-bit' or 'either' (default). */
  readonly firstStage?: 'pae' | '32-bit' | 'either';
  /** Most steps the second stage adds, 0 to 256. Default 24. */
  readonly maxStage2Steps?: number;
  /** Most intermediate frames backed elsewhere from the start, 0 to 16. Default 6. */
  readonly maxScatter?: number;
  /** Most map-stage2 moves mid-trace, 0 to 8. Default 3. */
  readonly maxMoves?: number;
}

const BUILDER = 'twoStageTraceArbitrary';

/** The PAE first stage: mixed page sizes, some edits, frames of every region. */
const PAE_FIRST_STAGE: FamilyEmphasis = {
  mappings: {
    pageSizeWeights: { '4k': 3, '2m': 1 },
    flagPercent: { writable: 80, user: 40, global: 20, executeDisable: 15, accessed: 15, dirty: 10 },
  },
  accesses: { opWeights: { load: 4, store: 3, fetch: 1 }, userPercent: 30 },
  actions: { access: 10, invlpg: 1, 'switch-root': 2, 'toggle-paging': 1, 'alias-check': 3, 'global-check': 1, edit: 4 },
  edits: { remap: 4, 'flip-writable': 1, 'clear-present': 1, 'swap-size': 1 },
  invalidations: { invlpg: 3, 'mov-cr3': 2, none: 1 },
  pagingOn: [1, 3],
  nxe: [1, 1],
  wp: [1, 1],
  pge: [2, 1],
  keepXdWithoutNxe: false,
};

type FirstStage = { readonly mode: 'pae'; readonly scenario: Scenario } | { readonly mode: '32-bit'; readonly scenario: Scenario32 };

interface TwoStageScenario {
  readonly first: FirstStage;
  readonly plan: Stage2Plan;
}

export function twoStageTraceArbitrary(constraints: TwoStageTraceConstraints = {}): fc.Arbitrary<Trace> {
  const maxStage2Steps = requireIntegerIn(BUILDER, 'maxStage2Steps', constraints.maxStage2Steps ?? 24, 0, 256);
  const maxScatter = requireIntegerIn(BUILDER, 'maxScatter', constraints.maxScatter ?? 6, 0, 16);
  const maxMoves = requireIntegerIn(BUILDER, 'maxMoves', constraints.maxMoves ?? 3, 0, 8);
  const mode = constraints.firstStage ?? 'either';
  if (!['pae', '32-bit', 'either'].includes(mode)) throw new Error(`${BUILDER}: firstStage must be 'pae', '32-bit' or 'either' (got ${JSON.stringify(mode)})`);
  const { firstStage: _mode, maxStage2Steps: _s, maxScatter: _c, maxMoves: _m, ...common } = constraints;
  const pae = familySetup(BUILDER, common, PAE_FIRST_STAGE);
  const p32 = paging32ScenarioArbitrary(common, BUILDER);
  const first = weightedOneof<FirstStage>([
    [scenarioArbitrary(pae.recipe).map((scenario) => ({ mode: 'pae' as const, scenario })), mode === '32-bit' ? 0 : 1],
    [p32.scenarios.map((scenario) => ({ mode: '32-bit' as const, scenario })), mode === 'pae' ? 0 : 1],
  ]);
  const plan = stage2PlanArbitrary({ maxScatter, maxEvents: maxMoves, promoteWeights: [1, 3] });
  const encode = (s: TwoStageScenario): Trace => {
    const laid: LaidOutTrace<Trace> =
      s.first.mode === 'pae'
        ? encodeScenarioWithLayout(s.first.scenario, { maxSteps: pae.maxSteps, keepXdWithoutNxe: false })
        : encodeScenario32(s.first.scenario, { maxSteps: p32.maxSteps });
    return layStage2(laid, s.plan, { maxExtraSteps: maxStage2Steps });
  };
  return encodedTraceArbitrary(fc.record({ first, plan }), encode);
}
