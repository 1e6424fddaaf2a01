/**
 * A coverage matrix as an HTML table: the first axes label the rows, the rest the columns, and each cell
 * holds how often that combination was exercised. Cells never reached are marked `never` so they stand out.
 */
import { allCells, type CoverageMatrix, reachedCells } from './coverage.ts';
import { escapeXml } from './xml-escape.ts';

function columnHeaders(m: CoverageMatrix, rowAxes: number): string {
  const columnAxes = m.axes.slice(rowAxes);
  const rows: string[] = [];
  columnAxes.forEach((axis, level) => {
    const span = columnAxes.slice(level + 1).reduce((n, a) => n * a.values.length, 1);
    const repeat = columnAxes.slice(0, level).reduce((n, a) => n * a.values.length, 1);
    const labelCells =
      level === columnAxes.length - 1
        ? m.axes.slice(0, rowAxes).map((a) => `<th class="label">${escapeXml(a.label)}</th>`).join('')
        : `<th class="label" colspan="${rowAxes}">${escapeXml(axis.label)}</th>`;
    const cells = Array.from({ length: repeat }, () =>
      axis.values.map((v) => `<th colspan="${span}" title="${escapeXml(axis.label)}">${escapeXml(v)}</th>`).join(''),
    ).join('');
    rows.push(`<tr>${labelCells}${cells}</tr>`);
  });
  return rows.join('');
}

export function renderCoverageTable(m: CoverageMatrix): string {
  const { reached, total } = reachedCells(m);
  if (total === 0) return `<p class="note" data-matrix="${escapeXml(m.name)}">No case reported ${escapeXml(m.axes.map((a) => a.label).join(' or '))}.</p>`;
  const rowAxes = m.axes.length - Math.floor(m.axes.length / 2);
  const columns = allCells(m.axes.slice(rowAxes));
  const body = allCells(m.axes.slice(0, rowAxes)).map((row) => {
    const labels = row.map((v) => `<td class="label">${escapeXml(v)}</td>`).join('');
    const cells = columns
      .map((column) => {
        const values = [...row, ...column];
        const key = values.join('|');
        const n = m.counts[key] ?? 0;
        const title = m.axes.map((a, i) => `${a.label} ${values[i]}`).join(', ');
        return `<td class="${n === 0 ? 'never' : 'hit'}" data-cell="${escapeXml(key)}" title="${escapeXml(title)}">${n}</td>`;
      })
      .join('');
    return `<tr>${labels}${cells}</tr>`;
  });
  return (
    `<p><strong>${reached}</strong> of ${total} cells reached; <strong class="never-count">${total - reached}</strong> never reached.</p>` +
    `<div class="scroll"><table class="coverage" data-matrix="${escapeXml(m.name)}"><thead>${columnHeaders(m, rowAxes)}</thead><tbody>${body.join('')}</tbody></table></div>`
  );
}
