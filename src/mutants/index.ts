/**
 * The mutant benchmark: runs the seeded-fault catalog (models/mutants) against the property families
 * and measures the harness's bug-finding power as a kill matrix (mutant x family) with totals against
 * the targets. `mutantsCommand` is what `xlatcheck mutants` (and so `npm run mutants`) calls;
 * `runKillMatrix` is the library function behind it.
 */
export { type CaseSize, caseSize, traceMappings } from './case-size.ts';
export { benchmarkFamilies } from './families.ts';
export {
  decidingCell,
  type KillMatrix,
  type KillMatrixOptions,
  type KillMatrixProgress,
  type MatrixScope,
  type MutantRow,
  mutantRow,
  runKillMatrix,
  runMutant,
} from './kill-matrix.ts';
export { DEFAULT_CELL_RUNS, DEFAULT_INTENDED_BUDGET, DEFAULT_OTHER_BUDGET, DEFAULT_OUT, mutantsCommand, mutantsOptions, writeMatrixReports } from './mutants-command.ts';
export { matrixProgress } from './progress.ts';
export { renderHtml } from './render-html.ts';
export { KILL_MATRIX_FORMAT, KILL_MATRIX_VERSION, renderJson } from './render-json.ts';
export { renderText } from './render-text.ts';
export { type CellBudget, type CellResult, runCell } from './run-cell.ts';
export { type MatrixTotals, matrixTotals, median, TARGETS, type TargetCheck } from './totals.ts';
export { stepsAfterDeletion } from './step-deletion.ts';
