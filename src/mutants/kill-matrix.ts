/**
 * The kill matrix: every catalog mutant against every family that applies to it (or only the family
 * meant for it), each cell under the same budget and seed, and the totals the issue sets targets for.
 * A library function, so that `npm run mutants`, `xlatcheck mutants` and the quick test share it.
 */
import type { Mutant } from '../../models/mutants/index.ts';
import type { AnyFamily } from '../properties/family.ts';
import { type CellBudget, type CellResult, runCell } from './run-cell.ts';
import type { MutantRow } from './mutant-row.ts';
import { type MatrixTotals, matrixTotals } from './totals.ts';

export type { MutantRow } from './mutant-row.ts';

export type MatrixScope = 'matrix' | 'intended';

export interface KillMatrixOptions {
  /** The budget of the cell of the family meant for each mutant. */
  readonly budget: CellBudget;
  /**
   * Time budget of the other cells: they show which other families catch a mutant, and a lower cap keeps
   * the slow space-level families from stretching a full matrix to hours.
   */
  readonly otherTimeLimitMs: number;
  /** Every applicable family, or only the one each mutant names. */
  readonly scope: MatrixScope;
  readonly mutants: readonly Mutant[];
  readonly families: readonly AnyFamily[];
}

export interface KillMatrixProgress {
  mutantStarted?(index: number, total: number, mutant: Mutant): void;
  /** A family starts on the mutant: the `index`th of the `count` that run on it. */
  cellStarted?(mutant: Mutant, family: string, index: number, count: number): void;
  cellDone?(mutant: Mutant, cell: CellResult): void;
  mutantDone?(index: number, total: number, row: MutantRow): void;
}

export interface KillMatrix {
  readonly seed: number;
  readonly runs: number;
  readonly timeLimitMs: number;
  readonly otherTimeLimitMs: number;
  readonly scope: MatrixScope;
  readonly families: readonly string[];
  readonly rows: readonly MutantRow[];
  readonly totals: MatrixTotals;
}

function familiesFor(mutant: Mutant, options: KillMatrixOptions): (AnyFamily | null)[] {
  return options.families.map((family) => {
    if (!family.applies(mutant)) return null;
    if (options.scope === 'intended' && family.name !== mutant.family) return null;
    return family;
  });
}

/** The deciding cell of a row (see MutantRow.killer). */
export function decidingCell(mutant: Pick<Mutant, 'family'>, cells: readonly (CellResult | null)[]): CellResult | null {
  const killers = cells.filter((c): c is CellResult => c !== null && c.killed);
  const intended = killers.find((c) => c.family === mutant.family);
  if (intended !== undefined) return intended;
  return killers.reduce<CellResult | null>((best, c) => (best === null || (c.timeToKillMs ?? Infinity) < (best.timeToKillMs ?? Infinity) ? c : best), null);
}

export function mutantRow(mutant: Mutant, cells: readonly (CellResult | null)[]): MutantRow {
  const deciding = decidingCell(mutant, cells);
  return {
    name: mutant.name,
    layer: mutant.layer,
    description: mutant.description,
    family: mutant.family,
    equivalent: mutant.equivalent,
    cells,
    killed: deciding !== null,
    killedByIntended: cells.some((c) => c !== null && c.killed && c.family === mutant.family),
    killer: deciding?.family ?? null,
    runsToKill: deciding?.runs ?? null,
    timeToKillMs: deciding?.timeToKillMs ?? null,
    shrunk: deciding?.shrunk ?? null,
    stepsNeeded: deciding?.stepsNeeded ?? null,
  };
}

/** Runs one mutant against its families, one cell after the other (the clock measures each alone). */
export async function runMutant(mutant: Mutant, options: KillMatrixOptions, progress: KillMatrixProgress = {}): Promise<MutantRow> {
  const cells: (CellResult | null)[] = [];
  const families = familiesFor(mutant, options);
  const count = families.filter((f) => f !== null).length;
  for (const family of families) {
    if (family === null) {
      cells.push(null);
      continue;
    }
    progress.cellStarted?.(mutant, family.name, cells.filter((c) => c !== null).length, count);
    const timeLimitMs = family.name === mutant.family ? options.budget.timeLimitMs : Math.min(options.budget.timeLimitMs, options.otherTimeLimitMs);
    const budget = { ...options.budget, timeLimitMs };
    const cell = await runCell(family, mutant, budget);
    progress.cellDone?.(mutant, cell);
    cells.push(cell);
  }
  return mutantRow(mutant, cells);
}

export async function runKillMatrix(options: KillMatrixOptions, progress: KillMatrixProgress = {}): Promise<KillMatrix> {
  const rows: MutantRow[] = [];
  for (const [index, mutant] of options.mutants.entries()) {
    progress.mutantStarted?.(index, options.mutants.length, mutant);
    const row = await runMutant(mutant, options, progress);
    progress.mutantDone?.(index, options.mutants.length, row);
    rows.push(row);
  }
  return {
    seed: options.budget.seed,
    runs: options.budget.runs,
    timeLimitMs: options.budget.timeLimitMs,
    otherTimeLimitMs: options.otherTimeLimitMs,
    scope: options.scope,
    families: options.families.map((f) => f.name),
    rows,
    totals: matrixTotals(rows),
  };
}
