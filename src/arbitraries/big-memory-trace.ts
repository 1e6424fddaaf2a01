/**
 * Big-memory traces: MAXPHYADDR from 36 to 52 (drawn near the top more often), frames just above 4 GiB
 * and up to the top of 2^MAXPHYADDR, 4 KiB and 2 MiB, page tables above 4 GiB too; stores and loads that
 * must reach exactly those frames: a store through one mapping read back through an alias, and pairs of
 * frames whose addresses differ only at or above bit 32 (store to one, load the other, load the first).
 */
import type fc from 'fast-check';
import type { Trace } from '../machine/trace.ts';
import { type FamilyEmphasis, familySetup, familyTraceArbitrary } from './_internals/family.ts';
import type { TraceConstraints } from './trace-constraints.ts';

export type BigMemoryTraceConstraints = TraceConstraints;

const HIGH_FRAMES = { low: 1, 'below-4g': 1, 'above-4g': 4, top: 4, anywhere: 2, alias: 2, twin: 4 } as const;

const EMPHASIS: FamilyEmphasis = {
  mappings: {
    preferHighMaxPhyAddr: true,
    pageSizeWeights: { '4k': 2, '2m': 1 },
    frameWeights: HIGH_FRAMES,
    flagPercent: { writable: 90, user: 30, global: 15, executeDisable: 10, accessed: 15, dirty: 10 },
    tablePlacements: ['low', 'high', 'mixed'],
  },
  accesses: { opWeights: { load: 4, store: 3, fetch: 1 }, userPercent: 20 },
  actions: {
    access: 6,
    'switch-root': 1,
    'alias-check': 4,
    'pair-check': 4,
    edit: 2,
  },
  edits: { remap: 1 },
  editFrames: HIGH_FRAMES,
  invalidations: { invlpg: 2, 'mov-cr3': 1 },
  pagingOn: [1, 3],
  nxe: [1, 1],
  wp: [1, 1],
  pge: [2, 1],
  keepXdWithoutNxe: false,
};

export function bigMemoryTraceArbitrary(constraints: BigMemoryTraceConstraints = {}): fc.Arbitrary<Trace> {
  return familyTraceArbitrary(familySetup('bigMemoryTraceArbitrary', constraints, EMPHASIS));
}
