import { describe, expect, it } from 'vitest';
import { compare } from '../machine/check.ts';
import type { MachineResult, Observation } from '../machine/observation.ts';
import type { Step } from '../machine/trace.ts';
import { PhysicalMemory } from './physical-memory.ts';
import { h, remap, trace } from './stale-remap.fixture.ts';
import { initialState, type SpecState } from './state.ts';
import { sameState } from './state-equality.ts';
import { advance, outcomes } from './transition.ts';
import { concreteStates, mergeDataVariants, splitOn, variantsHold, variantWordsTouched } from './variant-states.ts';

const VA = 0x0040_0010;
const STALE_PA = 0x5010;
const FRESH_PA = 0x6010;

const store = (va: number, value: bigint): Step => ({ op: 'store', va, size: 4, user: false, value: h(value) });
const load = (va: number): Step => ({ op: 'load', va, size: 4, user: false });

/** The states after each step, every outcome followed (the observation of the first one). */
function follow(steps: Step[]): SpecState[] {
  let states = [initialState(trace(steps))];
  for (const step of steps) states = states.flatMap((s) => advance(s, outcomes(s, step).filter((o) => o.observation.kind === outcomes(s, step)[0]?.observation.kind)));
  return states;
}

/** After the remap without INVLPG, the store goes through the stale (0x5000) or the fresh (0x6000) translation. */
const forking = [remap, store(VA, 0xabn)];

describe('data variants', () => {
  it('a store through a stale or a fresh translation forks states that merge into one with two variants', () => {
    const forked = follow(forking);
    expect(forked).toHaveLength(2);
    const [merged, ...rest] = mergeDataVariants(forked, 256);
    expect(rest).toEqual([]);
    expect(merged?.dataVariants?.variants).toHaveLength(2);
    expect([...(merged?.dataVariants?.words ?? [])].sort((a, b) => a - b)).toEqual([STALE_PA, FRESH_PA]);
    // Split again, the variants are exactly the forked states, in order.
    const split = concreteStates(merged as SpecState);
    expect(split.map((s, i) => sameState(s, forked[i] as SpecState))).toEqual([true, true]);
  });

  it('a load of a byte the variants disagree on tells them apart; a load elsewhere does not', () => {
    const merged = mergeDataVariants(follow(forking), 256)[0] as SpecState;
    const touched = (step: Step): number[] => variantWordsTouched(merged, outcomes(merged, step)).sort((a, b) => a - b);
    expect(touched(load(VA))).toEqual([STALE_PA, FRESH_PA]);
    expect(touched(load(VA + 0x100))).toEqual([]);
    // The word at VA + 4 is a variant word, but no variant changed its bytes.
    expect(touched({ op: 'load', va: VA + 4, size: 4, user: false })).toEqual([]);
    expect(touched(store(VA + 4, 1n))).toEqual([STALE_PA, FRESH_PA]);
  });

  it('splits by the values of the words a step touches, keeping the other variants merged', () => {
    // Two forking stores: four variants, two frames for each store (merged after each step, as the
    // comparison does: unmerged, the second store's epochs would hold the first store's choices).
    const once = mergeDataVariants(follow(forking), 256);
    const merged = mergeDataVariants(once.flatMap((s) => advance(s, outcomes(s, store(VA + 0x200, 0xcdn)))), 256);
    expect(merged).toHaveLength(1);
    const state = merged[0] as SpecState;
    expect(state.dataVariants?.variants).toHaveLength(4);
    // Settling the first store's stale word leaves two states, each with the second store's two choices.
    const split = splitOn(state, [STALE_PA]);
    expect(split.map((s) => s.dataVariants?.variants.length)).toEqual([2, 2]);
    expect(split.map((s) => s.memory.readWord(STALE_PA)).sort()).toEqual([0n, 0xabn]);
    // The concrete states are the same, in another order.
    const key = (s: SpecState): string => s.memory.entries().map(([pa, v]) => `${pa}=${v}`).join(',');
    expect(split.flatMap(concreteStates).map(key).sort()).toEqual(concreteStates(state).map(key).sort());
    // Settling every variant word leaves concrete states.
    expect(splitOn(state, [...(state.dataVariants?.words ?? [])]).every((s) => s.dataVariants === null)).toBe(true);
  });

  it('variant words may be neither paging-structure words nor words with uncertain bits', () => {
    const s = initialState(trace([]));
    const at = (w: number): SpecState => ({ ...s, dataVariants: { words: new Set([w]), variants: [new Map(), new Map([[w, 1n]])] } });
    expect(variantsHold(at(0x8000))).toBe(true);
    expect(variantsHold(at(0x3008))).toBe(false);
    expect(variantsHold({ ...at(0x8000), maySet: new Map([[0x8000, 0x20n]]) })).toBe(false);
  });

  it('states that differ in more than memory stay apart', () => {
    const [a, b] = follow(forking) as [SpecState, SpecState];
    const other = { ...b, registers: { ...b.registers, cr0: b.registers.cr0 | 1 } };
    expect(mergeDataVariants([a, other], 256)).toEqual([a, other]);
    expect(mergeDataVariants([a, b], 1)).toEqual([a, b]);
  });
});

describe('comparison with merged choices stays exact', () => {
  // Stores through a stale or a fresh translation, then steps that read neither frame: the specification
  // follows one state with variants. The machine's final memory must still match one choice entirely.
  const steps = [...forking, store(0x0060_0000, 1n), load(VA + 0x100), store(VA + 0x200, 2n), load(VA + 0x300)];
  const done: Observation = { kind: 'done' };
  const zero: Observation = { kind: 'value', value: h(0n) };

  /** A result whose final memory holds the first store's bytes at `first` and the second's at `second`. */
  function result(first: readonly number[], second: readonly number[]): MachineResult {
    const words = new Map<number, bigint>([
      [0x1000, 0x2001n],
      [0x2010, 0x3027n],
      [0x3000, 0x6067n],
    ]);
    for (const pa of first) words.set(pa, 0xabn);
    for (const pa of second) words.set(pa, 2n);
    return {
      observations: [done, done, { kind: 'page-fault', errorCode: 2, cr2: 0x0060_0000 }, zero, done, zero],
      memory: [...words].map(([pa, value]) => ({ pa, value: h(value) })),
    };
  }

  it('accepts each store in either frame, in every combination', () => {
    for (const first of [STALE_PA, FRESH_PA])
      for (const second of [STALE_PA + 0x200, FRESH_PA + 0x200]) expect(compare(trace(steps), result([first], [second])).divergence).toBeNull();
  });

  it('finds a machine that stored in both frames or in neither (a per-word merge would accept both)', () => {
    for (const first of [[STALE_PA, FRESH_PA], []]) expect(compare(trace(steps), result(first, [STALE_PA + 0x200])).divergence?.kind).toBe('final-memory');
    expect(compare(trace(steps), result([FRESH_PA], [STALE_PA + 0x200, FRESH_PA + 0x200])).divergence?.kind).toBe('final-memory');
  });

  it('finds a load that returns what no choice stored', () => {
    const r = result([STALE_PA], [STALE_PA + 0x200]);
    const t = trace([...steps, load(VA)]);
    expect(compare(t, { ...r, observations: [...r.observations, { kind: 'value', value: h(0xabn) }] }).divergence).toBeNull();
    expect(compare(t, { ...r, observations: [...r.observations, { kind: 'value', value: h(0xcdn) }] }).divergence?.kind).toBe('observation');
  });
});

describe('differing words', () => {
  it('lists the words two memories disagree on, skipping what they share, or null past the limit', () => {
    const a = PhysicalMemory.fromWords([
      [0x1000, 1n],
      [0x2_0000_0000, 2n],
    ]);
    const b = a.writeWord(0x2_0000_0008, 3n).writeWord(0x1000, 0n);
    expect(a.differingWords(b, 8)?.sort((x, y) => x - y)).toEqual([0x1000, 0x2_0000_0008]);
    expect(a.differingWords(a, 8)).toEqual([]);
    expect(a.differingWords(b, 1)).toBeNull();
  });
});
