/**
 * What the scenarios of both paging modes share (PAE: scenario.ts, 32-bit paging: paging32-scenario.ts):
 * the probe an idiom repeats, the actions and edits that mean the same under both, the initial register
 * choices, and their arbitraries. The encoders of both modes expand them alike (action-expander.ts).
 *
 * A mode adds its own actions, edits and invalidations and lists the arms in its own order: the order is
 * the shrink order and part of what every seed generates, so the arms are handed out one by one (by kind)
 * rather than as a finished list.
 * @internal
 */
import fc from 'fast-check';
import type { AccessSize } from '../../machine/trace.ts';
import {
  type AccessOp,
  type AccessSpec,
  type AddressTarget,
  accessFieldArbitraries,
  accessSpecArbitrary,
  addressTargetArbitrary,
  type ResolvedAddressStreamConstraints,
} from '../address-stream.ts';
import { type FrameSpec, type FrameWeights, frameSpecArbitrary } from './frame-spec.ts';
import { weightedBoolean, weightedConstant, weightedOneof } from './weighted.ts';

/** An access to a given mapping at an offset fixed for the whole idiom. */
export interface Probe {
  readonly op: AccessOp;
  readonly size: AccessSize;
  readonly user: boolean;
  readonly value: bigint;
  readonly offset: number;
}

/** The entry whose rights an edit flips: the leaf, or the PDE (above a 4 KiB page, or the large leaf itself). */
export type ProtectionLevel = 'pde' | 'pte';

/** Edits of both modes; `L` is the entries a mode lets clear-present target. */
export type SharedEdit<L extends string> =
  | { readonly kind: 'remap'; readonly frame: FrameSpec }
  /** Flip R/W or U/S of the leaf, or of the PDE above a 4 KiB page (narrowing or widening rights). */
  | { readonly kind: 'flip-writable'; readonly level: ProtectionLevel }
  | { readonly kind: 'flip-user'; readonly level: ProtectionLevel }
  | { readonly kind: 'flip-global' }
  | { readonly kind: 'clear-present'; readonly level: L }
  /** 4 KiB mapping: its PDE becomes a large leaf (2 MiB or 4 MiB) on `frame`. Large mapping: its PDE references a page table. */
  | { readonly kind: 'swap-size'; readonly frame: FrameSpec };

export type SharedEditKind = SharedEdit<string>['kind'];

/** Invalidations of both modes (each adds an INVLPG of another page of the same large region, and more). */
export type SharedInvalidation = 'invlpg' | 'mov-cr3' | 'paging-cycle' | 'none';

/** Actions of both modes, with the mode's edits `E` and invalidations `I`. */
export type SharedAction<E, I> =
  | { readonly kind: 'access'; readonly access: AccessSpec }
  | { readonly kind: 'invlpg'; readonly target: AddressTarget }
  /** MOV to CR3 selecting root `root` (modulo the number of roots; the current one reloads). */
  | { readonly kind: 'switch-root'; readonly root: number }
  | { readonly kind: 'toggle-wp' }
  | { readonly kind: 'toggle-pge' }
  | { readonly kind: 'toggle-paging' }
  /** Store through a mapping, then load the same bytes through an alias of its frame or after a CR3 switch. */
  | { readonly kind: 'alias-check'; readonly mapping: number; readonly probe: Probe; readonly via: 'alias' | 'other-root' }
  /**
   * Probe a mapping (filling the TLB), edit one of its entries, invalidate (or not), probe again `after`
   * times, and with `undo` write the old entries back, invalidate the same way and probe once more.
   */
  | {
      readonly kind: 'edit';
      readonly mapping: number;
      readonly edit: E;
      readonly invalidation: I;
      readonly probe: Probe;
      readonly before: boolean;
      readonly after: number;
      readonly undo: boolean;
    }
  /**
   * With CR4.PGE = 1, make a mapping global, probe it, optionally remap it without invalidation, MOV to
   * CR3 (root `root`), probe it again: the global translation may survive, a non-global one may not.
   */
  | { readonly kind: 'global-check'; readonly mapping: number; readonly root: number; readonly remap: FrameSpec | null; readonly probe: Probe };

export type SharedActionKind = SharedAction<unknown, unknown>['kind'];

/** The initial choices and actions of a scenario of either mode, over mapping set `M`. */
export interface SharedScenario<M, A> {
  readonly mappingSet: M;
  readonly nxe: boolean;
  readonly wp: boolean;
  readonly pge: boolean;
  /** Paging on at the start, or off (and turned on by an action, or by the mode). */
  readonly initialPaging: 'on' | 'off';
  readonly hot: readonly AddressTarget[];
  readonly actions: readonly A[];
}

/** What a mode's recipe decides alike: `A`, `E` and `I` are its action, edit and invalidation kinds. */
export interface SharedScenarioRecipe<A extends string, E extends string, I extends string> {
  readonly accesses: ResolvedAddressStreamConstraints;
  readonly maxActions: number;
  readonly actionWeights: Readonly<Record<A, number>>;
  readonly editWeights: Readonly<Record<E, number>>;
  readonly invalidationWeights: Readonly<Record<I, number>>;
  /** Frames that remaps and size swaps move to. */
  readonly editFrameWeights: FrameWeights;
  /** [weight off, weight on] of each initial choice. */
  readonly pagingOnWeights: readonly [number, number];
  readonly nxeWeights: readonly [number, number];
  readonly wpWeights: readonly [number, number];
  readonly pgeWeights: readonly [number, number];
}

/** A weighted arm of a `weightedOneof`. */
export type Arm<T> = readonly [fc.Arbitrary<T>, number];

/**
 * One of `arms`, taken in the order of `kinds`: a mode's list of action or edit kinds, which is thereby
 * the shrink order (weightedOneof shrinks toward the first arm kept) and part of what each seed draws.
 */
export function oneOfKinds<K extends string, T>(kinds: readonly K[], arms: Readonly<Record<K, Arm<T>>>): fc.Arbitrary<T> {
  return weightedOneof(kinds.map((k) => arms[k]));
}

export const mappingIndexArbitrary = fc.nat(63);
export const rootIndexArbitrary = fc.nat(2);

/** Rights flips target the leaf three times in four. */
export const protectionLevelArbitrary = weightedConstant<ProtectionLevel>([
  ['pte', 3],
  ['pde', 1],
]);

/** An initial choice from its [off, on] weights, shrinking toward off. */
export function initialChoiceArbitrary(weights: readonly [number, number]): fc.Arbitrary<boolean> {
  return weightedBoolean(weights[0], weights[1]);
}

/** Paging at the start from its [off, on] weights; shrinks toward on, which takes fewer steps to read. */
export function initialPagingArbitrary(weights: readonly [number, number]): fc.Arbitrary<'on' | 'off'> {
  return weightedBoolean(weights[1], weights[0]).map((off) => (off ? ('off' as const) : ('on' as const)));
}

/** Probes drawn like the accesses of `accesses`, at in-page offsets from `offsets`. */
export function probeArbitrary(accesses: ResolvedAddressStreamConstraints, offsets: fc.Arbitrary<number>): fc.Arbitrary<Probe> {
  return fc.record({ ...accessFieldArbitraries(accesses), offset: offsets });
}

/** A probe that stores (the alias and pair checks write, then read back). */
export function storeProbeArbitrary(probe: fc.Arbitrary<Probe>): fc.Arbitrary<Probe> {
  return probe.map((p) => ({ ...p, op: 'store' as const }));
}

/** The arm of each shared edit kind; clear-present targets the entries `clearLevel` draws. */
export function sharedEditArms<L extends string>(
  frameWeights: FrameWeights,
  weights: Readonly<Record<SharedEditKind, number>>,
  clearLevel: fc.Arbitrary<L>,
): Readonly<Record<SharedEditKind, Arm<SharedEdit<L>>>> {
  const frame = frameSpecArbitrary(frameWeights);
  const level = protectionLevelArbitrary;
  return {
    remap: [fc.record({ kind: fc.constant('remap' as const), frame }), weights.remap],
    'flip-writable': [fc.record({ kind: fc.constant('flip-writable' as const), level }), weights['flip-writable']],
    'flip-user': [fc.record({ kind: fc.constant('flip-user' as const), level }), weights['flip-user']],
    'flip-global': [fc.constant<SharedEdit<L>>({ kind: 'flip-global' }), weights['flip-global']],
    'clear-present': [fc.record({ kind: fc.constant('clear-present' as const), level: clearLevel }), weights['clear-present']],
    'swap-size': [fc.record({ kind: fc.constant('swap-size' as const), frame }), weights['swap-size']],
  };
}

/**
 * The arm of each shared action kind, for a mode whose probes and accesses draw in-page offsets from
 * `offsets` and whose edit actions draw `edit` and `invalidation`.
 */
export function sharedActionArms<E, I>(
  r: Pick<SharedScenarioRecipe<SharedActionKind, never, never>, 'accesses' | 'actionWeights' | 'editFrameWeights'>,
  offsets: fc.Arbitrary<number>,
  edit: fc.Arbitrary<E>,
  invalidation: fc.Arbitrary<I>,
): Readonly<Record<SharedActionKind, Arm<SharedAction<E, I>>>> {
  type Action = SharedAction<E, I>;
  const w = r.actionWeights;
  const probe = probeArbitrary(r.accesses, offsets);
  const mapping = mappingIndexArbitrary;
  const none = (kind: 'toggle-wp' | 'toggle-pge' | 'toggle-paging'): Arm<Action> => [fc.constant({ kind }), w[kind]];
  return {
    access: [fc.record({ kind: fc.constant('access' as const), access: accessSpecArbitrary(r.accesses, offsets) }), w.access],
    invlpg: [fc.record({ kind: fc.constant('invlpg' as const), target: addressTargetArbitrary(r.accesses.targetWeights, offsets) }), w.invlpg],
    'switch-root': [fc.record({ kind: fc.constant('switch-root' as const), root: rootIndexArbitrary }), w['switch-root']],
    'toggle-wp': none('toggle-wp'),
    'toggle-pge': none('toggle-pge'),
    'toggle-paging': none('toggle-paging'),
    'alias-check': [
      fc.record({
        kind: fc.constant('alias-check' as const),
        mapping,
        probe: storeProbeArbitrary(probe),
        via: weightedConstant<'alias' | 'other-root'>([
          ['alias', 2],
          ['other-root', 1],
        ]),
      }),
      w['alias-check'],
    ],
    'global-check': [
      fc.record({
        kind: fc.constant('global-check' as const),
        mapping,
        root: rootIndexArbitrary,
        remap: fc.option(frameSpecArbitrary(r.editFrameWeights), { nil: null, freq: 2 }),
        probe,
      }),
      w['global-check'],
    ],
    edit: [
      fc.record({
        kind: fc.constant('edit' as const),
        mapping,
        edit,
        invalidation,
        probe,
        before: weightedBoolean(1, 4),
        after: fc.integer({ min: 0, max: 3 }),
        undo: weightedBoolean(2, 1),
      }),
      w.edit,
    ],
  };
}
