/**
 * One booted system: the run report (panic, preemptions, completed calls summed over the threads), the
 * refusal of a program with more threads than the system was booted for, and the inode cache that a name
 * cache asks (the lowest-numbered one, wherever it is).
 */
import { describe, expect, it } from 'vitest';
import { defaultLayout } from '../../../src/arbitraries/space/index.ts';
import { ABI, contextFrameAddress, type Program, RESULT, type SystemLayout } from '../../../src/machine/system.ts';
import { expectRun } from '../../../src/spec/space/integrity.ts';
import { referenceSpaceSystem } from './index.ts';

function results(system: { cpu: { readPhys32(pa: number): number }; layout: SystemLayout }, program: Program): number[][] {
  return program.threads.map((calls, t) =>
    calls.map((_, i) => system.cpu.readPhys32(contextFrameAddress(system.layout, t, i) + 4 * ABI.RESULT_WORD) >>> 0),
  );
}

describe('BootedSystem.run', () => {
  it('refuses a program with more threads than the system was booted for', () => {
    const system = referenceSpaceSystem.boot({ layout: defaultLayout(), threads: 1 });
    const program: Program = { threads: [[], [{ op: 'snap.take', space: 3 }]], schedule: [] };
    expect(() => system.run(program)).toThrow(new Error('the system was booted for 1 threads, the program has 2'));
    expect(system.run({ threads: [[{ op: 'snap.take', space: 3 }]], schedule: [] })).toEqual({ panic: null, preemptions: [], completedCalls: 1 });
  });

  it('runs a program of no threads to an empty report', () => {
    const system = referenceSpaceSystem.boot({ layout: defaultLayout(), threads: 2 });
    expect(system.run({ threads: [], schedule: [1, 1] })).toEqual({ panic: null, preemptions: [], completedCalls: 0 });
    expect(system.run({ threads: [[], []], schedule: [1, 1] })).toEqual({ panic: null, preemptions: [], completedCalls: 0 });
  });

  it('counts the completed calls of every thread and reports the preemptions', () => {
    const layout = defaultLayout();
    const system = referenceSpaceSystem.boot({ layout, threads: 3 });
    const program: Program = {
      threads: [
        [
          { op: 'bc.write', space: 0, block: 4, value: 40 },
          { op: 'snap.write', space: 3, block: 4, value: 41 },
        ],
        [{ op: 'bc.read', space: 0, block: 4 }],
        [
          { op: 'snap.take', space: 3 },
          { op: 'snap.read', space: 3, snapshot: 1, block: 4 },
          { op: 'ic.set', space: 1, ino: 4, size: 44 },
        ],
      ],
      schedule: [0, 2, 1],
    };
    const report = system.run(program);
    expect(report).toEqual({
      panic: null,
      preemptions: [
        { from: 0, to: 2, insideCall: false },
        { from: 2, to: 0, insideCall: false },
      ],
      completedCalls: 6,
    });
    expect(results(system, program)).toEqual(expectRun(layout, program).results);
    expect(results(system, program)).toEqual([[RESULT.MISS, 0], [40], [1, 41, RESULT.MISS]]);
  });

  it('a name cache stats through the inode cache of the lowest-numbered inode-cache space, here space 2', () => {
    const base = defaultLayout();
    const kinds = ['name-cache', 'inode-cache', 'inode-cache'] as const;
    const layout: SystemLayout = { ...base, spaces: base.spaces.map((s, i) => ({ ...s, module: kinds[i]! })) };
    const system = referenceSpaceSystem.boot({ layout, threads: 1 });
    const program: Program = {
      threads: [
        [
          { op: 'ic.set', space: 2, ino: 8, size: 800 },
          { op: 'ic.set', space: 3, ino: 8, size: 300 },
          { op: 'nc.enter', space: 1, dir: 2, name: 'x', ino: 8 },
          { op: 'nc.stat', space: 1, dir: 2, name: 'x' },
        ],
      ],
      schedule: [],
    };
    expect(system.run(program)).toEqual({ panic: null, preemptions: [], completedCalls: 4 });
    expect(results(system, program)).toEqual([[RESULT.MISS, RESULT.MISS, RESULT.MISS, 800]]);
    expect(results(system, program)).toEqual(expectRun(layout, program).results);
  });

  it('switches translation and remaps a window page through its kernel', () => {
    const layout = defaultLayout();
    const system = referenceSpaceSystem.boot({ layout, threads: 1 });
    const s2 = layout.spaces[1]!; // the name cache: 2 MiB pages
    const frame = s2.chunk.base + 2 * 2 ** 20;
    system.cpu.writePhys32(frame + 0x40, 0x5a5a);
    system.cpu.writePhys32(s2.chunk.base + 0x40, 0x1111);
    expect(system.currentSpace).toBe(0);
    system.switchTo(2);
    expect(system.currentSpace).toBe(2);
    expect(system.cpu.load(s2.window.va + 0x40, 4, false)).toBe(true);
    expect(system.cpu.valueLo).toBe(0x1111);
    system.remapLargePage(2, s2.window.va + 0x1234, frame);
    expect(system.cpu.load(s2.window.va + 0x40, 4, false)).toBe(true);
    expect(system.cpu.valueLo).toBe(0x5a5a);
    system.switchTo(0);
    expect(system.currentSpace).toBe(0);
    expect((system.cpu.cr0 & 2 ** 31) >>> 0).toBe(0);
  });
});
