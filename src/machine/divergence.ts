/**
 * A departure of a machine from the walk-level specification, as a value: where, what the machine said,
 * what the specification allows, the walks behind it, and a readable account.
 */
import type { Hex64 } from '../arch/word.ts';
import type { WalkTrace } from '../spec/outcome.ts';
import type { Observation } from './observation.ts';
import type { Step } from './trace.ts';

export interface MemoryDifference {
  readonly pa: number;
  readonly expected: Hex64;
  readonly observed: Hex64;
  /** Bits the machine was free to set or not. */
  readonly uncertain: Hex64;
}

export type DivergenceKind = 'observation' | 'final-memory' | 'malformed-result' | 'machine-error';

export interface Divergence {
  readonly kind: DivergenceKind;
  /** The step at which the machine departed from the specification; null for final memory. */
  readonly stepIndex: number | null;
  readonly step: Step | null;
  readonly observed: Observation | null;
  readonly allowed: readonly Observation[];
  /** The walks behind the allowed outcomes, for explaining the divergence. */
  readonly walks: readonly WalkTrace[];
  readonly memory: readonly MemoryDifference[];
  /** A readable account of the divergence, several lines. */
  readonly explanation: string;
}

