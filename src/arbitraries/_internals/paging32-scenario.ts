/**
 * The structured scenario a 32-bit paging trace is encoded from (paging32-encoder.ts): a 32-bit mapping
 * set, initial register choices (CR4.PSE, CR4.PGE, CR0.WP, EFER.NXE, the low flag bits of CR3), and
 * actions that name mappings by index, as for PAE scenarios (scenario.ts; what the two share is in
 * scenario-core.ts). Shrinking acts here.
 *
 * What is particular to 32-bit paging: 4 MiB pages and their upper 2 MiB half (in-page offsets reach
 * 4 MiB), PSE turned off and on (a PS = 1 PDE then references a page table), PSE-36 reserved bits, INVLPG
 * of another page of the same 4 MiB region, and an attempt to turn CR4.PAE on while paging (SDM 4.1.2:
 * the PDPTEs load from CR3 and usually #GP, since a page directory's first entries are no PDPTEs).
 * @internal
 */
import fc from 'fast-check';
import { PAGE_4K, PAGE_4M } from '../../arch/entry-layout.ts';
import { hotSetArbitrary } from '../address-stream.ts';
import { type MappingSet32, mappingSet32Arbitrary, type MappingSet32Recipe } from './paging32-tables.ts';
import type { Probe, ProtectionLevel, SharedAction, SharedEdit, SharedScenario, SharedScenarioRecipe } from './scenario-core.ts';
import {
  initialChoiceArbitrary,
  initialPagingArbitrary,
  mappingIndexArbitrary,
  oneOfKinds,
  probeArbitrary,
  protectionLevelArbitrary,
  sharedActionArms,
  sharedEditArms,
} from './scenario-core.ts';
import { weightedBoolean, weightedConstant } from './weighted.ts';

export const INVALIDATIONS_32 = ['invlpg', 'mov-cr3', 'invlpg-other-in-4m', 'pse-cycle', 'paging-cycle', 'none'] as const;
export type Invalidation32 = (typeof INVALIDATIONS_32)[number];

export type Edit32 =
  | SharedEdit<ProtectionLevel>
  /** A reserved bit of a 4 MiB PDE: bit 21 or a PSE-36 bit beyond MAXPHYADDR (a 4 KiB page: P cleared). */
  | { readonly kind: 'reserved'; readonly slot: number };

/** Edit kinds in shrink order: the edit arbitrary's arms follow this list. */
export const EDIT_KINDS_32 = ['remap', 'flip-writable', 'flip-user', 'flip-global', 'clear-present', 'swap-size', 'reserved'] as const;
export type EditKind32 = (typeof EDIT_KINDS_32)[number];

export type Action32 =
  | SharedAction<Edit32, Invalidation32>
  | { readonly kind: 'toggle-pse' }
  /** MOV to CR4 setting PAE while paging, a probe, and a MOV back to the 32-bit CR4. */
  | { readonly kind: 'try-pae'; readonly mapping: number; readonly probe: Probe };

/** Action kinds in shrink order: the action arbitrary's arms follow this list. */
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

export interface Scenario32 extends SharedScenario<MappingSet32, Action32> {
  readonly pse: boolean;
  /** PWT/PCD (CR3 bits 3 and 4): ignored by the walk (SDM 4.3), so a machine must not use them as address. */
  readonly cr3Flags: number;
}

export interface Scenario32Recipe extends SharedScenarioRecipe<ActionKind32, EditKind32, Invalidation32> {
  readonly mappings: MappingSet32Recipe;
  readonly pseWeights: readonly [number, number];
}

/** Offsets inside a page: low ones, anywhere in 4 MiB, and the upper 2 MiB half of a 4 MiB page. */
export const pageOffset32Arbitrary: fc.Arbitrary<number> = fc.oneof(
  { withCrossShrink: true },
  { arbitrary: fc.nat(PAGE_4K - 1), weight: 3 },
  { arbitrary: fc.nat(PAGE_4M - 1), weight: 2 },
  { arbitrary: fc.integer({ min: PAGE_4M / 2, max: PAGE_4M - 1 }), weight: 3 },
);

function editArbitrary(r: Scenario32Recipe): fc.Arbitrary<Edit32> {
  return oneOfKinds<EditKind32, Edit32>(EDIT_KINDS_32, {
    ...sharedEditArms(r.editFrameWeights, r.editWeights, protectionLevelArbitrary),
    reserved: [fc.record({ kind: fc.constant('reserved' as const), slot: fc.nat(15) }), r.editWeights.reserved],
  });
}

function actionArbitrary(r: Scenario32Recipe): fc.Arbitrary<Action32> {
  const w = r.actionWeights;
  const invalidation = weightedConstant(INVALIDATIONS_32.map((i) => [i, r.invalidationWeights[i]] as const));
  const probe = probeArbitrary(r.accesses, pageOffset32Arbitrary);
  return oneOfKinds<ActionKind32, Action32>(ACTION_KINDS_32, {
    ...sharedActionArms(r, pageOffset32Arbitrary, editArbitrary(r), invalidation),
    'toggle-pse': [fc.constant<Action32>({ kind: 'toggle-pse' }), w['toggle-pse']],
    'try-pae': [fc.record({ kind: fc.constant('try-pae' as const), mapping: mappingIndexArbitrary, probe }), w['try-pae']],
  });
}

export function scenario32Arbitrary(r: Scenario32Recipe): fc.Arbitrary<Scenario32> {
  return fc.record({
    mappingSet: mappingSet32Arbitrary(r.mappings),
    // Shrinks toward PSE on: 4 MiB pages stay pages in the counterexample.
    pse: weightedBoolean(r.pseWeights[1], r.pseWeights[0]).map((off) => !off),
    pge: initialChoiceArbitrary(r.pgeWeights),
    wp: initialChoiceArbitrary(r.wpWeights),
    nxe: initialChoiceArbitrary(r.nxeWeights),
    cr3Flags: weightedConstant<number>([
      [0, 6],
      [0x08, 1],
      [0x10, 1],
      [0x18, 1],
    ]),
    initialPaging: initialPagingArbitrary(r.pagingOnWeights),
    hot: hotSetArbitrary(r.accesses, pageOffset32Arbitrary),
    actions: fc.array(actionArbitrary(r), { minLength: 1, maxLength: r.maxActions }),
  });
}
