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
import type { AccessSize } from '../../machine/trace.ts';
import {
  type AccessOp,
  type AccessSpec,
  type AddressTarget,
  accessSpecArbitrary,
  addressTargetArbitrary,
  hotSetArbitrary,
  pageOffsetArbitrary,
  type ResolvedAddressStreamConstraints,
} from '../address-stream.ts';
import { type MappingSet, mappingSetArbitraryFrom, type ResolvedMappingSetConstraints } from '../mappings.ts';
import { DEFECT_KINDS, type DefectKind, type DefectSpec } from './defects.ts';
import { type FrameSpec, type FrameWeights, frameSpecArbitrary } from './frame-spec.ts';
import { nonEmptyArray } from './smaller-shrinks.ts';
import { weightedBoolean, weightedConstant, weightedOneof } from './weighted.ts';

/** How an edit is made visible, if at all. Listed in shrink order: the architected ways first. */
export const INVALIDATIONS = ['invlpg', 'mov-cr3', 'invlpg-other-in-2m', 'paging-cycle', 'none'] as const;
export type Invalidation = (typeof INVALIDATIONS)[number];

/** Which entry of a mapping an edit targets; for a 2 MiB mapping, 'pte' means its PDE (the leaf). */
export type EntryTarget = 'pdpte' | 'pde' | 'pte';

export type Edit =
  | { readonly kind: 'remap'; readonly frame: FrameSpec }
  /** Flip R/W or U/S of the leaf, or of the PDE above a 4 KiB page (narrowing or widening rights). */
  | { readonly kind: 'flip-writable'; readonly level: 'pde' | 'pte' }
  | { readonly kind: 'flip-user'; readonly level: 'pde' | 'pte' }
  | { readonly kind: 'flip-global' }
  | { readonly kind: 'flip-xd' }
  | { readonly kind: 'clear-present'; readonly level: EntryTarget }
  /** 4 KiB mapping: its PDE becomes a 2 MiB leaf on `frame`. 2 MiB mapping: its PDE points to a page table. */
  | { readonly kind: 'swap-size'; readonly frame: FrameSpec }
  | { readonly kind: 'defect'; readonly level: EntryTarget; readonly defect: DefectSpec };

export const EDIT_KINDS = ['remap', 'flip-writable', 'flip-user', 'flip-global', 'flip-xd', 'clear-present', 'swap-size', 'defect'] as const;
export type EditKind = (typeof EDIT_KINDS)[number];

/** An access to a given mapping at an offset fixed for the whole idiom. */
export interface Probe {
  readonly op: AccessOp;
  readonly size: AccessSize;
  readonly user: boolean;
  readonly value: bigint;
  readonly offset: number;
}

export type Action =
  | { readonly kind: 'access'; readonly access: AccessSpec }
  | { readonly kind: 'invlpg'; readonly target: AddressTarget }
  /** MOV to CR3 selecting root `root` (modulo the number of roots; the current one reloads). */
  | { readonly kind: 'switch-root'; readonly root: number }
  | { readonly kind: 'toggle-wp' }
  | { readonly kind: 'toggle-pge' }
  | { readonly kind: 'toggle-paging' }
  /** CR0.PG off then on again (on only, if it was off). */
  | { readonly kind: 'paging-cycle' }
  /** Store through a mapping, then load the same bytes through an alias of its frame or after a CR3 switch. */
  | { readonly kind: 'alias-check'; readonly mapping: number; readonly probe: Probe; readonly via: 'alias' | 'other-root' }
  /** Store through a mapping, load through another (its twin frame if it has one), load through the first again. */
  | { readonly kind: 'pair-check'; readonly mapping: number; readonly other: number; readonly probe: Probe }
  /**
   * Probe a mapping (filling the TLB), edit one of its entries, invalidate (or not), probe again `after`
   * times, and with `undo` write the old entries back, invalidate the same way and probe once more.
   */
  | {
      readonly kind: 'edit';
      readonly mapping: number;
      readonly edit: Edit;
      readonly invalidation: Invalidation;
      readonly probe: Probe;
      readonly before: boolean;
      readonly after: number;
      readonly undo: boolean;
    }
  /**
   * With CR4.PGE = 1, make a mapping global, probe it, optionally remap it without invalidation, MOV to
   * CR3 (root `root`), probe it again: the global translation may survive, a non-global one may not.
   */
  | { readonly kind: 'global-check'; readonly mapping: number; readonly root: number; readonly remap: FrameSpec | null; readonly probe: Probe }
  /** A supervisor store with CR0.WP = 1 then with CR0.WP = 0 (read-only pages fault only in the first). */
  | { readonly kind: 'wp-check'; readonly mapping: number; readonly probe: Probe };

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

export interface Scenario {
  readonly mappingSet: MappingSet;
  readonly nxe: boolean;
  readonly wp: boolean;
  readonly pge: boolean;
  /** Paging on at the start, or off and turned on before action `enableBefore` (if still off then). */
  readonly initialPaging: 'on' | 'off';
  readonly enableBefore: number;
  readonly hot: readonly AddressTarget[];
  readonly defects: readonly InitialDefect[];
  readonly actions: readonly Action[];
}

/** Everything a trace family decides about its scenarios. */
export interface ScenarioRecipe {
  readonly mappings: ResolvedMappingSetConstraints;
  readonly accesses: ResolvedAddressStreamConstraints;
  readonly maxActions: number;
  readonly actionWeights: Readonly<Record<ActionKind, number>>;
  readonly editWeights: Readonly<Record<EditKind, number>>;
  readonly invalidationWeights: Readonly<Record<Invalidation, number>>;
  /** Frames that remaps and size swaps move to. */
  readonly editFrameWeights: FrameWeights;
  readonly defectKindWeights: Readonly<Record<DefectKind, number>>;
  readonly maxInitialDefects: number;
  /** [weight off, weight on] of each initial choice. */
  readonly pagingOnWeights: readonly [number, number];
  readonly nxeWeights: readonly [number, number];
  readonly wpWeights: readonly [number, number];
  readonly pgeWeights: readonly [number, number];
  /** Keep XD in mappings when EFER.NXE = 0 (a reserved-bit fault); otherwise XD is dropped then. */
  readonly keepXdWithoutNxe: boolean;
}

function probeArbitrary(r: ScenarioRecipe): fc.Arbitrary<Probe> {
  const w = r.accesses;
  return fc.record({
    op: weightedConstant<AccessOp>([
      ['load', w.opWeights.load],
      ['store', w.opWeights.store],
      ['fetch', w.opWeights.fetch],
    ]),
    size: weightedConstant<AccessSize>([
      [1, w.sizeWeights['1']],
      [2, w.sizeWeights['2']],
      [4, w.sizeWeights['4']],
      [8, w.sizeWeights['8']],
    ]),
    user: weightedBoolean(100 - w.userPercent, w.userPercent),
    value: fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }),
    offset: pageOffsetArbitrary,
  });
}

/** A probe that stores (the alias and pair checks write, then read back). */
function storeProbeArbitrary(r: ScenarioRecipe): fc.Arbitrary<Probe> {
  return probeArbitrary(r).map((p) => ({ ...p, op: 'store' as const }));
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
const protectionLevelArbitrary = weightedConstant<'pde' | 'pte'>([
  ['pte', 3],
  ['pde', 1],
]);

function editArbitrary(r: ScenarioRecipe): fc.Arbitrary<Edit> {
  const frame = frameSpecArbitrary(r.editFrameWeights);
  const w = r.editWeights;
  return weightedOneof<Edit>([
    [fc.record({ kind: fc.constant('remap' as const), frame }), w.remap],
    [fc.record({ kind: fc.constant('flip-writable' as const), level: protectionLevelArbitrary }), w['flip-writable']],
    [fc.record({ kind: fc.constant('flip-user' as const), level: protectionLevelArbitrary }), w['flip-user']],
    [fc.constant<Edit>({ kind: 'flip-global' }), w['flip-global']],
    [fc.constant<Edit>({ kind: 'flip-xd' }), w['flip-xd']],
    [fc.record({ kind: fc.constant('clear-present' as const), level: entryTargetArbitrary }), w['clear-present']],
    [fc.record({ kind: fc.constant('swap-size' as const), frame }), w['swap-size']],
    [fc.record({ kind: fc.constant('defect' as const), level: entryTargetArbitrary, defect: defectSpecArbitrary(r) }), w.defect],
  ]);
}

const mappingIndex = fc.nat(63);
const rootIndex = fc.nat(2);

function actionArbitrary(r: ScenarioRecipe): fc.Arbitrary<Action> {
  const w = r.actionWeights;
  const probe = probeArbitrary(r);
  const invalidation = weightedConstant(INVALIDATIONS.map((i) => [i, r.invalidationWeights[i]] as const));
  const none = <K extends Action['kind']>(kind: K): fc.Arbitrary<Action> => fc.constant({ kind } as Action);
  return weightedOneof<Action>([
    [fc.record({ kind: fc.constant('access' as const), access: accessSpecArbitrary(r.accesses) }), w.access],
    [
      fc.record({ kind: fc.constant('invlpg' as const), target: addressTargetArbitrary(r.accesses.targetWeights) }),
      w.invlpg,
    ],
    [fc.record({ kind: fc.constant('switch-root' as const), root: rootIndex }), w['switch-root']],
    [none('toggle-wp'), w['toggle-wp']],
    [none('toggle-pge'), w['toggle-pge']],
    [none('toggle-paging'), w['toggle-paging']],
    [none('paging-cycle'), w['paging-cycle']],
    [
      fc.record({
        kind: fc.constant('alias-check' as const),
        mapping: mappingIndex,
        probe: storeProbeArbitrary(r),
        via: weightedConstant<'alias' | 'other-root'>([
          ['alias', 2],
          ['other-root', 1],
        ]),
      }),
      w['alias-check'],
    ],
    [fc.record({ kind: fc.constant('pair-check' as const), mapping: mappingIndex, other: mappingIndex, probe: storeProbeArbitrary(r) }), w['pair-check']],
    [fc.record({ kind: fc.constant('wp-check' as const), mapping: mappingIndex, probe: storeProbeArbitrary(r) }), w['wp-check']],
    [
      fc.record({
        kind: fc.constant('global-check' as const),
        mapping: mappingIndex,
        root: rootIndex,
        remap: fc.option(frameSpecArbitrary(r.editFrameWeights), { nil: null, freq: 2 }),
        probe,
      }),
      w['global-check'],
    ],
    [
      fc.record({
        kind: fc.constant('edit' as const),
        mapping: mappingIndex,
        edit: editArbitrary(r),
        invalidation,
        probe,
        before: weightedBoolean(1, 4),
        after: fc.integer({ min: 0, max: 3 }),
        undo: weightedBoolean(2, 1),
      }),
      w.edit,
    ],
  ]);
}

export function scenarioArbitrary(r: ScenarioRecipe): fc.Arbitrary<Scenario> {
  const choice = (weights: readonly [number, number]): fc.Arbitrary<boolean> => weightedBoolean(weights[0], weights[1]);
  return fc.record({
    mappingSet: mappingSetArbitraryFrom(r.mappings),
    nxe: choice(r.nxeWeights),
    wp: choice(r.wpWeights),
    pge: choice(r.pgeWeights),
    // Shrinks toward paging on from the start: fewer steps to read.
    initialPaging: weightedBoolean(r.pagingOnWeights[1], r.pagingOnWeights[0]).map((off) => (off ? ('off' as const) : ('on' as const))),
    enableBefore: fc.nat(3),
    hot: hotSetArbitrary(r.accesses),
    defects:
      r.maxInitialDefects === 0
        ? fc.constant([])
        : fc.array(fc.record({ mapping: mappingIndex, level: entryTargetArbitrary, defect: defectSpecArbitrary(r) }), {
            maxLength: r.maxInitialDefects,
          }),
    actions: nonEmptyArray(actionArbitrary(r), r.maxActions),
  });
}
