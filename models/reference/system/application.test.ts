/**
 * The application threads of space 0: each call's context frame written into the thread's own stack,
 * preemption points before writing it and before entering the gate, the "inside a call" flag while the
 * gate runs, the count of completed calls, and a stack overflow as a panic before anything is written.
 */
import { describe, expect, it } from 'vitest';
import { defaultLayout } from '../../../src/arbitraries/space/index.ts';
import { ABI, type Call, contextFrameAddress, contextFrameWords, type SystemLayout } from '../../../src/machine/system.ts';
import { createReferenceProcessor } from '../index.ts';
import { MemoryPort } from '../modules/index.ts';
import { applicationThread } from './application.ts';
import { BootedSystem, REFERENCE_PARTS, referenceSpaceSystem } from './index.ts';

function boot(layout: SystemLayout = defaultLayout()): BootedSystem {
  return new BootedSystem(createReferenceProcessor({ maxPhyAddr: layout.maxPhyAddr }), layout, 2, REFERENCE_PARTS);
}

function words(system: { cpu: { readPhys32(pa: number): number } }, at: number, count: number): number[] {
  return Array.from({ length: count }, (_, k) => system.cpu.readPhys32(at + 4 * k) >>> 0);
}

describe('applicationThread', () => {
  it('writes the frame after a preemption point, enters the gate after another, and is inside the call until it returns', () => {
    const system = boot();
    const calls: Call[] = [
      { op: 'bc.write', space: 0, block: 2, value: 20 },
      { op: 'bc.read', space: 0, block: 2 },
    ];
    const progress = applicationThread(1, calls, system.layout, new MemoryPort(system.cpu), system.gate);
    const frames = [0, 1].map((i) => contextFrameAddress(system.layout, 1, i));
    expect(progress).toMatchObject({ insideCall: false, space: 0, completed: 0 });

    const seen: [boolean, number, number, number][] = [];
    for (;;) {
      const done = progress.steps.next().done === true;
      seen.push([progress.insideCall, progress.completed, words(system, frames[0]!, 1)[0]!, words(system, frames[1]!, 1)[0]!]);
      if (done) break;
    }
    // per call: a point before the frame, one before the gate, then the gate's six points
    const call0 = [[false, 0, 0, 0], [false, 0, 0x100, 0], ...new Array(6).fill([true, 0, 0x100, 0])];
    const call1 = [[false, 1, 0x100, 0], [false, 1, 0x100, 0], ...new Array(6).fill([true, 1, 0x100, 0])];
    expect(seen).toEqual([...call0, ...call1, [false, 2, 0x100, 0]]);
    expect(progress.completed).toBe(2);
    const expected = calls.map((c, i) => contextFrameWords(c, 1, i));
    expected[0]![ABI.RESULT_WORD] = 0xffffffff;
    expected[1]![ABI.RESULT_WORD] = 20;
    expect(frames.map((f) => words(system, f, ABI.FRAME_WORDS))).toEqual(expected);
  });

  it('panics at the first call its stack cannot hold, before writing that frame', () => {
    const layout: SystemLayout = { ...defaultLayout(), stackBytes: 2 * ABI.FRAME_BYTES };
    const system = referenceSpaceSystem.boot({ layout, threads: 2 });
    const write = (block: number): Call => ({ op: 'bc.write', space: 0, block, value: block * 10 });
    const report = system.run({ threads: [[], [write(1), write(2), write(3)]], schedule: [] });
    expect(report).toEqual({ panic: 'KernelPanic: thread 1: stack overflow at call 2', preemptions: [], completedCalls: 2 });
    expect(words(system, contextFrameAddress(layout, 1, 1), ABI.FRAME_WORDS)).toEqual([
      ...contextFrameWords(write(2), 1, 1).slice(0, ABI.RESULT_WORD),
      0xffffffff,
      ...contextFrameWords(write(2), 1, 1).slice(ABI.FIRST_LOCAL_WORD),
    ]);
    // the third frame would be the first word past thread 1's stack
    expect(contextFrameAddress(layout, 1, 2)).toBe(ABI.STACKS_VA + 2 * layout.stackBytes);
    expect(words(system, contextFrameAddress(layout, 1, 2), ABI.FRAME_WORDS)).toEqual(new Array(16).fill(0));
  });

  it('a stack that holds exactly the calls is no overflow', () => {
    const layout: SystemLayout = { ...defaultLayout(), stackBytes: 2 * ABI.FRAME_BYTES };
    const system = referenceSpaceSystem.boot({ layout, threads: 1 });
    const report = system.run({ threads: [[{ op: 'bc.write', space: 0, block: 1, value: 5 }, { op: 'bc.read', space: 0, block: 1 }]], schedule: [] });
    expect(report).toEqual({ panic: null, preemptions: [], completedCalls: 2 });
    expect(system.cpu.readPhys32(contextFrameAddress(layout, 0, 1) + 4 * ABI.RESULT_WORD)).toBe(5);
  });
});
