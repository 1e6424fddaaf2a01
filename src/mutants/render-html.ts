/**
 * The kill matrix as a self-contained HTML page for people (inline CSS, no script, no network): the
 * totals against the targets, the matrix with one coloured cell per mutant and family, and per mutant its
 * description, why it is equivalent if it is, and the shrunk counterexample of each family that killed it.
 */
import type { CellResult } from './run-cell.ts';
import type { KillMatrix, MutantRow } from './kill-matrix.ts';
import { formatMs } from './render-text.ts';
import { type TargetCheck, TARGETS } from './totals.ts';

const CSS = `
body { font: 14px/1.45 system-ui, sans-serif; margin: 2em; color: #1d232a; }
h1 { font-size: 1.4em; } h2 { font-size: 1.15em; margin-top: 2em; }
table { border-collapse: collapse; }
th, td { border: 1px solid #d0d7de; padding: 3px 8px; text-align: left; vertical-align: top; }
th { background: #f3f5f7; }
td.k { background: #c9efd2; text-align: center; } td.s { background: #ffd9d6; text-align: center; }
td.na { color: #9aa4ad; text-align: center; } td.intended { outline: 2px solid #2f6fd0; outline-offset: -2px; }
.met { color: #19692c; font-weight: 600; } .missed { color: #b3261e; font-weight: 600; }
.eq { color: #6c5a00; } .num { text-align: right; font-variant-numeric: tabular-nums; }
pre { background: #f6f8fa; padding: 0.6em; overflow-x: auto; font-size: 12px; }
details { margin: 0.3em 0 0.8em; } summary { cursor: pointer; }
`;

export function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

function shortName(name: string): string {
  return name.replace(/^mutant:/, '');
}

function percent(value: number | null): string {
  return value === null ? '-' : `${(value * 100).toFixed(1)}%`;
}

function targetRow(label: string, value: string, target: string, check: TargetCheck): string {
  const cls = check.met ? 'met' : 'missed';
  return `<tr><th>${label}</th><td class="num">${value}</td><td>${target}</td><td class="${cls}">${check.met ? 'met' : 'missed'}</td></tr>`;
}

function totalsTable(m: KillMatrix): string {
  const t = m.totals;
  return [
    '<table>',
    '<tr><th></th><th>value</th><th>target</th><th></th></tr>',
    targetRow('mutation score', `${t.killed}/${t.nonEquivalent} = ${percent(t.score.value)}`, 'every non-equivalent mutant killed', t.score),
    targetRow('median time to kill', formatMs(t.medianTimeToKillMs.value), `&le; ${formatMs(TARGETS.medianTimeToKillMs)}`, t.medianTimeToKillMs),
    targetRow('worst time to kill', formatMs(t.worstTimeToKillMs.value), `&le; ${formatMs(TARGETS.worstTimeToKillMs)}`, t.worstTimeToKillMs),
    targetRow(`shrunk to &le; ${TARGETS.shortSteps} steps`, `${t.shortCounterexamples}/${t.killed} = ${percent(t.shortShare.value)}`, `&ge; ${percent(TARGETS.shortShare)}`, t.shortShare),
    `<tr><th>&le; ${TARGETS.shortSteps} steps after step deletion</th><td class="num">${t.shortAfterDeletion}/${t.killed}</td><td>diagnostic of the shrinker</td><td></td></tr>`,
    `<tr><th>killed by the intended family</th><td class="num">${t.killedByIntended}/${t.nonEquivalent}</td><td></td><td></td></tr>`,
    `<tr><th>equivalent mutants</th><td class="num">${t.equivalent}</td><td>not counted</td><td></td></tr>`,
    '</table>',
    t.survivors.length === 0 ? '' : `<p class="missed">Survivors (gaps in the harness): ${t.survivors.map((s) => escapeHtml(shortName(s))).join(', ')}</p>`,
    t.equivalentKilled.length === 0 ? '' : `<p class="missed">Marked equivalent, yet killed: ${t.equivalentKilled.map((s) => escapeHtml(shortName(s))).join(', ')}</p>`,
  ].join('\n');
}

function cellHtml(cell: CellResult | null, intended: boolean): string {
  const extra = intended ? ' intended' : '';
  if (cell === null) return `<td class="na${extra}">&ndash;</td>`;
  if (!cell.killed) return `<td class="s${extra}" title="survived ${cell.runs} runs">survived</td>`;
  const size = cell.shrunk === null ? '' : ` &middot; ${cell.shrunk.steps}/${cell.shrunk.mappings}`;
  return `<td class="k${extra}" title="${escapeHtml(cell.divergence?.signature ?? '')}">${cell.runs}r &middot; ${formatMs(cell.timeToKillMs)}${size}</td>`;
}

function matrixTable(m: KillMatrix): string {
  const head = `<tr><th>mutant</th><th>layer</th>${m.families.map((f) => `<th>${escapeHtml(f)}</th>`).join('')}<th>deciding</th></tr>`;
  const rows = m.rows.map((r) => {
    const cells = m.families.map((f, i) => cellHtml(r.cells[i] ?? null, f === r.family)).join('');
    const status = r.equivalent !== null ? `<span class="eq">equivalent</span>` : r.killed ? escapeHtml(r.killer ?? '') : '<span class="missed">SURVIVED</span>';
    return `<tr><td><a href="#${escapeHtml(shortName(r.name))}">${escapeHtml(shortName(r.name))}</a></td><td>${r.layer}</td>${cells}<td>${status}</td></tr>`;
  });
  return ['<table>', head, ...rows, '</table>'].join('\n');
}

function mutantSection(r: MutantRow): string {
  const killers = r.cells.filter((c): c is CellResult => c !== null && c.killed);
  return [
    `<h3 id="${escapeHtml(shortName(r.name))}">${escapeHtml(shortName(r.name))} <small>(${r.layer}; meant for ${escapeHtml(r.family)})</small></h3>`,
    `<p>${escapeHtml(r.description)}</p>`,
    r.equivalent === null ? '' : `<p class="eq">Equivalent: ${escapeHtml(r.equivalent)}</p>`,
    ...killers.map(
      (c) =>
        `<details><summary>${escapeHtml(c.family)}: ${escapeHtml(c.divergence?.signature ?? '')} &mdash; run ${c.runs}, ${formatMs(c.timeToKillMs)}, shrunk to ${c.shrunk?.steps ?? 0} steps / ${c.shrunk?.mappings ?? 0} mappings${c.stepsNeeded === null ? '' : ` (${c.stepsNeeded} after step deletion)`}</summary>` +
        `<pre>${escapeHtml(c.counterexample ?? '')}</pre><p>replay path: <code>${escapeHtml(c.replayPath ?? '')}</code></p></details>`,
    ),
  ].join('\n');
}

export function renderHtml(m: KillMatrix, title = 'xlatcheck mutant kill matrix'): string {
  return [
    '<!doctype html>',
    '<html lang="en"><head><meta charset="utf-8">',
    `<title>${escapeHtml(title)}</title>`,
    `<style>${CSS}</style></head><body>`,
    `<h1>${escapeHtml(title)}</h1>`,
    `<p>${m.rows.length} mutants &times; ${m.families.length} families, seed ${m.seed}, budget ${m.runs} runs and ${formatMs(m.timeLimitMs)} per cell (${formatMs(m.otherTimeLimitMs)} for families other than the intended one) (${m.scope === 'intended' ? 'intended family only' : 'every applicable family'}). Cells: runs and time to the first failure &middot; steps/mappings of the shrunk counterexample; the outlined cell is the family meant to catch the mutant.</p>`,
    '<h2>Totals</h2>',
    totalsTable(m),
    '<h2>Matrix</h2>',
    matrixTable(m),
    '<h2>Mutants</h2>',
    ...m.rows.map(mutantSection),
    '</body></html>',
    '',
  ].join('\n');
}
