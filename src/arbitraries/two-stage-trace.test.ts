import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Observation } from '../machine/observation.ts';
import type { Step, Trace } from '../machine/trace.ts';
import { validateTrace } from '../machine/trace-validation.ts';
import { initialState } from '../spec/state.ts';
import { advance, outcomes } from '../spec/transition.ts';
import { compareTraceSize } from './_internals/smaller-shrinks.ts';
import { sampleTwice, shrinkPath } from './_test-support/laws.ts';
import { twoStageTraceArbitrary } from './two-stage-trace.ts';

/** The specification's observations, taking its first allowed outcome at each step. */
function specObservations(t: Trace): Observation[] {
  let s = initialState(t);
  return t.steps.map((step) => {
    const o = outcomes(s, step)[0]!;
    s = advance(s, [o])[0]!;
    return o.observation;
  });
}

/** The closing promotion, if any: N loads, one write-phys, N map-stage2, the same N loads. */
function promotion(t: Trace): { before: number[]; after: number[] } | null {
  const steps = t.steps;
  let n = 0;
  while (n < steps.length && steps[steps.length - 1 - n]?.op === 'load') n++;
  if (n === 0) return null;
  const maps = steps.slice(steps.length - 2 * n, steps.length - n);
  const write = steps[steps.length - 2 * n - 1];
  const loads = steps.slice(steps.length - 3 * n - 1, steps.length - 2 * n - 1);
  const same = (a: Step[], b: Step[]): boolean => JSON.stringify(a) === JSON.stringify(b);
  if (write?.op !== 'write-phys' || !maps.every((m) => m.op === 'map-stage2') || !same(loads, steps.slice(steps.length - n))) return null;
  const at = (k: number): number[] => Array.from({ length: n }, (_, i) => k + i);
  return { before: at(steps.length - 3 * n - 1), after: at(steps.length - n) };
}

describe('two-stage traces', () => {
  it('are valid traces with a second stage, plain JSON', () => {
    fc.assert(
      fc.property(twoStageTraceArbitrary(), (t) => {
        expect(() => validateTrace(JSON.parse(JSON.stringify(t)))).not.toThrow();
        expect(JSON.parse(JSON.stringify(t))).toEqual(t);
        const ipas = (t.stage2 ?? []).map((m) => m.ipa);
        expect(new Set((t.stage2 ?? []).map((m) => m.pa)).size).toBe(ipas.length);
      }),
      { seed: 40, numRuns: 200 },
    );
  });

  it('scatter frames, move them mid-trace, and promote, in both paging modes', () => {
    const traces = fc.sample(twoStageTraceArbitrary(), { seed: 41, numRuns: 200 });
    const pae = (t: Trace): boolean => ((t.registers.cr4 >>> 5) & 1) === 1;
    expect(traces.filter(pae).length).toBeGreaterThan(50);
    expect(traces.filter((t) => !pae(t)).length).toBeGreaterThan(50);
    expect(traces.filter((t) => (t.stage2 ?? []).length > 0).length).toBeGreaterThan(100);
    expect(traces.filter((t) => t.steps.some((s) => s.op === 'map-stage2')).length).toBeGreaterThan(100);
    expect(traces.filter((t) => promotion(t) !== null).length).toBeGreaterThan(40);
  });

  it('a promotion changes only mappings: every load reads the same before and after', () => {
    let checked = 0;
    for (const t of fc.sample(twoStageTraceArbitrary(), { seed: 42, numRuns: 150 })) {
      const p = promotion(t);
      if (p === null) continue;
      const observed = specObservations(t);
      p.before.forEach((b, i) => expect(observed[p.after[i]!]).toEqual(observed[b]));
      if (p.before.some((b) => observed[b]?.kind === 'value')) checked++;
    }
    expect(checked).toBeGreaterThan(20);
  });

  it('are deterministic in the seed', () => {
    const [a, b] = sampleTwice(() => twoStageTraceArbitrary(), 43, 30);
    expect(a).toEqual(b);
  });

  it('shrink through strictly smaller traces', () => {
    const fails = (t: Trace): boolean => t.steps.some((s) => s.op === 'map-stage2');
    const path = shrinkPath(twoStageTraceArbitrary(), fails, 44);
    expect(path.length).toBeGreaterThan(1);
    for (let i = 1; i < path.length; i++) expect(compareTraceSize(path[i]!, path[i - 1]!)).toBeLessThan(0);
    // The smallest failing trace may keep its closing promotion: flush, load, PDE write, map-stage2, load.
    expect(path.at(-1)!.steps.length).toBeLessThanOrEqual(8);
  });

  it('respect firstStage and reject impossible constraints', () => {
    for (const t of fc.sample(twoStageTraceArbitrary({ firstStage: '32-bit' }), { seed: 45, numRuns: 30 })) expect((t.registers.cr4 >>> 5) & 1).toBe(0);
    for (const t of fc.sample(twoStageTraceArbitrary({ firstStage: 'pae' }), { seed: 45, numRuns: 30 })) expect((t.registers.cr4 >>> 5) & 1).toBe(1);
    expect(() => twoStageTraceArbitrary({ maxStage2Steps: -1 })).toThrow(/maxStage2Steps/);
    expect(() => twoStageTraceArbitrary({ firstStage: 'both' as never })).toThrow(/firstStage/);
    expect(() => twoStageTraceArbitrary({ maxSteps: 0 })).toThrow(/maxSteps/);
  });
});
