/**
 * What one step may do, as data: the observation a machine must report and the effects on the
 * specification's state. A step has one outcome where the architecture is deterministic, several where it
 * leaves a choice (a stale translation may or may not be used).
 */
import type { Observation } from '../machine/observation.ts';
import type { Registers } from '../machine/trace.ts';
import type { Invalidation } from './invalidation.ts';
import type { EntryRead } from './walk.ts';

export interface BitUpdate {
  readonly pa: number;
  readonly bits: bigint;
}

export interface Effects {
  /** Accessed/dirty bits the walk must set (SDM 4.8). */
  readonly setBits: readonly BitUpdate[];
  /** Accessed/dirty bits the processor may or may not have set. */
  readonly maySet: readonly BitUpdate[];
  /** Bytes written to physical memory (a store, or a physical write). */
  readonly writes: { readonly pas: readonly number[]; readonly bytes: readonly number[] } | null;
  readonly invalidations: readonly Invalidation[];
  /** New registers, and PDPTE registers if the step loaded them. */
  readonly registers: Registers | null;
  readonly pdptes: { readonly pdptes: readonly bigint[]; readonly address: number } | null;
  /** A second-stage mapping changed: intermediate frame -> physical frame. */
  readonly stage2: { readonly ipa: number; readonly pa: number } | null;
}

export const NO_EFFECTS: Effects = { setBits: [], maySet: [], writes: null, invalidations: [], registers: null, pdptes: null, stage2: null };

/**
 * Effects of a step that changes registers, memory or the second stage rather than accessing memory: an
 * object literal in full (a spread of NO_EFFECTS copies slowly, and steps run by the million).
 */
export function controlEffects(parts: {
  readonly registers?: Registers;
  readonly invalidations?: readonly Invalidation[];
  readonly pdptes?: Effects['pdptes'];
  readonly writes?: Effects['writes'];
  readonly stage2?: Effects['stage2'];
}): Effects {
  return {
    setBits: [],
    maySet: [],
    writes: parts.writes ?? null,
    invalidations: parts.invalidations ?? [],
    registers: parts.registers ?? null,
    pdptes: parts.pdptes ?? null,
    stage2: parts.stage2 ?? null,
  };
}

/** One walk the specification took, for explanations: which address, which translation source, which entries. */
export interface WalkTrace {
  readonly va: number;
  readonly source: 'fresh' | 'stale';
  readonly entries: readonly EntryRead[];
  /** The rule that decided the result, e.g. the permission rule that denied the access. */
  readonly verdict: string;
}

/** Facts about an outcome that domain coverage counts (page size, TLB outcome, fault kind, ...). */
export interface OutcomeTags {
  readonly pageSize: '4K' | '2M' | '4M' | 'none';
  readonly tlb: 'fresh' | 'stale-allowed' | 'none';
  readonly fault: 'none' | 'not-present' | 'reserved' | 'protection' | 'general-protection';
  readonly space: 'direct' | 'paged';
  readonly access: 'load' | 'store' | 'fetch' | 'control';
}

export interface Outcome {
  readonly observation: Observation;
  readonly effects: Effects;
  /** Physical bytes the step read as data (a load's or fetch's); walks read paging structures only. */
  readonly reads: readonly number[];
  readonly walks: readonly WalkTrace[];
  readonly tags: OutcomeTags;
}
