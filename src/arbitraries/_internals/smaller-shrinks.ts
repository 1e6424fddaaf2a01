/**
 * An arbitrary of traces encoded from scenarios whose shrinker offers only strictly smaller traces.
 *
 * A scenario carries parts that may not show in its trace (the data of a load, a hot address nobody
 * uses, an action left out for lack of room), so shrinking through a plain `.map` keeps proposing the
 * same trace, or a longer one, and a slow machine (an out-of-process emulator) would run each of them.
 * Here a candidate is offered only when its trace is smaller in `compareTraceSize`, which makes every
 * accepted shrink step visible progress and bounds the number of steps.
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
    const parent = context as fc.Value<S>;
    return this.source
      .shrink(parent.value_, parent.context)
      .map((s) => new fc.Value(this.encode(s.value_), s))
      .filter((candidate) => compareTraceSize(candidate.value_, value) < 0);
  }
}

export function encodedTraceArbitrary<S>(source: fc.Arbitrary<S>, encode: (s: S) => Trace): fc.Arbitrary<Trace> {
  return new EncodedTraceArbitrary(source, encode);
}
