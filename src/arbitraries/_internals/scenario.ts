/**
 * The structured scenario a trace is encoded from: a mapping set, initial register choices, and a list
 * of actions that name mappings by index. Shrinking acts here (fewer actions, fewer mappings, simpler
 * choices); the trace is a pure function of the scenario (see scenario-encoder.ts).
 *
 * Actions are plain steps (an access, an INVLPG, a MOV to a control register) or short idioms that
 * carry the intent of a check: "access X, remap X's PTE, INVLPG X, access X again".
 * @internal
 */
import fc from 'fast-check';
import { hotSetArbitrary, pageOffsetArbitrary } from '../address-stream.ts';
import { type MappingSet, mappingSetArbitraryFrom, type ResolvedMappingSetConstraints } from '../mappings.ts';
import { DEFECT_KINDS, type DefectKind, type DefectSpec } from './defects.ts';
import type { Probe, SharedAction, SharedEdit, SharedScenario, SharedScenarioRecipe } from './scenario-core.ts';
import {
  initialChoiceArbitrary,
  initialPagingArbitrary,
  mappingIndexArbitrary,
  oneOfKinds,
  probeArbitrary,
  sharedActionArms,
  sharedEditArms,
  storeProbeArbitrary,
} from './scenario-core.ts';
import { nonEmptyArray } from './smaller-shrinks.ts';
import { weightedConstant } from './weighted.ts';

/** How an edit is made visible, if at all. Listed in shrink order: the architected ways first. */
export const INVALIDATIONS = ['invlpg', 'mov-cr3', 'invlpg-other-in-2m', 'paging-cycle', 'none'] as const;
export type Invalidation = (typeof INVALIDATIONS)[number];

/** Which entry of a mapping an edit targets; for a 2 MiB mapping, 'pte' means its PDE (the leaf). */
export type EntryTarget = 'pdpte' | 'pde' | 'pte';

export type Edit =
  | SharedEdit<EntryTarget>
  | { readonly kind: 'flip-xd' }
  | { readonly kind: 'defect'; readonly level: EntryTarget; readonly defect: DefectSpec };

/** Edit kinds in shrink order: the edit arbitrary's arms follow this list. */
export const EDIT_KINDS = ['remap', 'flip-writable', 'flip-user', 'flip-global', 'flip-xd', 'clear-present', 'swap-size', 'defect'] as const;
export type EditKind = (typeof EDIT_KINDS)[number];

export type Action =
  | SharedAction<Edit, Invalidation>
  /** CR0.PG off then on again (on only, if it was off). */
  | { readonly kind: 'paging-cycle' }
  /** Store through a mapping, load through another (its twin frame if it has one), load through the first again. */
  | { readonly kind: 'pair-check'; readonly mapping: number; readonly other: number; readonly probe: Probe }
  /** A supervisor store with CR0.WP = 1 then with CR0.WP = 0 (read-only pages fault only in the first). */
  | { readonly kind: 'wp-check'; readonly mapping: number; readonly probe: Probe };

/** Action kinds in shrink order: the action arbitrary's arms follow this list. */
export const ACTION_KINDS = [
  'access',
  'invlpg',
  'switch-root',
  'toggle-wp',
  'toggle-pge',
  'toggle-paging',
  'paging-cycle',
  'alias-check',
  'pair-check',
  'wp-check',
  'global-check',
  'edit',
] as const;
export type ActionKind = (typeof ACTION_KINDS)[number];

/** A defect in the initial memory image, on entry `level` of mapping `mapping` (index over all roots). */
export interface InitialDefect {
  readonly mapping: number;
  readonly level: EntryTarget;
  readonly defect: DefectSpec;
}

export interface Scenario extends SharedScenario<MappingSet, Action> {
  /** With paging off at the start: turned on before action `enableBefore` (if still off then). */
  readonly enableBefore: number;
  readonly defects: readonly InitialDefect[];
}

/** Everything a trace family decides about its scenarios. */
export interface ScenarioRecipe extends SharedScenarioRecipe<ActionKind, EditKind, Invalidation> {
  readonly mappings: ResolvedMappingSetConstraints;
  readonly defectKindWeights: Readonly<Record<DefectKind, number>>;
  readonly maxInitialDefects: number;
  /** Keep XD in mappings when EFER.NXE = 0 (a reserved-bit fault); otherwise XD is dropped then. */
  readonly keepXdWithoutNxe: boolean;
}

function defectSpecArbitrary(r: ScenarioRecipe): fc.Arbitrary<DefectSpec> {
  return fc.record({
    kind: weightedConstant(DEFECT_KINDS.map((k) => [k, r.defectKindWeights[k]] as const)),
    slot: fc.nat(63),
  });
}

const entryTargetArbitrary = weightedConstant<EntryTarget>([
  ['pte', 3],
  ['pde', 2],
  ['pdpte', 1],
]);

function editArbitrary(r: ScenarioRecipe): fc.Arbitrary<Edit> {
  const w = r.editWeights;
  return oneOfKinds<EditKind, Edit>(EDIT_KINDS, {
    ...sharedEditArms(r.editFrameWeights, w, entryTargetArbitrary),
    'flip-xd': [fc.constant<Edit>({ kind: 'flip-xd' }), w['flip-xd']],
    defect: [fc.record({ kind: fc.constant('defect' as const), level: entryTargetArbitrary, defect: defectSpecArbitrary(r) }), w.defect],
  });
}

function actionArbitrary(r: ScenarioRecipe): fc.Arbitrary<Action> {
  const w = r.actionWeights;
  const invalidation = weightedConstant(INVALIDATIONS.map((i) => [i, r.invalidationWeights[i]] as const));
  const storeProbe = storeProbeArbitrary(probeArbitrary(r.accesses, pageOffsetArbitrary));
  const mapping = mappingIndexArbitrary;
  return oneOfKinds<ActionKind, Action>(ACTION_KINDS, {
    ...sharedActionArms(r, pageOffsetArbitrary, editArbitrary(r), invalidation),
    'paging-cycle': [fc.constant<Action>({ kind: 'paging-cycle' }), w['paging-cycle']],
    'pair-check': [fc.record({ kind: fc.constant('pair-check' as const), mapping, other: mapping, probe: storeProbe }), w['pair-check']],
    'wp-check': [fc.record({ kind: fc.constant('wp-check' as const), mapping, probe: storeProbe }), w['wp-check']],
  });
}

export function scenarioArbitrary(r: ScenarioRecipe): fc.Arbitrary<Scenario> {
  return fc.record({
    mappingSet: mappingSetArbitraryFrom(r.mappings),
    nxe: initialChoiceArbitrary(r.nxeWeights),
    wp: initialChoiceArbitrary(r.wpWeights),
    pge: initialChoiceArbitrary(r.pgeWeights),
    initialPaging: initialPagingArbitrary(r.pagingOnWeights),
    enableBefore: fc.nat(3),
    hot: hotSetArbitrary(r.accesses),
    defects:
      r.maxInitialDefects === 0
        ? fc.constant([])
        : fc.array(fc.record({ mapping: mappingIndexArbitrary, level: entryTargetArbitrary, defect: defectSpecArbitrary(r) }), {
            maxLength: r.maxInitialDefects,
          }),
    actions: nonEmptyArray(actionArbitrary(r), r.maxActions),
  });
}
