/**
 * Domain coverage: how often each combination of outcome facts was exercised, counted from the OutcomeTags
 * every checked step reports. Two matrices: the walk matrix (page size x TLB outcome x fault kind x space
 * kind x access kind) and the call matrix (call kind x preemption) that space-level families fill by adding
 * `call` and `preemption` fields to their tags. Axes list every value known here, plus any value a family
 * reports that is not, so cells never reached can be shown as such.
 */
import { CALL_OPS } from '../machine/system.ts';
import type { CoverageTag } from '../properties/family.ts';

/** Counts by cell key: the matrix name and the axis values, joined with '|'. */
export type CoverageCounts = Record<string, number>;

export interface CoverageAxis {
  readonly name: string;
  readonly label: string;
  readonly values: readonly string[];
}

export interface CoverageMatrix {
  readonly name: string;
  readonly title: string;
  readonly axes: readonly CoverageAxis[];
  /** By the axis values joined with '|', in axis order; cells never reached are absent. */
  readonly counts: Readonly<Record<string, number>>;
}

export interface DomainCoverage {
  readonly matrices: readonly CoverageMatrix[];
}

interface MatrixShape {
  readonly name: string;
  readonly title: string;
  readonly axes: readonly { readonly name: string; readonly label: string; readonly known: readonly string[] }[];
}

const WALK: MatrixShape = {
  name: 'walk',
  title: 'Walk outcomes',
  axes: [
    { name: 'space', label: 'space kind', known: ['direct', 'paged'] },
    { name: 'pageSize', label: 'page size', known: ['4K', '2M', '4M', 'none'] },
    // The specification has no TLB: "fresh" is a hit or a miss that agrees with a fresh walk,
    // "stale-allowed" an outcome only a stale translation explains.
    { name: 'tlb', label: 'TLB outcome', known: ['fresh', 'stale-allowed', 'none'] },
    { name: 'access', label: 'access kind', known: ['load', 'store', 'fetch', 'control'] },
    { name: 'fault', label: 'fault kind', known: ['none', 'not-present', 'protection', 'reserved', 'general-protection'] },
  ],
};

const CALLS: MatrixShape = {
  name: 'calls',
  title: 'Cross-space calls',
  axes: [
    { name: 'call', label: 'call kind', known: [...CALL_OPS] },
    { name: 'preemption', label: 'preemption', known: ['none', 'outside-call', 'inside-call'] },
  ],
};

/** Traces a machine had to adapt to run them, by kind of adaptation (QEMU); empty for other machines. */
const ADAPTATIONS: MatrixShape = {
  name: 'adaptations',
  title: 'Adapted traces',
  axes: [{ name: 'adaptation', label: 'adaptation', known: [] }],
};

export const MATRIX_SHAPES: readonly MatrixShape[] = [WALK, CALLS, ADAPTATIONS];

/** The cell of one matrix a step's tags fall in, or null when the tags say nothing about that matrix. */
function cellKey(shape: MatrixShape, tags: CoverageTag): string | null {
  // On every checked step of every case: a plain loop, no intermediate arrays.
  const record = tags as unknown as Record<string, unknown>;
  let key = shape.name;
  let any = false;
  for (const axis of shape.axes) {
    const v = record[axis.name];
    if (v === undefined || v === null) key += '|unknown';
    else {
      any = true;
      key += '|' + String(v);
    }
  }
  return any ? key : null;
}

export function countTags(tags: readonly CoverageTag[], into: CoverageCounts): void {
  for (const t of tags) {
    for (const shape of MATRIX_SHAPES) {
      const key = cellKey(shape, t);
      if (key !== null) into[key] = (into[key] ?? 0) + 1;
    }
  }
}

export function addCounts(into: CoverageCounts, more: Readonly<CoverageCounts>): void {
  for (const [key, n] of Object.entries(more)) into[key] = (into[key] ?? 0) + n;
}

function sortedRecord(entries: Iterable<[string, number]>): Record<string, number> {
  return Object.fromEntries([...entries].sort(([a], [b]) => a.localeCompare(b)));
}

/** The matrices, with axes widened by any value the counts hold that is not known here. */
export function domainCoverage(counts: Readonly<CoverageCounts>): DomainCoverage {
  const matrices = MATRIX_SHAPES.map((shape): CoverageMatrix => {
    const cells = Object.entries(counts)
      .filter(([key]) => key.startsWith(shape.name + '|'))
      .map(([key, n]): [string[], number] => [key.split('|').slice(1), n]);
    const axes = shape.axes.map((a, i) => {
      const seen = cells.map(([values]) => values[i] ?? 'unknown').filter((v) => !a.known.includes(v));
      return { name: a.name, label: a.label, values: [...a.known, ...[...new Set(seen)].sort()] };
    });
    return { name: shape.name, title: shape.title, axes, counts: sortedRecord(cells.map(([values, n]) => [values.join('|'), n])) };
  });
  return { matrices };
}

/** Back to flat counts, to merge the coverage of shard reports. */
export function countsOf(coverage: DomainCoverage): CoverageCounts {
  const counts: CoverageCounts = {};
  for (const m of coverage.matrices) for (const [key, n] of Object.entries(m.counts)) counts[`${m.name}|${key}`] = n;
  return counts;
}

/** Every combination of axis values, in axis order (the first axis varies slowest). */
export function allCells(axes: readonly CoverageAxis[]): string[][] {
  return axes.reduce<string[][]>((cells, axis) => cells.flatMap((c) => axis.values.map((v) => [...c, v])), [[]]);
}

export function reachedCells(m: CoverageMatrix): { reached: number; total: number } {
  return { reached: Object.keys(m.counts).length, total: allCells(m.axes).length };
}
