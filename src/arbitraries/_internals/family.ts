/**
 * What the four trace families share: turning their public constraints and their emphasis into a
 * scenario recipe, and the scenario arbitrary mapped to traces.
 * @internal
 */
import type fc from 'fast-check';
import type { Trace } from '../../machine/trace.ts';
import { type AddressStreamConstraints, resolveAddressStreamConstraints } from '../address-stream.ts';
import { type MappingSetConstraints, resolveMappingSetConstraints } from '../mappings.ts';
import type { InitialChoice, TraceConstraints } from '../trace-constraints.ts';
import { mergeWeights, reject, requireIntegerIn } from './constraints.ts';
import { DEFECT_KINDS, type DefectKind } from './defects.ts';
import { DEFAULT_FRAME_WEIGHTS, type FrameWeights } from './frame-spec.ts';
import { encodeScenario } from './scenario-encoder.ts';
import { encodedTraceArbitrary } from './smaller-shrinks.ts';
import {
  ACTION_KINDS,
  type ActionKind,
  EDIT_KINDS,
  type EditKind,
  INVALIDATIONS,
  type Invalidation,
  scenarioArbitrary,
  type ScenarioRecipe,
} from './scenario.ts';

/** A family's emphasis: weights it gives each choice (zero where it never goes). */
export interface FamilyEmphasis {
  readonly mappings: MappingSetConstraints;
  readonly accesses: AddressStreamConstraints;
  readonly actions: Partial<Record<ActionKind, number>>;
  readonly edits?: Partial<Record<EditKind, number>>;
  readonly invalidations?: Partial<Record<Invalidation, number>>;
  readonly editFrames?: Partial<FrameWeights>;
  readonly defectKinds?: Partial<Record<DefectKind, number>>;
  /** [off, on] weights when the user leaves the choice open. */
  readonly pagingOn: readonly [number, number];
  readonly nxe: readonly [number, number];
  readonly wp: readonly [number, number];
  readonly pge: readonly [number, number];
  readonly keepXdWithoutNxe: boolean;
}

const zeros = <K extends string>(keys: readonly K[]): Record<K, number> => Object.fromEntries(keys.map((k) => [k, 0])) as Record<K, number>;

function initialWeights(builder: string, field: string, choice: InitialChoice | undefined, family: readonly [number, number]): readonly [number, number] {
  switch (choice ?? 'either') {
    case 'either':
      return family;
    case 'on':
      return [0, 1];
    case 'off':
      return [1, 0];
    default:
      return reject(builder, `${field} must be 'on', 'off' or 'either' (got ${JSON.stringify(choice)})`);
  }
}

export interface FamilySetup {
  readonly recipe: ScenarioRecipe;
  readonly maxSteps: number;
}

export function familySetup(builder: string, c: TraceConstraints, emphasis: FamilyEmphasis, maxInitialDefects?: number): FamilySetup {
  const maxSteps = requireIntegerIn(builder, 'maxSteps', c.maxSteps ?? 24, 1, 4096);
  const maxMappings = requireIntegerIn(builder, 'maxMappings', c.maxMappings ?? 8, 1, 256);
  const maxRoots = requireIntegerIn(builder, 'maxRoots', c.maxRoots ?? 3, 1, 3);
  const mappings = resolveMappingSetConstraints(
    { ...emphasis.mappings, maxMappingsPerRoot: maxMappings, maxRoots, maxPhyAddr: c.maxPhyAddr ?? emphasis.mappings.maxPhyAddr },
    builder,
  );
  const accesses = resolveAddressStreamConstraints({ ...emphasis.accesses, maxAccesses: maxSteps }, builder);
  const recipe: ScenarioRecipe = {
    mappings,
    accesses,
    maxActions: maxSteps,
    actionWeights: mergeWeights(builder, 'actions', zeros(ACTION_KINDS), emphasis.actions),
    editWeights: { ...zeros(EDIT_KINDS), ...emphasis.edits },
    invalidationWeights: { ...zeros(INVALIDATIONS), ...emphasis.invalidations },
    editFrameWeights: { ...DEFAULT_FRAME_WEIGHTS, ...emphasis.editFrames },
    defectKindWeights: { ...Object.fromEntries(DEFECT_KINDS.map((k) => [k, 1])), ...emphasis.defectKinds } as Record<DefectKind, number>,
    maxInitialDefects: maxInitialDefects ?? 0,
    pagingOnWeights: initialWeights(builder, 'initialPaging', c.initialPaging, emphasis.pagingOn),
    nxeWeights: initialWeights(builder, 'nxe', c.nxe, emphasis.nxe),
    wpWeights: emphasis.wp,
    pgeWeights: emphasis.pge,
    keepXdWithoutNxe: emphasis.keepXdWithoutNxe,
  };
  return { recipe, maxSteps };
}

export function familyTraceArbitrary(setup: FamilySetup): fc.Arbitrary<Trace> {
  const options = { maxSteps: setup.maxSteps, keepXdWithoutNxe: setup.recipe.keepXdWithoutNxe };
  return encodedTraceArbitrary(
    scenarioArbitrary(setup.recipe),
    (scenario) => encodeScenario(scenario, options),
    (scenario) => scenario.actions.length,
  );
}
