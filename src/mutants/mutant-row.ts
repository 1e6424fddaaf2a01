/**
 * One row of the kill matrix: a mutant, its cell per family, and the deciding cell's figures. Apart from
 * kill-matrix.ts so that the totals can read rows without importing the runner that builds them.
 */
import type { CaseSize } from './case-size.ts';
import type { CellResult } from './run-cell.ts';

export interface MutantRow {
  readonly name: string;
  readonly layer: string;
  readonly description: string;
  /** The family meant to catch the mutant. */
  readonly family: string;
  readonly equivalent: string | null;
  /** One cell per family of the matrix, in the matrix's family order; null where the family does not apply. */
  readonly cells: readonly (CellResult | null)[];
  readonly killed: boolean;
  readonly killedByIntended: boolean;
  /**
   * The cell that counts for the totals: the intended family's when it killed the mutant, else the
   * family that killed it fastest; null when nothing did.
   */
  readonly killer: string | null;
  readonly runsToKill: number | null;
  readonly timeToKillMs: number | null;
  readonly shrunk: CaseSize | null;
  /** The deciding cell's steps after step deletion (a diagnostic of the shrinker). */
  readonly stepsNeeded: number | null;
}
