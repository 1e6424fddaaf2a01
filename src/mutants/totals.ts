/**
 * The totals of a kill matrix and the targets for them: every non-equivalent mutant killed,
 * median time to kill at most 1 s, worst at most 30 s, at least 90% of shrunk counterexamples at most 6
 * steps long. Counted over the deciding cell of each non-equivalent mutant (kill-matrix.ts).
 */
import type { MutantRow } from './mutant-row.ts';

export const TARGETS = {
  /** Killed / non-equivalent. */
  score: 1,
  medianTimeToKillMs: 1000,
  worstTimeToKillMs: 30_000,
  shortSteps: 6,
  /** Share of shrunk counterexamples with at most `shortSteps` steps. */
  shortShare: 0.9,
} as const;

export interface TargetCheck {
  readonly value: number | null;
  readonly target: number;
  readonly met: boolean;
}

export interface MatrixTotals {
  readonly mutants: number;
  readonly equivalent: number;
  readonly nonEquivalent: number;
  /** Non-equivalent mutants some family killed. */
  readonly killed: number;
  /** Non-equivalent mutants the family meant for them killed. */
  readonly killedByIntended: number;
  /** Non-equivalent mutants nothing killed: gaps in the harness. */
  readonly survivors: readonly string[];
  /** Equivalent mutants that a family nevertheless killed: the mutant is not equivalent, or the specification is too strict. */
  readonly equivalentKilled: readonly string[];
  readonly score: TargetCheck;
  readonly medianTimeToKillMs: TargetCheck;
  readonly worstTimeToKillMs: TargetCheck;
  /** Killed mutants whose shrunk counterexample has at most TARGETS.shortSteps steps. */
  readonly shortCounterexamples: number;
  readonly shortShare: TargetCheck;
  /**
   * Diagnostic, not a target: killed mutants whose counterexample would have at most TARGETS.shortSteps
   * steps if the shrinker deleted every step the failure does not need (step-deletion.ts).
   */
  readonly shortAfterDeletion: number;
}

export function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

function atMost(value: number | null, target: number): TargetCheck {
  return { value, target, met: value !== null && value <= target };
}

function atLeast(value: number | null, target: number): TargetCheck {
  return { value, target, met: value !== null && value >= target };
}

export function matrixTotals(rows: readonly MutantRow[]): MatrixTotals {
  const counted = rows.filter((r) => r.equivalent === null);
  const killed = counted.filter((r) => r.killed);
  const times = killed.map((r) => r.timeToKillMs ?? 0);
  const short = killed.filter((r) => r.shrunk !== null && r.shrunk.steps <= TARGETS.shortSteps).length;
  return {
    mutants: rows.length,
    equivalent: rows.length - counted.length,
    nonEquivalent: counted.length,
    killed: killed.length,
    killedByIntended: counted.filter((r) => r.killedByIntended).length,
    survivors: counted.filter((r) => !r.killed).map((r) => r.name),
    equivalentKilled: rows.filter((r) => r.equivalent !== null && r.killed).map((r) => r.name),
    score: atLeast(counted.length === 0 ? null : killed.length / counted.length, TARGETS.score),
    medianTimeToKillMs: atMost(median(times), TARGETS.medianTimeToKillMs),
    worstTimeToKillMs: atMost(times.length === 0 ? null : Math.max(...times), TARGETS.worstTimeToKillMs),
    shortCounterexamples: short,
    shortShare: atLeast(killed.length === 0 ? null : short / killed.length, TARGETS.shortShare),
    shortAfterDeletion: killed.filter((r) => (r.stepsNeeded ?? r.shrunk?.steps ?? Infinity) <= TARGETS.shortSteps).length,
  };
}
