/**
 * fast-check arbitraries for the walk-level properties: mapping sets, their encoding into PAE page
 * tables, malformed entries, address streams, and the four trace families (translation, TLB coherence,
 * faults, big memory); besides them, 32-bit paging traces (paging-32-trace.ts) and two-stage traces
 * (two-stage-trace.ts). Every trace is generated as a structured scenario (roots, mappings, actions that
 * name mappings by index) and encoded with `.map`, so shrinking works on the structure and ends at few
 * mappings, few steps, 4 KiB pages, low addresses, supervisor mode and no edits.
 *
 * Generated traces satisfy the trace format (src/machine/trace.ts): words sorted, unique, 8-byte aligned,
 * non-zero and below 2^maxPhyAddr; PDPTs below 4 GiB; CR4.PAE = 1 in every CR4 value; data frames never
 * inside the page-table pools. Generation is deterministic in the fast-check seed.
 */
import type fc from 'fast-check';
import type { Trace } from '../machine/trace.ts';
import { type BigMemoryTraceConstraints, bigMemoryTraceArbitrary } from './big-memory-trace.ts';
import { type FaultTraceConstraints, faultTraceArbitrary } from './fault-trace.ts';
import { type TlbCoherenceTraceConstraints, tlbCoherenceTraceArbitrary } from './tlb-coherence-trace.ts';
import { type TranslationTraceConstraints, translationTraceArbitrary } from './translation-trace.ts';

export {
  type AccessOp,
  type AccessSpec,
  type AddressStream,
  type AddressStreamConstraints,
  type AddressTarget,
  type AddressView,
  addressStreamArbitrary,
  type ResolvedAccess,
  resolveAccess,
  resolveTarget,
  type TargetKind,
} from './address-stream.ts';
export { type BigMemoryTraceConstraints, bigMemoryTraceArbitrary } from './big-memory-trace.ts';
export { type FaultTraceConstraints, faultTraceArbitrary } from './fault-trace.ts';
export {
  applyDefect,
  DEFECT_KINDS,
  type DefectEffect,
  type DefectKind,
  ENTRY_LEVELS,
  type EntryDefect,
  type EntryLevel,
  type MalformedEntry,
  type MalformedEntryConstraints,
  malformedEntryArbitrary,
} from './malformed.ts';
export {
  type Mapping,
  type MappingFlag,
  type MappingSet,
  type MappingSetConstraints,
  mappingAt,
  mappingSetArbitrary,
  PAGE_BYTES,
  type PageSize,
  type PageTableRoot,
  type TablePlacement,
} from './mappings.ts';
export { type EncodedMapping, type EncodedPageTables, type EncodedRoot, encodePageTables } from './page-table-encoder.ts';
export { type Paging32TraceConstraints, paging32TraceArbitrary } from './paging-32-trace.ts';
export { type TlbCoherenceTraceConstraints, tlbCoherenceTraceArbitrary } from './tlb-coherence-trace.ts';
export type { InitialChoice, TraceConstraints } from './trace-constraints.ts';
export { type TranslationTraceConstraints, translationTraceArbitrary } from './translation-trace.ts';
export { type TwoStageTraceConstraints, twoStageTraceArbitrary } from './two-stage-trace.ts';

export type WalkFamilyName = 'translation' | 'tlb-coherence' | 'faults' | 'big-memory';

/** Constraints accepted by every family (the faults family accepts more: FaultTraceConstraints). */
export type FamilyTraceConstraints = TranslationTraceConstraints &
  TlbCoherenceTraceConstraints &
  FaultTraceConstraints &
  BigMemoryTraceConstraints;

/** The trace arbitrary of each walk-level family, by name. */
export const familyTraceArbitraries: Readonly<Record<WalkFamilyName, (constraints?: FamilyTraceConstraints) => fc.Arbitrary<Trace>>> = {
  translation: (c) => translationTraceArbitrary(c),
  'tlb-coherence': (c) => tlbCoherenceTraceArbitrary(c),
  faults: (c) => faultTraceArbitrary(c),
  'big-memory': (c) => bigMemoryTraceArbitrary(c),
};
