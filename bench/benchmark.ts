/**
 * What a benchmark is and how it is timed. A benchmark returns named measurements; a measurement with a
 * target says which way is good. Speed is always reported beside a baseline measured in the same process
 * (DESIGN.md: ratios, never absolute numbers in tests), so a slow machine slows both.
 */

export interface Target {
  /** 'min': the value must be at least `value`; 'max': at most. */
  readonly kind: 'min' | 'max';
  readonly value: number;
}

export interface Measurement {
  readonly name: string;
  readonly value: number;
  readonly unit: string;
  readonly target: Target | null;
}

export interface Benchmark {
  readonly name: string;
  readonly description: string;
  run(): Measurement[] | Promise<Measurement[]>;
}

export function measurement(name: string, value: number, unit: string, target: Target | null = null): Measurement {
  return { name, value, unit, target };
}

export function meetsTarget(m: Measurement): boolean | null {
  if (m.target === null) return null;
  return m.target.kind === 'min' ? m.value >= m.target.value : m.value <= m.target.value;
}

/**
 * Operations per second of `body(count)`, which must perform `count` operations and return a number
 * (kept, so the work cannot be optimised away). One warm-up run, then the best of `repeats`.
 */
export function opsPerSecond(count: number, body: (count: number) => number, repeats = 5): number {
  let sink = body(Math.min(count, 1_000_000));
  let best = 0;
  for (let r = 0; r < repeats; r++) {
    const start = process.hrtime.bigint();
    sink += body(count);
    const seconds = Number(process.hrtime.bigint() - start) / 1e9;
    best = Math.max(best, count / seconds);
  }
  keep(sink);
  return best;
}

let kept = 0;
/** Consumes a result so that the JIT cannot drop the loop that produced it. */
export function keep(value: number): void {
  kept = (kept + value) | 0;
  if (kept === 0x7fffffff) console.log('');
}

/** A small deterministic generator (xorshift32): benchmarks need spread, not statistical quality. */
export function xorshift32(seed: number): () => number {
  let state = seed >>> 0 || 1;
  return () => {
    state ^= state << 13;
    state >>>= 0;
    state ^= state >>> 17;
    state ^= state << 5;
    state >>>= 0;
    return state;
  };
}
