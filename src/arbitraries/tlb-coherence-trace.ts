/**
 * TLB-coherence traces: accesses that fill the TLB, then page-table edits (remap, R/W and U/S changes,
 * P cleared, a page table swapped for a 2 MiB page and back) with the invalidation the architecture
 * requires, with a different one (INVLPG of another 4 KiB page of the same 2 MiB region), or with none;
 * then the edited page accessed again, several times. CR3 reloads of the same and of other roots,
 * global pages with CR4.PGE = 1 across CR3 writes, paging turned off and on.
 *
 * What it is built to catch: a TLB that ignores INVLPG and a MOV to CR3 that keeps non-global entries
 * (access X, remap X's PTE to a new frame, INVLPG X or MOV to CR3, access X again: every frame holds
 * different data, so the stale frame shows).
 */
import type fc from 'fast-check';
import type { Trace } from '../machine/trace.ts';
import { type FamilyEmphasis, familySetup, familyTraceArbitrary } from './_internals/family.ts';
import type { TraceConstraints } from './trace-constraints.ts';

export type TlbCoherenceTraceConstraints = TraceConstraints;

const EMPHASIS: FamilyEmphasis = {
  mappings: {
    pageSizeWeights: { '4k': 3, '2m': 1 },
    flagPercent: { writable: 80, user: 40, global: 40, executeDisable: 15, accessed: 15, dirty: 10 },
  },
  accesses: { opWeights: { load: 4, store: 2, fetch: 1 }, userPercent: 30 },
  actions: {
    access: 4,
    invlpg: 1,
    'switch-root': 2,
    'toggle-pge': 1,
    'toggle-paging': 1,
    'paging-cycle': 1,
    'alias-check': 1,
    'global-check': 3,
    edit: 8,
  },
  edits: { remap: 5, 'flip-writable': 2, 'flip-user': 1, 'flip-global': 1, 'clear-present': 2, 'swap-size': 2 },
  invalidations: { invlpg: 3, 'mov-cr3': 2, 'invlpg-other-in-2m': 1, 'paging-cycle': 1, none: 3 },
  pagingOn: [1, 3],
  nxe: [1, 1],
  wp: [1, 1],
  pge: [1, 1],
  keepXdWithoutNxe: false,
};

export function tlbCoherenceTraceArbitrary(constraints: TlbCoherenceTraceConstraints = {}): fc.Arbitrary<Trace> {
  return familyTraceArbitrary(familySetup('tlbCoherenceTraceArbitrary', constraints, EMPHASIS));
}
