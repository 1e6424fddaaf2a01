import { describe, expect, it } from 'vitest';
import { hexFromHalves } from '../../src/arch/word.ts';
import type { Machine } from '../../src/machine/machine.ts';
import type { MachineResult } from '../../src/machine/observation.ts';
import { type Step, type Trace, TRACE_FORMAT, TRACE_VERSION } from '../../src/machine/trace.ts';
import { PaeTableBuilder, referenceMachine } from '../reference/index.ts';
import { brokenMachines } from './index.ts';

const PG = 0x80000000;
const PAE = 1 << 5;
const GiB = 2 ** 30;
const hex = (n: number) => hexFromHalves(n % 2 ** 32, Math.floor(n / 2 ** 32));

/** A trace over the tables `build` writes, with extra data words, paging on from the start. */
function trace(build: (b: PaeTableBuilder) => void, data: [number, number][], steps: Step[]): Trace {
  const b = new PaeTableBuilder({ pdpt: 0x1000, tables: 0x10000 });
  build(b);
  const memory = [...b.memory(), ...data.map(([pa, v]) => ({ pa, value: hex(v) }))].sort((x, y) => x.pa - y.pa);
  return {
    format: TRACE_FORMAT,
    version: TRACE_VERSION,
    maxPhyAddr: 36,
    registers: { cr0: PG, cr3: b.cr3, cr4: PAE, efer: 0 },
    memory,
    steps,
  };
}

const pteOf = (va: number): number => new PaeTableBuilder({ pdpt: 0x1000, tables: 0x10000 }).map4k(va, 0).pteAddress(va);
const load = (va: number): Step => ({ op: 'load', va, size: 4, user: false });

/** Maps 0x5000 to 0x7000 (holding 1), loads it, repoints the PTE to 0x8000 (holding 2), then `between`, then loads. */
const repointTrace = (between: Step): Trace =>
  trace((b) => b.map4k(0x5000, 0x7000), [[0x7000, 1], [0x8000, 2]], [
    load(0x5000),
    { op: 'write-phys', pa: pteOf(0x5000), value: hex(0x8000 | 0x67) },
    between,
    load(0x5000),
  ]);

const CASES: Record<string, Trace> = {
  'broken:no-invlpg': repointTrace({ op: 'invlpg', va: 0x5000 }),
  'broken:cr3-keeps-nonglobal': repointTrace({ op: 'mov-cr3', value: 0x1000 }),
  'broken:truncated-pa': trace((b) => b.map4k(0x5000, 9 * GiB + 0x7000), [[9 * GiB + 0x7000, 5]], [load(0x5000)]),
  'broken:large-offset-mask': trace((b) => b.map2m(0x00400000, 0x00a00000), [[0x00b00000, 7]], [load(0x00500000)]),
  'broken:no-accessed-dirty': trace((b) => b.map4k(0x5000, 0x7000), [], [
    load(0x5000),
    { op: 'store', va: 0x5008, size: 4, value: hex(3), user: false },
  ]),
};

async function run(machine: Machine, t: Trace): Promise<MachineResult> {
  return machine.run(t);
}

describe('broken machines', () => {
  it('are listed with their target families, one case each', () => {
    expect(brokenMachines.map((b) => b.machine.name).sort()).toEqual(Object.keys(CASES).sort());
    for (const b of brokenMachines) expect(b.targets.length).toBeGreaterThan(0);
  });

  for (const { machine } of brokenMachines) {
    it(`${machine.name} differs from the reference on its small trace`, async () => {
      const t = CASES[machine.name];
      if (t === undefined) throw new Error(`no case for ${machine.name}`);
      const expected = await run(referenceMachine, t);
      const actual = await run(machine, t);
      expect(actual).not.toEqual(expected);
    });
  }

  it('the reference gives the architectural answers on those traces', async () => {
    const value = async (name: string): Promise<unknown> => {
      const t = CASES[name];
      if (t === undefined) throw new Error(name);
      return (await run(referenceMachine, t)).observations.at(-1);
    };
    expect(await value('broken:no-invlpg')).toEqual({ kind: 'value', value: '0x2' });
    expect(await value('broken:cr3-keeps-nonglobal')).toEqual({ kind: 'value', value: '0x2' });
    expect(await value('broken:truncated-pa')).toEqual({ kind: 'value', value: '0x5' });
    expect(await value('broken:large-offset-mask')).toEqual({ kind: 'value', value: '0x7' });
  });
});
