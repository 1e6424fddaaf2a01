/**
 * Shrinking past a masking action. A trace family leaves out an action that does not fit its step
 * budget, and removing an earlier action makes room for it; when its steps undo the failure (a write
 * that restores an entry a faulty machine corrupted), every visible shrink passes. Shrinking must then
 * be able to remove that action itself, although its removal does not change the trace, and even when
 * it is the last action of the list.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Trace } from '../machine/trace.ts';
import { compareTraceSize, encodedTraceArbitrary, nonEmptyArray } from './_internals/smaller-shrinks.ts';

function candidates<T>(arb: fc.Arbitrary<T>, value: fc.Value<T>): fc.Value<T>[] {
  return [...arb.shrink(value.value_, value.context)];
}

describe('nonEmptyArray', () => {
  it('shrinks by removing any item, the last one included, never to the empty list', () => {
    const arb = nonEmptyArray(fc.nat(9), 5);
    const shrunk = candidates(arb, new fc.Value([4, 7, 2], undefined)).map((v) => v.value_);
    for (const wanted of [[7, 2], [4, 2], [4, 7]]) expect(shrunk).toContainEqual(wanted);
    expect(shrunk).not.toContainEqual([]);
    const last = candidates(arb, new fc.Value([4], undefined)).map((v) => v.value_);
    expect(last.every((v) => v.length === 1)).toBe(true);
  });
});

describe('encodedTraceArbitrary', () => {
  // Items are loads of page `item` that cost `item` steps of a budget of 9; an item that does not fit is
  // left out, and the items after it still get their chance (as in scenario-encoder.ts).
  const encode = (items: number[]): Trace => {
    const shown: number[] = [];
    let used = 0;
    for (const item of items) {
      if (used + item > 9) continue;
      used += item;
      shown.push(item);
    }
    return {
      format: 'xlatcheck-trace',
      version: 1,
      maxPhyAddr: 36,
      registers: { cr0: 0, cr3: 0, cr4: 0, efer: 0 },
      memory: [],
      steps: shown.map((item) => ({ op: 'load', va: item * 4096, size: 1, user: false })),
    } as Trace;
  };
  // Fails when a load of page 5 has no load of page 1 after it: page 1 masks the failure.
  const fails = (t: Trace): boolean => {
    const five = t.steps.findIndex((s) => s.op === 'load' && s.va === 5 * 4096);
    return five >= 0 && !t.steps.slice(five + 1).some((s) => s.op === 'load' && s.va === 4096);
  };

  function shrinkFully(sourceSize?: (items: number[]) => number): Trace {
    const arb = encodedTraceArbitrary(nonEmptyArray(fc.nat(9), 6), encode, sourceSize);
    // [4, 5] fill the budget, 1 is left out; removing or shrinking 4 makes room for the 1, which masks.
    let current = new fc.Value(encode([4, 5, 1]), new fc.Value([4, 5, 1], undefined) as unknown);
    expect(fails(current.value_)).toBe(true);
    for (;;) {
      const next = candidates(arb, current).find((c) => fails(c.value_));
      if (next === undefined) return current.value_;
      expect(compareTraceSize(next.value_, current.value_)).toBeLessThan(0);
      current = next;
    }
  }

  it('looks through a smaller source that encodes to the same trace, offering only strictly smaller traces', () => {
    expect(shrinkFully((items) => items.length).steps.map((s) => s.op === 'load' && s.va / 4096)).toEqual([5]);
  });

  it('is stuck behind the masking item without it', () => {
    expect(shrinkFully().steps).toHaveLength(2);
  });
});
