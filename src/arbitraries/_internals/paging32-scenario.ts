/**
 * The structured scenario a 32-bit paging trace is encoded from (paging32-encoder.ts): a 32-bit mapping
 * set, initial register choices (CR4.PSE, CR4.PGE, CR0.WP, EFER.NXE, the low flag bits of CR3), and
 * actions that name mappings by index, as for PAE scenarios (scenario.ts). Shrinking acts here.
 *
 * What is particular to 32-bit paging: 4 MiB pages and their upper 2 MiB half (in-page offsets reach
 * 4 MiB), PSE turned off and on (a PS = 1 PDE then references a page table), PSE-36 reserved bits, INVLPG
 * of another page of the same 4 MiB region, and an attempt to turn CR4.PAE on while paging (SDM 4.1.2:
 * the PDPTEs load from CR3 and usually #GP, since a page directory's first entries are no PDPTEs).
 * @internal
 */
import fc from 'fast-check';
import { PAGE_4K, PAGE_4M } from '../../arch/entry-layout.ts';
import type { AccessSize } from '../../machine/trace.ts';
import {
  type AccessOp,
  type AccessSpec,
  type AddressTarget,
  accessSpecArbitrary,
  addressTargetArbitrary,
  hotSetArbitrary,
  type ResolvedAddressStreamConstraints,
} from '../address-stream.ts';
import { type FrameSpec, type FrameWeights, frameSpecArbitrary } from './frame-spec.ts';
import { type MappingSet32, mappingSet32Arbitrary, type MappingSet32Recipe } from './paging32-tables.ts';
import { weightedBoolean, weightedConstant, weightedOneof } from './weighted.ts';

export const INVALIDATIONS_32 = ['invlpg', 'mov-cr3', 'invlpg-other-in-4m', 'pse-cycle', 'paging-cycle', 'none'] as const;
export type Invalidation32 = (typeof INVALIDATIONS_32)[number];

export type Edit32 =
  | { readonly kind: 'remap'; readonly frame: FrameSpec }
  | { readonly kind: 'flip-writable'; readonly level: 'pde' | 'pte' }
  | { readonly kind: 'flip-user'; readonly level: 'pde' | 'pte' }
  | { readonly kind: 'flip-global' }
  | { readonly kind: 'clear-present'; readonly level: 'pde' | 'pte' }
  /** 4 KiB mapping: its PDE becomes a 4 MiB leaf on `frame`; 4 MiB mapping: its PDE references a page table. */
  | { readonly kind: 'swap-size'; readonly frame: FrameSpec }
  /** A reserved bit of a 4 MiB PDE: bit 21 or a PSE-36 bit beyond MAXPHYADDR (a 4 KiB page: P cleared). */
  | { readonly kind: 'reserved'; readonly slot: number };

export const EDIT_KINDS_32 = ['remap', 'flip-writable', 'flip-user', 'flip-global', 'clear-present', 'swap-size', 'reserved'] as const;
export type EditKind32 = (typeof EDIT_KINDS_32)[number];

export interface Probe32 {
  readonly op: AccessOp;
  readonly size: AccessSize;
  readonly user: boolean;
  readonly value: bigint;
  readonly offset: number;
}

export type Action32 =
  | { readonly kind: 'access'; readonly access: AccessSpec }
  | { readonly kind: 'invlpg'; readonly target: AddressTarget }
  | { readonly kind: 'switch-root'; readonly root: number }
  | { readonly kind: 'toggle-wp' }
  | { readonly kind: 'toggle-pge' }
  | { readonly kind: 'toggle-pse' }
  | { readonly kind: 'toggle-paging' }
  /** MOV to CR4 setting PAE while paging, a probe, and a MOV back to the 32-bit CR4. */
  | { readonly kind: 'try-pae'; readonly mapping: number; readonly probe: Probe32 }
  | { readonly kind: 'alias-check'; readonly mapping: number; readonly probe: Probe32; readonly via: 'alias' | 'other-root' }
  | {
      readonly kind: 'edit';
      readonly mapping: number;
      readonly edit: Edit32;
      readonly invalidation: Invalidation32;
      readonly probe: Probe32;
      readonly before: boolean;
      readonly after: number;
      readonly undo: boolean;
    }
  | { readonly kind: 'global-check'; readonly mapping: number; readonly root: number; readonly remap: FrameSpec | null; readonly probe: Probe32 };

export const ACTION_KINDS_32 = [
  'access',
  'invlpg',
  'switch-root',
  'toggle-wp',
  'toggle-pge',
  'toggle-pse',
  'toggle-paging',
  'try-pae',
  'alias-check',
  'global-check',
  'edit',
] as const;
export type ActionKind32 = (typeof ACTION_KINDS_32)[number];

export interface Scenario32 {
  readonly mappingSet: MappingSet32;
  readonly pse: boolean;
  readonly pge: boolean;
  readonly wp: boolean;
  readonly nxe: boolean;
  /** PWT/PCD (CR3 bits 3 and 4): ignored by the walk (SDM 4.3), so a machine must not use them as address. */
  readonly cr3Flags: number;
  readonly initialPaging: 'on' | 'off';
  readonly hot: readonly AddressTarget[];
  readonly actions: readonly Action32[];
}

export interface Scenario32Recipe {
  readonly mappings: MappingSet32Recipe;
  readonly accesses: ResolvedAddressStreamConstraints;
  readonly maxActions: number;
  readonly actionWeights: Readonly<Record<ActionKind32, number>>;
  readonly editWeights: Readonly<Record<EditKind32, number>>;
  readonly invalidationWeights: Readonly<Record<Invalidation32, number>>;
  readonly editFrameWeights: FrameWeights;
  readonly pagingOnWeights: readonly [number, number];
  readonly pseWeights: readonly [number, number];
  readonly pgeWeights: readonly [number, number];
  readonly wpWeights: readonly [number, number];
  readonly nxeWeights: readonly [number, number];
}

/** Offsets inside a page: low ones, anywhere in 4 MiB, and the upper 2 MiB half of a 4 MiB page. */
export const pageOffset32Arbitrary: fc.Arbitrary<number> = fc.oneof(
  { withCrossShrink: true },
  { arbitrary: fc.nat(PAGE_4K - 1), weight: 3 },
  { arbitrary: fc.nat(PAGE_4M - 1), weight: 2 },
  { arbitrary: fc.integer({ min: PAGE_4M / 2, max: PAGE_4M - 1 }), weight: 3 },
);

function probeArbitrary(r: Scenario32Recipe): fc.Arbitrary<Probe32> {
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
    offset: pageOffset32Arbitrary,
  });
}

const level = weightedConstant<'pde' | 'pte'>([
  ['pte', 3],
  ['pde', 1],
]);

function editArbitrary(r: Scenario32Recipe): fc.Arbitrary<Edit32> {
  const frame = frameSpecArbitrary(r.editFrameWeights);
  const w = r.editWeights;
  return weightedOneof<Edit32>([
    [fc.record({ kind: fc.constant('remap' as const), frame }), w.remap],
    [fc.record({ kind: fc.constant('flip-writable' as const), level }), w['flip-writable']],
    [fc.record({ kind: fc.constant('flip-user' as const), level }), w['flip-user']],
    [fc.constant<Edit32>({ kind: 'flip-global' }), w['flip-global']],
    [fc.record({ kind: fc.constant('clear-present' as const), level }), w['clear-present']],
    [fc.record({ kind: fc.constant('swap-size' as const), frame }), w['swap-size']],
    [fc.record({ kind: fc.constant('reserved' as const), slot: fc.nat(15) }), w.reserved],
  ]);
}

const mappingIndex = fc.nat(63);
const rootIndex = fc.nat(2);

function actionArbitrary(r: Scenario32Recipe): fc.Arbitrary<Action32> {
  const w = r.actionWeights;
  const probe = probeArbitrary(r);
  const storeProbe = probe.map((p) => ({ ...p, op: 'store' as const }));
  const none = (kind: 'toggle-wp' | 'toggle-pge' | 'toggle-pse' | 'toggle-paging'): fc.Arbitrary<Action32> => fc.constant({ kind });
  return weightedOneof<Action32>([
    [fc.record({ kind: fc.constant('access' as const), access: accessSpecArbitrary(r.accesses, pageOffset32Arbitrary) }), w.access],
    [fc.record({ kind: fc.constant('invlpg' as const), target: addressTargetArbitrary(r.accesses.targetWeights, pageOffset32Arbitrary) }), w.invlpg],
    [fc.record({ kind: fc.constant('switch-root' as const), root: rootIndex }), w['switch-root']],
    [none('toggle-wp'), w['toggle-wp']],
    [none('toggle-pge'), w['toggle-pge']],
    [none('toggle-pse'), w['toggle-pse']],
    [none('toggle-paging'), w['toggle-paging']],
    [fc.record({ kind: fc.constant('try-pae' as const), mapping: mappingIndex, probe }), w['try-pae']],
    [
      fc.record({
        kind: fc.constant('alias-check' as const),
        mapping: mappingIndex,
        probe: storeProbe,
        via: weightedConstant<'alias' | 'other-root'>([
          ['alias', 2],
          ['other-root', 1],
        ]),
      }),
      w['alias-check'],
    ],
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
        invalidation: weightedConstant(INVALIDATIONS_32.map((i) => [i, r.invalidationWeights[i]] as const)),
        probe,
        before: weightedBoolean(1, 4),
        after: fc.integer({ min: 0, max: 3 }),
        undo: weightedBoolean(2, 1),
      }),
      w.edit,
    ],
  ]);
}

export function scenario32Arbitrary(r: Scenario32Recipe): fc.Arbitrary<Scenario32> {
  const choice = (weights: readonly [number, number]): fc.Arbitrary<boolean> => weightedBoolean(weights[0], weights[1]);
  return fc.record({
    mappingSet: mappingSet32Arbitrary(r.mappings),
    // Shrinks toward PSE on: 4 MiB pages stay pages in the counterexample.
    pse: weightedBoolean(r.pseWeights[1], r.pseWeights[0]).map((off) => !off),
    pge: choice(r.pgeWeights),
    wp: choice(r.wpWeights),
    nxe: choice(r.nxeWeights),
    cr3Flags: weightedConstant<number>([
      [0, 6],
      [0x08, 1],
      [0x10, 1],
      [0x18, 1],
    ]),
    initialPaging: weightedBoolean(r.pagingOnWeights[1], r.pagingOnWeights[0]).map((off) => (off ? ('off' as const) : ('on' as const))),
    hot: hotSetArbitrary(r.accesses, pageOffset32Arbitrary),
    actions: fc.array(actionArbitrary(r), { minLength: 1, maxLength: r.maxActions }),
  });
}
