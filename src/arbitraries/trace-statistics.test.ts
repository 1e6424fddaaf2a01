import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Trace } from '../machine/trace.ts';
import { censusOf } from './_test-support/trace-census.ts';
import { familyTraceArbitraries, type WalkFamilyName } from './index.ts';

const SAMPLES = 500;

function census(family: WalkFamilyName, seed: number): { traces: Trace[]; count: (feature: string) => number } {
  const traces = fc.sample(familyTraceArbitraries[family](), { seed, numRuns: SAMPLES });
  const counts = new Map<string, number>();
  for (const t of traces) for (const f of censusOf(t)) counts.set(f, (counts.get(f) ?? 0) + 1);
  return { traces, count: (f) => counts.get(f) ?? 0 };
}

/** Every feature shows up in at least `min` of the sampled traces. */
function expectReached(count: (f: string) => number, features: readonly string[], min = 5): void {
  for (const f of features) expect(count(f), f).toBeGreaterThanOrEqual(min);
}

const EVERYWHERE = ['load', 'store', 'fetch', 'user', 'supervisor', '4k-page', '2m-page', 'paging-initially-on', 'paging-initially-off', 'paging-enable'];

describe('what each family reaches over 500 traces', () => {
  it('translation: 2 MiB offsets with bit 20, frames above 4 GiB and 2^40, aliases, A/D updates', () => {
    const { count } = census('translation', 50);
    expectReached(count, [
      ...EVERYWHERE,
      '2m-offset-bit20',
      'frame-above-4g',
      'frame-above-4g-2m',
      'frame-above-4g-4k',
      'frame-above-2^40',
      'store-load-alias',
      'cr3-switch',
      'straddle',
      'fetch-nxe',
      'fetch-xd-nxe',
    ]);
    expect(count('2m-offset-bit20')).toBeGreaterThan(SAMPLES * 0.2);
    expect(count('frame-above-4g')).toBeGreaterThan(SAMPLES * 0.5);
    expect(count('store-load-alias')).toBeGreaterThan(SAMPLES * 0.1);
    // Final memory shows the walk's accessed/dirty updates only if they were clear before.
    expect(count('touch-accessed-clear')).toBeGreaterThan(SAMPLES * 0.7);
    expect(count('store-dirty-clear')).toBeGreaterThan(SAMPLES * 0.5);
    // Few edits: most traces have none.
    expect(count('edit')).toBeLessThan(SAMPLES * 0.4);
  });

  it('tlb-coherence: edits with and without the required invalidation, CR3 reloads, global pages with PGE', () => {
    const { count } = census('tlb-coherence', 51);
    expectReached(count, [
      ...EVERYWHERE,
      'edit-then-invlpg',
      'edit-then-cr3',
      'edit-then-pg',
      'edit-without-invalidation',
      'edit-then-invlpg-other-page-in-2m',
      // access X, remap X's leaf, INVLPG X / MOV to CR3 / nothing, access X again
      'remap-invlpg-reaccess',
      'remap-cr3-reaccess',
      'remap-none-reaccess',
      'cr3-switch',
      'cr3-reload',
      'global-across-cr3',
      'pge-toggle',
      'paging-disable',
      'pde-size-swap',
      'user-to-supervisor-page',
    ]);
    expect(count('remap-invlpg-reaccess')).toBeGreaterThan(SAMPLES * 0.1);
    expect(count('remap-cr3-reaccess')).toBeGreaterThan(SAMPLES * 0.1);
    expect(count('global-across-cr3')).toBeGreaterThan(SAMPLES * 0.2);
  });

  it('faults: not-present and reserved bits at every level, WP on and off, U/S, XD, straddles', () => {
    const { count } = census('faults', 52);
    expectReached(count, [
      ...EVERYWHERE,
      'not-present-pdpte',
      'not-present-pde',
      'not-present-pte',
      'pdpte-reserved-gp',
      'reserved-pde-table',
      'reserved-pde-large',
      'reserved-large-13-20',
      'reserved-pte',
      'reserved-above-maxphyaddr',
      'reserved-xd-nxe0',
      'fetch-xd-nxe',
      'store-readonly-wp1',
      'store-readonly-wp0',
      'user-to-supervisor-page',
      'straddle-second-faults',
      'wp-toggle',
    ]);
  });

  it('big-memory: MAXPHYADDR 36 to 52, frames above 4 GiB up to the top, twins differing only above bit 32', () => {
    const { traces, count } = census('big-memory', 53);
    expectReached(count, [
      ...EVERYWHERE,
      'frame-above-4g-4k',
      'frame-above-4g-2m',
      'frame-above-2^40',
      'frame-near-top',
      'twin-frames',
      'store-load-alias',
    ]);
    expect(count('frame-above-4g')).toBeGreaterThan(SAMPLES * 0.7);
    expect(count('twin-frames')).toBeGreaterThan(SAMPLES * 0.1);
    const widths = new Set(traces.map((t) => t.maxPhyAddr));
    for (const m of [36, 44, 52]) expect(widths, `maxPhyAddr ${m}`).toContain(m);
    expect(traces.filter((t) => t.maxPhyAddr >= 44).length).toBeGreaterThan(SAMPLES * 0.5);
  });
});
