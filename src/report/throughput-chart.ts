/**
 * Throughput over time as an inline SVG line chart: cases per second between consecutive samples, one line
 * per series (one per shard after a merge).
 */
import type { ThroughputSeries } from './campaign-report.ts';
import { escapeXml } from './xml-escape.ts';

const WIDTH = 720;
const HEIGHT = 220;
const PAD = { left: 56, right: 16, top: 24, bottom: 32 };
const COLOURS = ['#2f6fde', '#d9822b', '#2b9a66', '#9b51e0', '#c2185b', '#00838f'];

export interface RatePoint {
  readonly seconds: number;
  readonly rate: number;
}

export function ratePoints(series: ThroughputSeries): RatePoint[] {
  const points: RatePoint[] = [];
  let previous = { elapsedMs: 0, cases: 0 };
  for (const s of series.samples) {
    const dt = s.elapsedMs - previous.elapsedMs;
    if (dt > 0) points.push({ seconds: s.elapsedMs / 1000, rate: ((s.cases - previous.cases) * 1000) / dt });
    previous = s;
  }
  return points;
}

function niceMax(v: number): number {
  if (v <= 0) return 1;
  const step = 10 ** Math.floor(Math.log10(v));
  return Math.ceil(v / step) * step;
}

export function renderThroughputChart(series: readonly ThroughputSeries[]): string {
  const lines = series.map(ratePoints);
  const all = lines.flat();
  if (all.length === 0) return '<p class="note">The campaign was too short to sample its throughput.</p>';
  const maxT = Math.max(...all.map((p) => p.seconds));
  const maxR = niceMax(Math.max(...all.map((p) => p.rate)));
  const x = (t: number) => PAD.left + (maxT === 0 ? 0 : (t / maxT) * (WIDTH - PAD.left - PAD.right));
  const y = (r: number) => HEIGHT - PAD.bottom - (r / maxR) * (HEIGHT - PAD.top - PAD.bottom);
  const paths = lines.map((points, i) => {
    const d = points.map((p, j) => `${j === 0 ? 'M' : 'L'}${x(p.seconds).toFixed(1)},${y(p.rate).toFixed(1)}`).join(' ');
    return `<path d="${d}" fill="none" stroke="${COLOURS[i % COLOURS.length]}" stroke-width="2"><title>${escapeXml(series[i]?.label ?? '')}</title></path>`;
  });
  const ticks = [0, 0.5, 1].map(
    (f) => `<line x1="${PAD.left}" x2="${WIDTH - PAD.right}" y1="${y(maxR * f)}" y2="${y(maxR * f)}" stroke="#e3e6ec"/>` +
      `<text x="${PAD.left - 6}" y="${y(maxR * f) + 4}" text-anchor="end">${Math.round(maxR * f)}</text>`,
  );
  const legend = series.map(
    (s, i) => `<text x="${PAD.left + 8 + i * 140}" y="${HEIGHT - 6}" style="fill:${COLOURS[i % COLOURS.length]}">${escapeXml(s.label)}</text>`,
  );
  return (
    `<svg id="throughput-chart" role="img" aria-label="cases per second over time" viewBox="0 0 ${WIDTH} ${HEIGHT}" style="width:100%;max-width:${WIDTH * 1.4}px;height:auto" xmlns="http://www.w3.org/2000/svg">` +
    ticks.join('') +
    `<line x1="${PAD.left}" x2="${PAD.left}" y1="${PAD.top}" y2="${HEIGHT - PAD.bottom}" stroke="#8a93a3"/>` +
    `<line x1="${PAD.left}" x2="${WIDTH - PAD.right}" y1="${HEIGHT - PAD.bottom}" y2="${HEIGHT - PAD.bottom}" stroke="#8a93a3"/>` +
    `<text x="${WIDTH - PAD.right}" y="${HEIGHT - PAD.bottom + 14}" text-anchor="end">${maxT.toFixed(1)} s</text>` +
    `<text x="${PAD.left}" y="${HEIGHT - PAD.bottom + 14}">0 s</text>` +
    `<text x="${PAD.left}" y="${PAD.top - 10}">cases/s</text>` +
    paths.join('') +
    legend.join('') +
    '</svg>'
  );
}
