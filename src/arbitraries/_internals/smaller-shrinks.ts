/**
 * An arbitrary of traces encoded from scenarios whose shrinker offers only strictly smaller traces.
 *
 * A scenario carries parts that may not show in its trace (the data of a load, a hot address nobody
 * uses, an action left out for lack of room), so shrinking through a plain `.map` keeps proposing the
 * same trace, or a longer one, and a slow machine (an out-of-process emulator) would run each of them.
 * Here a candidate is offered only when its trace is smaller in `compareTraceSize`, which makes every
 * accepted shrink step visible progress and bounds the number of steps.
 *
 * A candidate whose trace is the same size but whose scenario is smaller in `sourceSize` (an action that
 * was left out for lack of room, removed) is not offered, yet looked through: its own shrinks that are
 * strictly smaller than the current trace are offered in its place (for the first such candidate of a
 * value, see `smallerThan`). Without that, such an action blocks
 * shrinking: removing any earlier action makes room for it, and its steps can undo the failure (a write
 * that restores the entry a faulty machine corrupted), so every visible shrink passes. For the same
 * reason a scenario's action list must be able to lose its last action (`nonEmptyArray`).
 * @internal
 */
import fc from 'fast-check';
import type { Trace } from '../../machine/trace.ts';

/** Size key of a trace: steps, then memory words, then printed length, then the sum of its numbers. */
export function traceSizeKey(t: Trace): readonly number[] {
  let numbers = t.registers.cr0 + t.registers.cr3 + t.registers.cr4 + t.registers.efer + t.maxPhyAddr;
  for (const w of t.memory) numbers += w.pa;
  for (const s of t.steps) {
    switch (s.op) {
      case 'load':
      case 'fetch':
      case 'store':
        numbers += s.va + s.size + (s.user ? 1 : 0);
        break;
      case 'invlpg':
        numbers += s.va;
        break;
      case 'write-phys':
        numbers += s.pa;
        break;
      case 'mov-cr0':
      case 'mov-cr3':
      case 'mov-cr4':
        numbers += s.value;
        break;
    }
  }
  return [t.steps.length, t.memory.length, JSON.stringify(t).length, numbers];
}

/** Negative when a is smaller than b in the lexicographic order of their size keys. */
export function compareTraceSize(a: Trace, b: Trace): number {
  const ka = traceSizeKey(a);
  const kb = traceSizeKey(b);
  for (let i = 0; i < ka.length; i++) {
    const d = (ka[i] ?? 0) - (kb[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

class EncodedTraceArbitrary<S> extends fc.Arbitrary<Trace> {
  constructor(
    private readonly source: fc.Arbitrary<S>,
    private readonly encode: (s: S) => Trace,
    private readonly sourceSize: ((s: S) => number) | undefined,
  ) {
    super();
  }

  generate(mrng: fc.Random, biasFactor: number | undefined): fc.Value<Trace> {
    const s = this.source.generate(mrng, biasFactor);
    return new fc.Value(this.encode(s.value_), s);
  }

  canShrinkWithoutContext(value: unknown): value is Trace {
    void value;
    // A trace cannot be decoded back into its scenario.
    return false;
  }

  shrink(value: Trace, context: unknown): fc.Stream<fc.Value<Trace>> {
    if (!(context instanceof fc.Value)) return fc.Stream.nil();
    return this.smallerThan(value, context as fc.Value<S>, true);
  }

  /**
   * The shrinks of `parent` whose traces are smaller than `value`, looking through the first invisible
   * one when `lookThrough`. One look-through per call, never nested: the encodings spent on a value
   * that no candidate fails on stay at most twice its number of shrinks (looking through each invisible
   * removal, and within it each other one, would multiply them). A failure found through it is a new
   * value, which may look through again.
   */
  private smallerThan(value: Trace, parent: fc.Value<S>, lookThrough: boolean): fc.Stream<fc.Value<Trace>> {
    const size = this.sourceSize;
    let looked = !lookThrough;
    return this.source.shrink(parent.value_, parent.context).flatMap((s) => {
      const trace = this.encode(s.value_);
      const order = compareTraceSize(trace, value);
      if (order < 0) return fc.Stream.of(new fc.Value(trace, s));
      if (order === 0 && !looked && size !== undefined && size(s.value_) < size(parent.value_)) {
        looked = true;
        return this.smallerThan(value, s, false);
      }
      return fc.Stream.nil();
    });
  }
}

/**
 * `sourceSize`, when given, lets shrinking look through a smaller source that encodes to a trace of the
 * same size (see above).
 */
export function encodedTraceArbitrary<S>(source: fc.Arbitrary<S>, encode: (s: S) => Trace, sourceSize?: (s: S) => number): fc.Arbitrary<Trace> {
  return new EncodedTraceArbitrary(source, encode, sourceSize);
}

/**
 * A list of 1 to `maxLength` items, generated as `fc.array` generates it, whose shrinking may remove any
 * item, the last one included. fast-check's array shrinker keeps a suffix when it shortens, and at each
 * position shortens the rest only down to the minimum length, so with a minimum of 1 it never removes
 * the last item, however little it matters (or however much it masks a failure, see above). Shrinking
 * runs on the same array with a minimum of 0 (its shrink context has the same form); the empty list is
 * left out.
 */
class NonEmptyArrayArbitrary<T> extends fc.Arbitrary<T[]> {
  private readonly generated: fc.Arbitrary<T[]>;
  private readonly shrinking: fc.Arbitrary<T[]>;

  constructor(item: fc.Arbitrary<T>, maxLength: number) {
    super();
    this.generated = fc.array(item, { minLength: 1, maxLength });
    this.shrinking = fc.array(item, { minLength: 0, maxLength });
  }

  generate(mrng: fc.Random, biasFactor: number | undefined): fc.Value<T[]> {
    return this.generated.generate(mrng, biasFactor);
  }

  canShrinkWithoutContext(value: unknown): value is T[] {
    return this.generated.canShrinkWithoutContext(value);
  }

  shrink(value: T[], context: unknown): fc.Stream<fc.Value<T[]>> {
    return this.shrinking.shrink(value, context).filter((candidate) => candidate.value_.length >= 1);
  }
}

export function nonEmptyArray<T>(item: fc.Arbitrary<T>, maxLength: number): fc.Arbitrary<T[]> {
  return new NonEmptyArrayArbitrary(item, maxLength);
}
