/**
 * Test support: laws every arbitrary of this folder obeys, written once and used by each test file.
 */
import fc from 'fast-check';

/** Two samplings with the same seed give the same values (deep equality, bigints included). */
export function sampleTwice<T>(make: () => fc.Arbitrary<T>, seed: number, numRuns: number): [T[], T[]] {
  return [fc.sample(make(), { seed, numRuns }), fc.sample(make(), { seed, numRuns })];
}

/**
 * The successive counterexamples fast-check accepts while shrinking a failure of `fails`: the first
 * failing value, then every shrink that still fails, in order. Empty if nothing failed.
 */
export function shrinkPath<T>(arb: fc.Arbitrary<T>, fails: (v: T) => boolean, seed: number, numRuns = 100): T[] {
  const path: T[] = [];
  fc.check(
    fc.property(arb, (v) => {
      if (!fails(v)) return true;
      path.push(v);
      return false;
    }),
    { seed, numRuns },
  );
  return path;
}
