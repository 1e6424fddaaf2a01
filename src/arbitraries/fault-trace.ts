/**
 * Fault traces: page-fault error codes and CR2 for not-present entries at each level, writes to
 * read-only pages with CR0.WP on and off, user accesses to supervisor pages, reserved bits at each level
 * (a bad PDPTE raises #GP at the MOV that loads it), XD pages fetched with NXE on (and XD as a reserved
 * bit with NXE off), and accesses straddling into a page that faults.
 *
 * Malformed entries come both in the initial image and as physical writes mid-trace followed by an
 * invalidation. A bad PDPTE is never placed in the root paging starts with when paging starts on (the
 * fault would happen before any step); it becomes a not-present PDPTE there instead.
 */
import type fc from 'fast-check';
import type { Trace } from '../machine/trace.ts';
import { requireIntegerIn } from './_internals/constraints.ts';
import { type FamilyEmphasis, familySetup, familyTraceArbitrary } from './_internals/family.ts';
import type { TraceConstraints } from './trace-constraints.ts';

export interface FaultTraceConstraints extends TraceConstraints {
  /** Most malformed entries in the initial memory image, 0 to 16. Default 3. */
  readonly maxInitialDefects?: number;
}

const EMPHASIS: FamilyEmphasis = {
  mappings: {
    pageSizeWeights: { '4k': 2, '2m': 1 },
    flagPercent: { writable: 50, user: 50, global: 20, executeDisable: 40, accessed: 15, dirty: 10 },
  },
  accesses: {
    opWeights: { load: 3, store: 3, fetch: 2 },
    userPercent: 50,
    targetWeights: { 'in-page': 3, 'page-edge': 2, straddle: 3, hot: 1, uniform: 2 },
  },
  actions: {
    access: 8,
    invlpg: 1,
    'switch-root': 1,
    'toggle-wp': 2,
    'toggle-paging': 1,
    'wp-check': 2,
    edit: 5,
  },
  edits: { 'flip-writable': 2, 'flip-user': 2, 'flip-xd': 1, 'clear-present': 3, 'swap-size': 1, defect: 4 },
  invalidations: { invlpg: 3, 'mov-cr3': 2, 'paging-cycle': 1, none: 1 },
  defectKinds: { 'not-present': 1, 'reserved-bit': 2, 'address-above-maxphyaddr': 2, 'xd-without-nxe': 1 },
  pagingOn: [1, 2],
  nxe: [1, 1],
  wp: [1, 1],
  pge: [2, 1],
  keepXdWithoutNxe: true,
};

const BUILDER = 'faultTraceArbitrary';

export function faultTraceArbitrary(constraints: FaultTraceConstraints = {}): fc.Arbitrary<Trace> {
  const maxInitialDefects = requireIntegerIn(BUILDER, 'maxInitialDefects', constraints.maxInitialDefects ?? 3, 0, 16);
  return familyTraceArbitrary(familySetup(BUILDER, constraints, EMPHASIS, maxInitialDefects));
}
