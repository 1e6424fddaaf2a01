/**
 * Case generation reads nothing but its seed. For every property family, generating cases (the way a
 * campaign does, and from freshly built arbitraries) must not call the clock, Math.random or any other
 * source of randomness; a fresh process that generates the families in another order must get the very
 * same cases (no hidden state, nothing that depends on which family ran first); and where a generator takes
 * a collection whose order means nothing (weights by name, a set of families), a different insertion order
 * must give the same cases.
 *
 * Iteration order in JavaScript is insertion order for Map, Set and string-keyed objects, so it can only
 * vary with the order things were put in: that is what the last two checks shuffle.
 */
import fc from 'fast-check';
import { randomInt } from 'node:crypto';
import { join } from 'node:path';
import seedrandom from 'seedrandom';
import { afterAll, describe, expect, it } from 'vitest';
import { addressStreamArbitrary } from '../src/arbitraries/address-stream.ts';
import { mappingSetArbitrary } from '../src/arbitraries/mappings.ts';
import { selectFamilies } from '../src/campaign/family-selection.ts';
import { generatedCase } from '../src/campaign/run-case.ts';
import { runSeed } from '../src/campaign/run-seed.ts';
import { canonicalJson } from '../src/findings/plain-json.ts';
import { allFamilies, familyNames } from '../src/properties/registry.ts';
import { builtinMachine } from '../models/registry.ts';
import { caseDigests } from './support/case-digest.ts';
import { REPO, runCli } from './support/cli-process.ts';
import { SuiteFigures } from './support/figures.ts';
import { type Trap, trapNondeterminism } from './support/nondeterminism-trap.ts';

const SEED = 20261121;
const CASES_PER_FAMILY = 40;
const figures = new SuiteFigures('generation-purity');

afterAll(() => {
  figures.write();
});

function underTrap<T>(work: () => T): { result: T; calls: readonly string[] } {
  const trap: Trap = trapNondeterminism();
  try {
    return { result: work(), calls: [...trap.calls] };
  } finally {
    trap.release();
  }
}

/** A seeded shuffle (the suite itself must not use Math.random either). */
function shuffled<T>(items: readonly T[], seed: string): T[] {
  const random = seedrandom(seed);
  return items.map((item) => ({ item, key: random() })).sort((a, b) => a.key - b.key).map((x) => x.item);
}

/** The same object with the keys of every nested object in reverse insertion order. */
function keysReversed<T>(value: T): T {
  if (Array.isArray(value) || value === null || typeof value !== 'object') return value;
  return Object.fromEntries(Object.entries(value).reverse().map(([k, v]) => [k, keysReversed(v)])) as T;
}

describe('generation reads neither the clock nor unseeded randomness', () => {
  it.each(allFamilies.map((f) => [f.name, f] as const))('%s', (_name, family) => {
    const { calls } = underTrap(() => {
      fc.sample(family.arbitrary(), { seed: SEED, numRuns: CASES_PER_FAMILY });
      for (let i = 0; i < CASES_PER_FAMILY; i++) generatedCase(family, SEED, i);
      return runSeed(SEED, 1);
    });
    figures.add('cases generated under the trap', 2 * CASES_PER_FAMILY);
    expect(calls).toEqual([]);
  });

  it('the trap catches a generator that reads the clock or Math.random (it can fail)', () => {
    const impure = [
      fc.integer().map((n) => n + Math.floor(Math.random() * 2)),
      fc.constant(0).map(() => Date.now()),
      fc.constant(0).map(() => new Date().getTime()),
      fc.constant(0).map(() => performance.now()),
      fc.constant(0).map(() => randomInt(10)),
      fc.constant(0).map(() => Number(process.hrtime.bigint() % 2n)),
    ];
    const caught = impure.map((arbitrary) => underTrap(() => fc.sample(arbitrary, { seed: SEED, numRuns: 1 })).calls[0] ?? 'nothing');
    expect(caught.map((c) => c.split(' from ')[0])).toEqual(['Math.random', 'Date.now', 'new Date()', 'performance.now', 'crypto.randomInt', 'process.hrtime.bigint']);
  });
});

describe('the same seed gives the same cases everywhere', () => {
  it('in a fresh process that generates the families in reverse order', async () => {
    const names = familyNames();
    const here = caseDigests(names, SEED, 10);
    const again = caseDigests(shuffled(names, 'second pass'), SEED, 10);
    const entry = ['--import', 'tsx', join(REPO, 'reliability', 'fixtures', 'print-case-digests.ts')];
    const child = await runCli([String(SEED), '10', [...names].reverse().join(',')], { entry });
    expect(child.code, child.stderr).toBe(0);
    expect(again).toEqual(here);
    expect(JSON.parse(child.stdout)).toEqual(here);
    figures.set('families compared across processes', names.length);
  }, 60_000);

  it('whatever order the weights of a generator were written in', () => {
    const mappings = { pageSizeWeights: { '4k': 3, '2m': 2 }, frameWeights: { low: 1, 'above-4g': 4, top: 2, twin: 1 }, flagPercent: { user: 70, global: 40, dirty: 5 } } as const;
    const stream = { opWeights: { load: 2, store: 5, fetch: 1 }, sizeWeights: { '1': 1, '8': 3 }, targetWeights: { hot: 5, straddle: 1, uniform: 2 } } as const;
    const sample = (a: fc.Arbitrary<unknown>) => canonicalJson(fc.sample(a, { seed: SEED, numRuns: 30 }));
    expect(sample(mappingSetArbitrary(keysReversed(mappings)))).toBe(sample(mappingSetArbitrary(mappings)));
    expect(sample(addressStreamArbitrary(keysReversed(stream)))).toBe(sample(addressStreamArbitrary(stream)));
    // The check can fail: different weights do give different cases.
    expect(sample(mappingSetArbitrary({ ...mappings, flagPercent: { user: 0 } }))).not.toBe(sample(mappingSetArbitrary(mappings)));
  });

  it('whatever order the families of a campaign were named in', () => {
    const reference = builtinMachine('reference');
    const names = familyNames().filter((name) => allFamilies.find((f) => f.name === name)?.applies(reference));
    const orders = Array.from({ length: 12 }, (_, i) => shuffled(names, `order ${i}`));
    const schedules = orders.map((order) => selectFamilies(reference, order).families.map((f) => f.name));
    for (const schedule of schedules) expect(schedule).toEqual(names);
  });
});
