import { describe, expect, it } from 'vitest';
import { findMutant } from '../../models/mutants/index.ts';
import { PaeTableBuilder } from '../../models/reference/index.ts';
import { UsageError } from '../config/run-config.ts';
import { TRACE_FORMAT, TRACE_VERSION, type Trace } from '../machine/trace.ts';
import { caseSize, traceMappings } from './case-size.ts';
import { benchmarkFamilies } from './families.ts';
import { decidingCell, type MutantRow, mutantRow, runKillMatrix } from './kill-matrix.ts';
import { mutantsOptions } from './mutants-command.ts';
import { matrixProgress } from './progress.ts';
import { renderHtml } from './render-html.ts';
import { KILL_MATRIX_FORMAT, renderJson } from './render-json.ts';
import { renderText } from './render-text.ts';
import type { CellResult } from './run-cell.ts';
import { matrixTotals, median } from './totals.ts';

function cell(family: string, killed: boolean, timeToKillMs: number | null = null, steps = 2): CellResult {
  return {
    family,
    killed,
    runs: killed ? 3 : 100,
    timeToKillMs: killed ? timeToKillMs : null,
    totalMs: 10,
    interrupted: false,
    shrinks: 0,
    shrunk: killed ? { steps, mappings: 1 } : null,
    stepsNeeded: killed ? Math.min(steps, 4) : null,
    divergence: killed ? { kind: 'observation', signature: 'load: expected value, got value' } : null,
    counterexample: killed ? 'trace' : null,
    replayPath: killed ? '0:0' : null,
  };
}

function row(name: string, cells: (CellResult | null)[], equivalent: string | null = null, family = 'translation'): MutantRow {
  return mutantRow({ name, layer: 'walker', description: 'd', family, equivalent, walk: null, system: null }, cells);
}

describe('case size', () => {
  it('counts steps and the present leaves reachable from the roots of a trace', () => {
    const b = new PaeTableBuilder({ pdpt: 0x1000, tables: 0x10000 });
    b.map4k(0x5000, 0x7000).map4k(0x6000, 0x8000).map2m(0x00400000, 0x00a00000);
    const trace: Trace = {
      format: TRACE_FORMAT,
      version: TRACE_VERSION,
      maxPhyAddr: 36,
      registers: { cr0: 0x80000000, cr3: b.cr3, cr4: 0x20, efer: 0 },
      memory: b.memory(),
      steps: [{ op: 'load', va: 0x5000, size: 4, user: false }],
    };
    expect(traceMappings(trace)).toBe(3);
    expect(caseSize(trace)).toEqual({ steps: 1, mappings: 3 });
  });

  it('reads a space-level case by its calls, ops or probes and its spaces', () => {
    const layout = { spaces: [{}, {}, {}] };
    expect(caseSize({ layout, program: { threads: [[1, 2], [3]], schedule: [] } })).toEqual({ steps: 3, mappings: 3 });
    expect(caseSize({ layout, ops: [1, 2] })).toEqual({ steps: 2, mappings: 3 });
    expect(caseSize({ layout, probes: [] })).toEqual({ steps: 0, mappings: 3 });
  });
});

describe('totals', () => {
  it('takes the intended family as the deciding cell when it killed, else the fastest killer', () => {
    expect(decidingCell({ family: 'faults' }, [cell('translation', true, 5), cell('faults', true, 50)])?.family).toBe('faults');
    expect(decidingCell({ family: 'faults' }, [cell('translation', true, 5), cell('tlb-coherence', true, 2), cell('faults', false)])?.family).toBe('tlb-coherence');
    expect(decidingCell({ family: 'faults' }, [null, cell('faults', false)])).toBeNull();
  });

  it('scores killed over non-equivalent mutants, with median, worst and the share of short counterexamples', () => {
    const rows = [
      row('mutant:a', [cell('translation', true, 10, 2)]),
      row('mutant:b', [cell('translation', true, 30, 9)]),
      row('mutant:c', [cell('translation', true, 20, 3)]),
      row('mutant:d', [cell('translation', false)]),
      row('mutant:e', [cell('translation', false)], 'a TLB may always miss'),
      row('mutant:f', [cell('translation', true, 1)], 'claimed equivalent'),
    ];
    const t = matrixTotals(rows);
    expect(t).toMatchObject({ mutants: 6, equivalent: 2, nonEquivalent: 4, killed: 3, survivors: ['mutant:d'], equivalentKilled: ['mutant:f'] });
    expect(t.score.value).toBe(0.75);
    expect(t.score.met).toBe(false);
    expect(t.medianTimeToKillMs).toEqual({ value: 20, target: 1000, met: true });
    expect(t.worstTimeToKillMs.value).toBe(30);
    expect(t.shortCounterexamples).toBe(2);
    expect(t.shortShare.value).toBeCloseTo(2 / 3);
    expect(t.shortAfterDeletion).toBe(3);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([])).toBeNull();
  });
});

describe('options', () => {
  it('has fixed defaults and refuses bad flags with a UsageError', () => {
    const { options, json, out } = mutantsOptions([]);
    expect(options.budget).toEqual({ seed: 20261121, runs: 2000, timeLimitMs: 30_000 });
    expect(options.scope).toBe('matrix');
    expect(json).toBe(false);
    expect(out).toBe('reports/mutants');
    expect(mutantsOptions(['--mutants', 'ram-truncate-above-4g,walker-wp-ignored', '--intended-only']).options.mutants.map((m) => m.name)).toEqual([
      'mutant:ram-truncate-above-4g',
      'mutant:walker-wp-ignored',
    ]);
    expect(mutantsOptions(['--mutants', 'walker-wp-ignored', '--mutants', 'mutant:gate-paging-left-on']).options.mutants).toHaveLength(2);
    expect(mutantsOptions(['--layers', 'gate']).options.mutants.every((m) => m.layer === 'gate')).toBe(true);
    expect(mutantsOptions(['--families', 'faults,switch']).options.families.map((f) => f.name)).toEqual(['faults', 'switch']);
    const timed = mutantsOptions(['--budget', '1500ms', '--other-budget', '2m', '--runs', '7', '--seed', '4294967295']).options;
    expect(timed.budget).toEqual({ seed: 4294967295, runs: 7, timeLimitMs: 1500 });
    expect(timed.otherTimeLimitMs).toBe(120_000);
    for (const bad of [['--bogus'], ['--runs', '0'], ['--seed', '-1'], ['--budget', '30'], ['--mutants', 'nope'], ['--layers', 'cpu'], ['--families', 'nope'], ['stray']]) {
      expect(() => mutantsOptions(bad), bad.join(' ')).toThrow(UsageError);
    }
  });
});

describe('a small kill matrix', () => {
  it('runs, and renders as text, JSON and self-contained HTML', async () => {
    const mutant = findMutant('walker-wp-ignored')!;
    const families = benchmarkFamilies().filter((f) => f.name === 'faults' || f.name === 'isolation');
    const progress: string[] = [];
    const m = await runKillMatrix(
      { budget: { seed: 20261121, runs: 200, timeLimitMs: 10_000 }, otherTimeLimitMs: 5000, scope: 'matrix', mutants: [mutant], families },
      { mutantDone: (_i, _n, r) => progress.push(r.name) },
    );
    expect(progress).toEqual(['mutant:walker-wp-ignored']);
    expect(m.rows[0]!.cells[1]).toBeNull(); // isolation does not apply to a walk-level mutant
    expect(m.rows[0]!.killedByIntended).toBe(true);
    expect(m.totals.score.value).toBe(1);
    const text = renderText(m);
    expect(text).toContain('walker-wp-ignored');
    expect(text).toMatch(/mutation score +1\/1 = 100.0%/);
    const json = JSON.parse(renderJson(m)) as { format: string; rows: unknown[] };
    expect(json.format).toBe(KILL_MATRIX_FORMAT);
    expect(json.rows).toHaveLength(1);
    const html = renderHtml(m);
    expect(html).toMatch(/^<!doctype html>/);
    expect(html).not.toMatch(/<script|<link|https?:\/\//);
    expect(html).toContain('walker-wp-ignored');
  });
});

describe('progress', () => {
  const mutant = findMutant('walker-wp-ignored')!;
  const done = row('mutant:walker-wp-ignored', [cell('faults', true, 12, 1)], null, 'faults');

  function events(tty: boolean): string {
    let err = '';
    const p = matrixProgress({ tty, err: (t) => void (err += t) });
    p.mutantStarted!(0, 2, mutant);
    p.cellStarted!(mutant, 'translation', 0, 2);
    p.cellDone!(mutant, cell('translation', true, 3));
    p.cellStarted!(mutant, 'faults', 1, 2);
    p.cellDone!(mutant, cell('faults', true, 12));
    p.mutantDone!(0, 2, done);
    return err;
  }

  it('is one plain line per mutant when stderr is not a terminal', () => {
    expect(events(false)).toBe('[1/2] mutant:walker-wp-ignored: killed by faults at run 3 in 12 ms, shrunk to 1 steps\n');
  });

  it('rewrites a status line in place on a terminal: the family running, what the ones before found', () => {
    const err = events(true);
    expect(err).toContain('[1/2] mutant:walker-wp-ignored: translation (1/2) ...');
    expect(err).toContain('\r[1/2] mutant:walker-wp-ignored: faults (2/2), killed by translation ...');
    expect(err.endsWith('\r[1/2] mutant:walker-wp-ignored: killed by faults at run 3 in 12 ms, shrunk to 1 steps\n')).toBe(true);
  });
});
