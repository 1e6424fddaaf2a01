import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PAGE_2M } from '../arch/entry-layout.ts';
import { overlapsTablePool } from './_internals/physical-layout.ts';
import { sampleTwice, shrinkPath } from './_test-support/laws.ts';
import { type MappingSet, mappingSetArbitrary, PAGE_BYTES } from './mappings.ts';

function problems(set: MappingSet): string[] {
  const out: string[] = [];
  set.roots.forEach((root, r) => {
    let previousEnd = -1;
    for (const m of root.mappings) {
      const bytes = PAGE_BYTES[m.size];
      if (m.linear % bytes !== 0 || m.linear + bytes > 2 ** 32) out.push(`root ${r}: linear ${m.linear} not an aligned ${m.size} page`);
      if (m.linear < previousEnd) out.push(`root ${r}: linear ${m.linear} overlaps the previous mapping (or is out of order)`);
      previousEnd = m.linear + bytes;
      if (m.frame % bytes !== 0 || m.frame + bytes > 2 ** set.maxPhyAddr) out.push(`frame ${m.frame} not an aligned ${m.size} frame below 2^M`);
      if (overlapsTablePool(m.frame, bytes)) out.push(`frame ${m.frame} in the page-table pool`);
    }
    // A 2 MiB mapping owns its whole PDE: no 4 KiB mapping in its 2 MiB region.
    const regions = root.mappings.map((m) => Math.floor(m.linear / PAGE_2M));
    root.mappings.forEach((m, i) => {
      if (m.size === '2m' && regions.filter((x) => x === regions[i]).length > 1) out.push(`root ${r}: 2 MiB region ${regions[i]} shared`);
    });
  });
  return out;
}

describe('mappingSetArbitrary', () => {
  it('generates non-overlapping, aligned mappings on frames outside the page-table pools', () => {
    fc.assert(
      fc.property(mappingSetArbitrary(), (set) => {
        expect(problems(set)).toEqual([]);
        expect(set.roots.length).toBeGreaterThanOrEqual(1);
        expect(set.roots.length).toBeLessThanOrEqual(3);
        expect(set.maxPhyAddr).toBeGreaterThanOrEqual(36);
        expect(set.maxPhyAddr).toBeLessThanOrEqual(52);
      }),
      { seed: 1, numRuns: 300 },
    );
  });

  it('spreads frames over the whole physical range and aliases some on purpose', () => {
    const sets = fc.sample(mappingSetArbitrary(), { seed: 2, numRuns: 400 });
    const seen = new Set<string>();
    for (const set of sets) {
      const all = set.roots.flatMap((r, i) => r.mappings.map((m) => ({ ...m, root: i })));
      for (const m of all) {
        seen.add(m.size);
        if (m.frame < 32 * 2 ** 20) seen.add('low');
        if (m.frame < 2 ** 32 && m.frame >= 2 ** 32 - 64 * 2 ** 20) seen.add('just-below-4g');
        if (m.frame >= 2 ** 32 && m.frame < 2 ** 32 + 128 * 2 ** 20) seen.add('just-above-4g');
        if (m.frame + PAGE_BYTES[m.size] > 2 ** set.maxPhyAddr - 64 * 2 ** 20) seen.add('near-top');
        if (m.frame >= 2 ** 40) seen.add('above-2^40');
        if (m.size === '2m' && m.frame > 2 ** 32) seen.add('2m-above-4g');
      }
      all.forEach((a, i) =>
        all.slice(i + 1).forEach((b) => {
          if (a.frame === b.frame) seen.add(a.root === b.root ? 'alias-in-root' : 'alias-across-roots');
          if (a.frame !== b.frame && a.frame % 2 ** 32 === b.frame % 2 ** 32) seen.add('twin');
          if (a.root !== b.root && a.linear === b.linear) seen.add('same-linear-across-roots');
        }),
      );
      seen.add(`placement-${set.tablePlacement}`);
    }
    for (const f of [
      '4k',
      '2m',
      'low',
      'just-below-4g',
      'just-above-4g',
      'near-top',
      'above-2^40',
      '2m-above-4g',
      'alias-in-root',
      'alias-across-roots',
      'twin',
      'same-linear-across-roots',
      'placement-low',
      'placement-high',
      'placement-mixed',
    ])
      expect(seen, f).toContain(f);
  });

  it('keeps accessed and dirty mostly clear, so walks visibly set them', () => {
    const mappings = fc.sample(mappingSetArbitrary(), { seed: 3, numRuns: 200 }).flatMap((s) => s.roots.flatMap((r) => r.mappings));
    const accessed = mappings.filter((m) => m.accessed).length / mappings.length;
    expect(accessed).toBeLessThan(0.3);
    expect(accessed).toBeGreaterThan(0);
  });

  it('honours its constraints', () => {
    const only4k = fc.sample(mappingSetArbitrary({ pageSizeWeights: { '2m': 0 }, maxRoots: 1, maxPhyAddr: { min: 40, max: 40 } }), { seed: 4, numRuns: 100 });
    for (const s of only4k) {
      expect(s.roots).toHaveLength(1);
      expect(s.maxPhyAddr).toBe(40);
      for (const m of s.roots[0]?.mappings ?? []) expect(m.size).toBe('4k');
    }
    const lowOnly = fc.sample(mappingSetArbitrary({ frameWeights: { 'below-4g': 0, 'above-4g': 0, top: 0, anywhere: 0, twin: 0 }, tablePlacements: ['low'] }), {
      seed: 5,
      numRuns: 100,
    });
    for (const s of lowOnly) {
      expect(s.tablePlacement).toBe('low');
      for (const r of s.roots) for (const m of r.mappings) expect(m.frame).toBeLessThan(32 * 2 ** 20);
    }
  });

  it('rejects impossible constraints when built', () => {
    expect(() => mappingSetArbitrary({ maxRoots: 4 })).toThrow(/maxRoots/);
    expect(() => mappingSetArbitrary({ minRoots: 3, maxRoots: 2 })).toThrow(/minRoots/);
    expect(() => mappingSetArbitrary({ maxMappingsPerRoot: 0 })).toThrow(/maxMappingsPerRoot/);
    expect(() => mappingSetArbitrary({ maxPhyAddr: { min: 35 } })).toThrow(/maxPhyAddr.min/);
    expect(() => mappingSetArbitrary({ maxPhyAddr: { min: 50, max: 40 } })).toThrow(/maxPhyAddr/);
    expect(() => mappingSetArbitrary({ pageSizeWeights: { '4k': 0, '2m': 0 } })).toThrow(/pageSizeWeights/);
    expect(() => mappingSetArbitrary({ frameWeights: { low: 0, 'below-4g': 0, 'above-4g': 0, top: 0, anywhere: 0 } })).toThrow(/region/);
    expect(() => mappingSetArbitrary({ frameWeights: { nowhere: 1 } as never })).toThrow(/unknown key/);
    expect(() => mappingSetArbitrary({ flagPercent: { user: 101 } })).toThrow(/flagPercent.user/);
    expect(() => mappingSetArbitrary({ tablePlacements: [] })).toThrow(/tablePlacements/);
  });

  it('is deterministic in the seed', () => {
    const [a, b] = sampleTwice(() => mappingSetArbitrary(), 6, 50);
    expect(a).toEqual(b);
  });

  it('shrinks toward one root with one small 4 KiB-first mapping at a low address', () => {
    const path = shrinkPath(
      mappingSetArbitrary(),
      (s) => s.roots.some((r) => r.mappings.some((m) => m.size === '2m')),
      7,
    );
    const last = path.at(-1);
    expect(last?.roots).toHaveLength(1);
    expect(last?.maxPhyAddr).toBe(36);
    expect(last?.roots[0]?.mappings).toHaveLength(1);
    expect(last?.roots[0]?.mappings[0]).toMatchObject({ size: '2m', linear: 0, user: false, global: false, accessed: false });
  });
});
