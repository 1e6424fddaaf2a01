import { describe, expect, it } from 'vitest';
import { hexFromBigInt } from '../arch/word.ts';
import type { MemoryWord, Step, Trace } from '../machine/trace.ts';
import { initialState, type SpecState } from './state.ts';
import { advance, outcomes } from './transition.ts';

const h = hexFromBigInt;
const PG = 0x80000000;
const PAE = 1 << 5;

/** Two address spaces: PDPTs at 0x1000 and 0x9000, directories at 0x2000 and 0xa000, one table each. */
const memory: MemoryWord[] = [
  { pa: 0x1000, value: h(0x2001n) },
  { pa: 0x2010, value: h(0x3007n) },
  { pa: 0x3000, value: h(0x5007n) },
  { pa: 0x9000, value: h(0xa001n) },
  { pa: 0xa010, value: h(0xb007n) },
  { pa: 0xb000, value: h(0xc007n) },
];

function run(steps: Step[]): SpecState[] {
  const t: Trace = { format: 'xlatcheck-trace', version: 1, maxPhyAddr: 36, registers: { cr0: PG, cr3: 0x1000, cr4: PAE, efer: 0 }, memory, steps };
  const states = [initialState(t)];
  for (const step of steps) states.push(advance(states[states.length - 1] as SpecState, [outcomes(states[states.length - 1] as SpecState, step)[0] as never])[0] as SpecState);
  return states;
}

const load: Step = { op: 'load', va: 0x0040_0010, size: 4, user: false };
const away: Step = { op: 'mov-cr3', value: 0x9000 };
const back: Step = { op: 'mov-cr3', value: 0x1000 };

describe('structure caches', () => {
  it('takes a context up again, walks and all, when it returns with its structures untouched', () => {
    const states = run([load, away, load, { op: 'write-phys', pa: 0x6000, value: h(1n) }, back]);
    expect(states[5]?.structures).toBe(states[1]?.structures);
    expect(states[5]?.structures.walks.size).toBe(1);
    expect(states[3]?.structures).not.toBe(states[1]?.structures);
  });

  it('starts afresh when a word of its paging structures changed while it was away', () => {
    const states = run([load, away, { op: 'write-phys', pa: 0x3000, value: h(0x6007n) }, back]);
    expect(states[4]?.structures).not.toBe(states[1]?.structures);
    expect(states[4]?.structures.walks.size).toBe(0);
    // And the walk then reads the new entry.
    const after = outcomes(states[4] as SpecState, load);
    expect(after[0]?.reads[0]).toBe(0x6010);
  });
});
