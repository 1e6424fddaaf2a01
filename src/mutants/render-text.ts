/**
 * The kill matrix as a text table for a terminal: one row per mutant, one column per family, then the
 * deciding cell's runs, time and shrunk size, then the totals against the targets.
 *
 *   K  killed        .  survived the budget        -  family does not apply (or not run)
 *   *  after a mark: the family meant to catch the mutant
 */
import type { CellResult } from './run-cell.ts';
import type { KillMatrix, MutantRow } from './kill-matrix.ts';
import { type TargetCheck, TARGETS } from './totals.ts';

export function formatMs(ms: number | null): string {
  if (ms === null) return '-';
  if (ms < 1000) return `${ms.toFixed(0)} ms`;
  return `${(ms / 1000).toFixed(2)} s`;
}

function mark(cell: CellResult | null, intended: boolean): string {
  const base = cell === null ? '-' : cell.killed ? 'K' : '.';
  return intended ? `${base}*` : base;
}

function pad(text: string, width: number): string {
  return text.length >= width ? text : text + ' '.repeat(width - text.length);
}

function padLeft(text: string, width: number): string {
  return text.length >= width ? text : ' '.repeat(width - text.length) + text;
}

function shortName(name: string): string {
  return name.replace(/^mutant:/, '');
}

function rowLine(row: MutantRow, families: readonly string[], nameWidth: number, widths: readonly number[]): string {
  const cells = families.map((f, i) => pad(mark(row.cells[i] ?? null, f === row.family), widths[i]!));
  const status = row.equivalent !== null ? (row.killed ? 'EQUIVALENT, yet killed' : 'equivalent') : row.killed ? (row.killer ?? '') : 'SURVIVED';
  const runs = row.runsToKill === null ? '-' : String(row.runsToKill);
  const size = row.shrunk === null ? '-' : `${row.shrunk.steps}/${row.shrunk.mappings}`;
  const needed = row.stepsNeeded === null ? '' : ` (${row.stepsNeeded})`;
  return [pad(shortName(row.name), nameWidth), pad(row.layer, 7), ...cells, pad(status, 22), padLeft(runs, 6), padLeft(formatMs(row.timeToKillMs), 9), padLeft(size, 6) + needed].join(' ');
}

function percent(value: number | null): string {
  return value === null ? '-' : `${(value * 100).toFixed(1)}%`;
}

function verdict(check: TargetCheck): string {
  return check.met ? 'met' : 'MISSED';
}

export function totalsLines(m: KillMatrix): string[] {
  const t = m.totals;
  return [
    'totals',
    `  mutants                ${t.mutants} (${t.equivalent} equivalent, ${t.nonEquivalent} counted)`,
    `  mutation score         ${t.killed}/${t.nonEquivalent} = ${percent(t.score.value)}   target ${percent(TARGETS.score)}: ${verdict(t.score)}`,
    `  killed by intended     ${t.killedByIntended}/${t.nonEquivalent}`,
    `  median time to kill    ${formatMs(t.medianTimeToKillMs.value)}   target <= ${formatMs(TARGETS.medianTimeToKillMs)}: ${verdict(t.medianTimeToKillMs)}`,
    `  worst time to kill     ${formatMs(t.worstTimeToKillMs.value)}   target <= ${formatMs(TARGETS.worstTimeToKillMs)}: ${verdict(t.worstTimeToKillMs)}`,
    `  shrunk <= ${TARGETS.shortSteps} steps       ${t.shortCounterexamples}/${t.killed} = ${percent(t.shortShare.value)}   target >= ${percent(TARGETS.shortShare)}: ${verdict(t.shortShare)}`,
    `  (after step deletion   ${t.shortAfterDeletion}/${t.killed}: what a shrinker that could delete any step would reach)`,
    ...(t.survivors.length > 0 ? [`  survivors (gaps in the harness): ${t.survivors.map(shortName).join(', ')}`] : []),
    ...(t.equivalentKilled.length > 0 ? [`  equivalent yet killed (check the mutant or the specification): ${t.equivalentKilled.map(shortName).join(', ')}`] : []),
  ];
}

export function renderText(m: KillMatrix): string {
  const nameWidth = Math.max(6, ...m.rows.map((r) => shortName(r.name).length));
  const widths = m.families.map((f) => Math.max(f.length, 2));
  const header = [pad('mutant', nameWidth), pad('layer', 7), ...m.families.map((f, i) => pad(f, widths[i]!)), pad('killed by', 22), padLeft('runs', 6), padLeft('time', 9), padLeft('size', 6)].join(' ');
  return [
    `mutant kill matrix: ${m.rows.length} mutants x ${m.families.length} families, seed ${m.seed}, budget ${m.runs} runs and ${formatMs(m.timeLimitMs)} per cell (${formatMs(m.otherTimeLimitMs)} for families other than the intended one) (${m.scope === 'intended' ? 'intended family only' : 'every applicable family'})`,
    '',
    header,
    '-'.repeat(header.length),
    ...m.rows.map((r) => rowLine(r, m.families, nameWidth, widths)),
    '',
    'K killed, . survived the budget, - not applicable or not run, * the family meant to catch the mutant;',
    'runs and time to the first failure of the deciding family; size = steps/mappings of its shrunk counterexample,',
    'and in parentheses the steps left after deleting every step the failure does not need (a diagnostic of the shrinker)',
    '',
    ...totalsLines(m),
    '',
  ].join('\n');
}
