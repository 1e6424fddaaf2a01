/**
 * Translation traces: every load, store and fetch through random mappings of mixed page sizes, frames
 * anywhere (above 4 GiB included), address streams of every shape. Few edits, each properly invalidated,
 * so nearly every outcome is a single architectural answer.
 *
 * What it is built to catch: a 2 MiB offset mask one bit short (2 MiB pages are probed at offsets with
 * bit 20 set), physical addresses truncated to 32 bits (frames above 4 GiB, twins differing only above
 * bit 32, stores read back through an alias or after a CR3 switch), and missing accessed/dirty updates
 * (A/D are mostly preset clear and the final memory is compared).
 */
import type fc from 'fast-check';
import type { Trace } from '../machine/trace.ts';
import { type FamilyEmphasis, familySetup, familyTraceArbitrary } from './_internals/family.ts';
import type { TraceConstraints } from './trace-constraints.ts';

export type TranslationTraceConstraints = TraceConstraints;

const EMPHASIS: FamilyEmphasis = {
  mappings: {
    pageSizeWeights: { '4k': 2, '2m': 1 },
    flagPercent: { writable: 80, user: 50, global: 20, executeDisable: 20, accessed: 15, dirty: 10 },
  },
  accesses: { opWeights: { load: 4, store: 3, fetch: 2 }, userPercent: 40 },
  actions: {
    access: 12,
    invlpg: 1,
    'switch-root': 2,
    'toggle-wp': 1,
    'toggle-pge': 1,
    'toggle-paging': 1,
    'paging-cycle': 1,
    'alias-check': 4,
    'pair-check': 1,
    edit: 1,
  },
  edits: { remap: 3, 'flip-writable': 1, 'flip-user': 1 },
  invalidations: { invlpg: 2, 'mov-cr3': 1 },
  pagingOn: [1, 3],
  nxe: [1, 1],
  wp: [1, 1],
  pge: [2, 1],
  keepXdWithoutNxe: false,
};

export function translationTraceArbitrary(constraints: TranslationTraceConstraints = {}): fc.Arbitrary<Trace> {
  return familyTraceArbitrary(familySetup('translationTraceArbitrary', constraints, EMPHASIS));
}
