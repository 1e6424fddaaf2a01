/**
 * Small weighted-choice helpers. Every choice lists its simplest option first and shrinks toward it
 * (withCrossShrink), so a counterexample drifts toward 4 KiB pages, supervisor mode, no edits.
 * @internal
 */
import fc from 'fast-check';

/** A boolean that is true with weight `trueWeight` against `falseWeight`, shrinking toward false. */
export function weightedBoolean(falseWeight: number, trueWeight: number): fc.Arbitrary<boolean> {
  if (trueWeight === 0) return fc.constant(false);
  if (falseWeight === 0) return fc.constant(true);
  return fc.oneof(
    { withCrossShrink: true },
    { arbitrary: fc.constant(false), weight: falseWeight },
    { arbitrary: fc.constant(true), weight: trueWeight },
  );
}

/**
 * One of `options`, drawn by weight (entries with weight 0 are left out), shrinking toward the first
 * option kept. The order of `options` is the shrink order.
 */
export function weightedConstant<T>(options: readonly (readonly [T, number])[]): fc.Arbitrary<T> {
  const kept = options.filter(([, w]) => w > 0);
  const first = kept[0];
  if (first === undefined) throw new Error('weightedConstant: every weight is 0');
  if (kept.length === 1) return fc.constant(first[0]);
  return fc.oneof(
    { withCrossShrink: true },
    ...kept.map(([value, weight]) => ({ arbitrary: fc.constant(value), weight })),
  );
}

/** Weighted arms (weight 0 leaves an arm out), shrinking toward the first kept arm. */
export function weightedOneof<T>(arms: readonly (readonly [fc.Arbitrary<T>, number])[]): fc.Arbitrary<T> {
  const kept = arms.filter(([, w]) => w > 0);
  const first = kept[0];
  if (first === undefined) throw new Error('weightedOneof: every weight is 0');
  if (kept.length === 1) return first[0];
  return fc.oneof({ withCrossShrink: true }, ...kept.map(([arbitrary, weight]) => ({ arbitrary, weight })));
}
