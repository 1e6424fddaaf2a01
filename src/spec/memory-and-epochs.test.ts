import { describe, expect, it } from 'vitest';
import { hexFromBigInt } from '../arch/word.ts';
import type { MemoryWord, Step, Trace } from '../machine/trace.ts';
import { tableFrames } from './paging-structures.ts';
import { PhysicalMemory } from './physical-memory.ts';
import { pagingContext, initialState, type SpecState } from './state.ts';
import { sameState } from './state-equality.ts';
import { advance, dedupe, outcomes } from './transition.ts';

const PG = 0x80000000;
const PAE = 1 << 5;
const PSE = 1 << 4;

/** PAE: PDPT at 0x1000, PD at 0x2000, PT at 0x3000 (va 0x00400000 -> 0x5000), a 2 MiB PDE, data at 0x8000. */
function paeTrace(steps: Step[]): Trace {
  const memory: MemoryWord[] = [
    { pa: 0x1000, value: hexFromBigInt(0x2001n) },
    { pa: 0x2000 + 2 * 8, value: hexFromBigInt(0x3007n) },
    { pa: 0x2000 + 3 * 8, value: hexFromBigInt(0x1_0020_0087n) },
    { pa: 0x3000, value: hexFromBigInt(0x5007n) },
  ];
  return { format: 'xlatcheck-trace', version: 1, maxPhyAddr: 36, registers: { cr0: PG, cr3: 0x1000, cr4: PAE, efer: 0 }, memory, steps };
}

/** Runs the specification along its first outcome at every step. */
function run(t: Trace): SpecState {
  let s = initialState(t);
  for (const step of t.steps) s = advance(s, [outcomes(s, step)[0] as never])[0] as SpecState;
  return s;
}

describe('physical memory', () => {
  it('copies only what a write touches and keeps older memories unchanged', () => {
    const a = PhysicalMemory.fromWords([
      [0x1000, 1n],
      [0x2_0000_0000, 2n],
    ]);
    const b = a.writeWord(0x2_0000_0008, 3n);
    expect(a.readWord(0x2_0000_0008)).toBe(0n);
    expect(b.readWord(0x2_0000_0008)).toBe(3n);
    expect(b.sharesFrame(a, 0x1000)).toBe(true);
    expect(b.sharesFrame(a, 0x2_0000_0000)).toBe(false);
    expect(b.entries()).toEqual([
      [0x1000, 1n],
      [0x2_0000_0000, 2n],
      [0x2_0000_0008, 3n],
    ]);
  });

  it('builds from words in any order: a later word at an address replaces an earlier one, zeros are absent', () => {
    const words: [number, bigint][] = [
      [0x2_0000_0010, 5n],
      [0x1000, 1n],
      [0x2_0000_0010, 6n],
      [0x1008, 0n],
      [0x2_0000_0000, 2n],
      [0x1000, 0n],
    ];
    let written = PhysicalMemory.empty();
    for (const [pa, value] of words) written = written.writeWord(pa, value);
    const built = PhysicalMemory.fromWords(words);
    expect(built.entries()).toEqual([
      [0x2_0000_0000, 2n],
      [0x2_0000_0010, 6n],
    ]);
    expect(built.equals(written)).toBe(true);
    expect(built.hash).toBe(written.hash);
  });

  it('tells equal contents from different ones, however they were reached', () => {
    const base = PhysicalMemory.fromWords([[0x1000, 1n]]);
    const there = base.writeWord(0x1_0000_2000, 5n);
    const backAgain = there.writeWord(0x1_0000_2000, 0n);
    expect(backAgain.equals(base)).toBe(true);
    expect(backAgain.hash).toBe(base.hash);
    expect(there.equals(base)).toBe(false);
    // Same hash and size are not enough: a word that differs makes the memories differ.
    expect(base.writeWord(0x1000, 2n).equals(base)).toBe(false);
    expect(PhysicalMemory.fromWords([[0x1000, 0n]]).equals(PhysicalMemory.empty())).toBe(true);
  });
});

describe('paging-structure frames', () => {
  it('PAE: the PDPT, the directories of present PDPTEs and the tables of present non-2 MiB PDEs', () => {
    const s = initialState(paeTrace([]));
    const ctx = pagingContext(s);
    if (ctx === null) throw new Error('paging is on');
    expect([...tableFrames(s.memory, ctx)].sort((x, y) => x - y)).toEqual([0x1000, 0x2000, 0x3000]);
  });

  it('32-bit: a PS=1 PDE references a table unless CR4.PSE = 1 (SDM 4.3)', () => {
    const memory: MemoryWord[] = [{ pa: 0x2000, value: hexFromBigInt((0x0040_0083n << 32n) | 0x3003n) }];
    const t = (cr4: number): Trace => ({ format: 'xlatcheck-trace', version: 1, maxPhyAddr: 36, registers: { cr0: PG, cr3: 0x2000, cr4, efer: 0 }, memory, steps: [] });
    const frames = (cr4: number): number[] => {
      const s = initialState(t(cr4));
      return [...tableFrames(s.memory, pagingContext(s) as never)].sort((x, y) => x - y);
    };
    expect(frames(PSE)).toEqual([0x2000, 0x3000]);
    expect(frames(0)).toEqual([0x2000, 0x3000, 0x40_0000]);
  });
});

describe('epochs', () => {
  const store = (va: number): Step => ({ op: 'store', va, size: 4, user: false, value: '0x1' }) as Step;

  it('a store outside the paging structures does not add an epoch: the last one is replaced', () => {
    const s = run(paeTrace([store(0x0040_0010), store(0x0040_0020), store(0x0040_0030)]));
    expect(s.epochs).toHaveLength(1);
    expect(s.lastEpochIsCurrent).toBe(true);
  });

  it('a write to a page table keeps the epoch before it', () => {
    const s = run(paeTrace([store(0x0040_0010), { op: 'write-phys', pa: 0x3000, value: '0x6007' } as Step, store(0x0040_0020)]));
    expect(s.epochs).toHaveLength(2);
    // The old translation (to 0x5000) is still one a TLB may hold: a load may read either frame.
    const load: Step = { op: 'load', va: 0x0040_0010, size: 4, user: false } as Step;
    expect(outcomes(s, load).map((o) => o.observation)).toHaveLength(2);
  });

  it('a MOV to CR3 without global pages ends every epoch', () => {
    const s = run(paeTrace([{ op: 'write-phys', pa: 0x3000, value: '0x6007' } as Step, { op: 'mov-cr3', value: 0x1000 } as Step]));
    expect(s.epochs).toHaveLength(0);
    expect(s.events).toHaveLength(0);
  });

  it('dedupe keeps one of two equal states and both of two different ones', () => {
    const a = initialState(paeTrace([]));
    const b = { ...a, memory: a.memory.writeWord(0x8000, 1n).writeWord(0x8000, 0n) };
    const c = { ...a, memory: a.memory.writeWord(0x8000, 1n) };
    expect(sameState(a, b)).toBe(true);
    expect(dedupe([a, b, c], 10)).toEqual([a, c]);
  });
});
