/**
 * The thread scheduler on a booted reference kernel: claim 7's preemption switch, the schedule's
 * decisions (0 keeps the current thread, d > 0 picks the d-th next runnable one, cyclically), the
 * preemption records, the context switch that saves and restores a thread's space, and a panic as a value.
 */
import { describe, expect, it } from 'vitest';
import { defaultLayout } from '../../../src/arbitraries/space/index.ts';
import { createReferenceProcessor } from '../index.ts';
import { BootedSystem, Kernel, KernelPanic, REFERENCE_PARTS, Scheduler } from './index.ts';
import type { SchedulableThread } from './scheduler.ts';

function bootKernel(): Kernel {
  const layout = defaultLayout();
  return new BootedSystem(createReferenceProcessor({ maxPhyAddr: layout.maxPhyAddr }), layout, 2, REFERENCE_PARTS).kernel;
}

/** A thread of `steps` preemption points that logs "name.k" as it reaches step k. */
function thread(name: string, steps: number, log: string[]): SchedulableThread {
  function* run(): Generator<void, void, void> {
    for (let k = 0; k < steps; k++) {
      log.push(`${name}.${k}`);
      yield;
    }
    log.push(`${name}.end`);
  }
  return { steps: run(), insideCall: false, space: 0 };
}

describe('Scheduler preemption switch', () => {
  it('counts disables, and an enable without a disable leaves preemption enabled', () => {
    const scheduler = new Scheduler(bootKernel());
    expect(scheduler.preemptionEnabled).toBe(true);
    scheduler.enablePreemption();
    expect(scheduler.preemptionEnabled).toBe(true);
    scheduler.disablePreemption();
    expect(scheduler.preemptionEnabled).toBe(false);
    scheduler.enablePreemption();
    expect(scheduler.preemptionEnabled).toBe(true);
    scheduler.disablePreemption();
    scheduler.disablePreemption();
    scheduler.enablePreemption();
    expect(scheduler.preemptionEnabled).toBe(false);
    scheduler.enablePreemption();
    expect(scheduler.preemptionEnabled).toBe(true);
  });

  it('a thread that disables preemption is not preempted until it enables it again', () => {
    const kernel = bootKernel();
    const scheduler = new Scheduler(kernel);
    const log: string[] = [];
    function* guarded(): Generator<void, void, void> {
      scheduler.enablePreemption(); // one too many: must not count
      log.push('a.0');
      yield;
      scheduler.disablePreemption();
      log.push('a.1');
      yield;
      log.push('a.2');
      yield;
      scheduler.enablePreemption();
      log.push('a.3');
      yield;
      log.push('a.end');
    }
    const threads = [{ steps: guarded(), insideCall: false, space: 0 }, thread('b', 1, log)];
    expect(scheduler.run(threads, [0, 1])).toEqual({ preemptions: [{ from: 0, to: 1, insideCall: false }], panic: null });
    expect(log).toEqual(['a.0', 'a.1', 'a.2', 'a.3', 'b.0', 'b.end', 'a.end']);
  });
});

describe('Scheduler.run', () => {
  it('with no threads does nothing and reports nothing', () => {
    const kernel = bootKernel();
    expect(new Scheduler(kernel).run([], [1, 2, 3])).toEqual({ preemptions: [], panic: null });
    expect(kernel.currentSpace).toBe(0);
  });

  it('runs one thread to the end without a preemption, whatever the decisions', () => {
    const log: string[] = [];
    const outcome = new Scheduler(bootKernel()).run([thread('a', 3, log)], [0, 1, 2]);
    expect(outcome).toEqual({ preemptions: [], panic: null });
    expect(outcome.preemptions).toHaveLength(0);
    expect(log).toEqual(['a.0', 'a.1', 'a.2', 'a.end']);
  });

  it('0 keeps the thread, d picks the d-th next runnable thread cyclically, a multiple of their count keeps it', () => {
    const log: string[] = [];
    const threads = [thread('a', 3, log), thread('b', 3, log), thread('c', 3, log)];
    // points: a.0 -> 0 (keep) | a.1 -> 2 (c) | c.0 -> 3 (keep: 3 runnable) | c.1 -> 1 (a) | a.2 -> 4 (b) | b.0 -> 0 ...
    const outcome = new Scheduler(bootKernel()).run(threads, [0, 2, 3, 1, 4]);
    expect(outcome).toEqual({
      preemptions: [
        { from: 0, to: 2, insideCall: false },
        { from: 2, to: 0, insideCall: false },
        { from: 0, to: 1, insideCall: false },
      ],
      panic: null,
    });
    expect(log).toEqual(['a.0', 'a.1', 'c.0', 'c.1', 'a.2', 'b.0', 'b.1', 'b.2', 'b.end', 'c.2', 'c.end', 'a.end']);
  });

  it('counts only runnable threads: a finished thread hands over to the next runnable one', () => {
    const log: string[] = [];
    const threads = [thread('a', 1, log), thread('b', 3, log), thread('c', 3, log)];
    // a.0 -> 0 | a ends: to b | b.0 -> 2 (two runnable: b, c; 2 keeps b) | b.1 -> 1 (c) | c.0 -> 1 (b)
    const outcome = new Scheduler(bootKernel()).run(threads, [0, 2, 1, 1]);
    expect(outcome).toEqual({
      preemptions: [
        { from: 1, to: 2, insideCall: false },
        { from: 2, to: 1, insideCall: false },
      ],
      panic: null,
    });
    expect(log).toEqual(['a.0', 'a.end', 'b.0', 'b.1', 'c.0', 'b.2', 'b.end', 'c.1', 'c.2', 'c.end']);
  });

  it('records whether the preempted thread was inside a call', () => {
    const log: string[] = [];
    const a = thread('a', 2, log);
    const b = thread('b', 2, log);
    a.insideCall = true;
    expect(new Scheduler(bootKernel()).run([a, b], [1, 1])).toEqual({
      preemptions: [
        { from: 0, to: 1, insideCall: true },
        { from: 1, to: 0, insideCall: false },
      ],
      panic: null,
    });
  });

  it('saves the space of the thread it switches out and restores it when the thread comes back', () => {
    const kernel = bootKernel();
    const seen: string[] = [];
    function* inSpace(name: string, space: number): Generator<void, void, void> {
      kernel.switchTo(space);
      seen.push(`${name} in ${kernel.currentSpace}`);
      yield;
      seen.push(`${name} back in ${kernel.currentSpace}`);
      yield;
      seen.push(`${name} ends in ${kernel.currentSpace}`);
    }
    const threads = [
      { steps: inSpace('a', 2), insideCall: false, space: 0 },
      { steps: inSpace('b', 3), insideCall: false, space: 0 },
      { steps: inSpace('c', 1), insideCall: false, space: 0 },
    ];
    // a (space 2) -> b | b (space 3) -> a | a -> c | c (space 1) -> b | b ends -> c | c ends -> a | a ends
    const outcome = new Scheduler(kernel).run(threads, [1, 2, 2, 2]);
    expect(outcome.panic).toBeNull();
    expect(outcome.preemptions.map((p) => [p.from, p.to])).toEqual([
      [0, 1],
      [1, 0],
      [0, 2],
      [2, 1],
    ]);
    expect(seen).toEqual(['a in 2', 'b in 3', 'a back in 2', 'c in 1', 'b back in 3', 'b ends in 3', 'c back in 1', 'c ends in 1', 'a ends in 2']);
    expect(threads.map((t) => t.space)).toEqual([2, 3, 1]);
  });

  it('reports a panic as "name: message" with the preemptions before it, and a thrown non-error as its string', () => {
    const log: string[] = [];
    function* panicking(): Generator<void, void, void> {
      yield;
      throw new KernelPanic('kernel: MOV to CR3 raised #GP');
    }
    const threads = [thread('a', 2, log), { steps: panicking(), insideCall: false, space: 0 }];
    expect(new Scheduler(bootKernel()).run(threads, [1, 0])).toEqual({
      preemptions: [{ from: 0, to: 1, insideCall: false }],
      panic: 'KernelPanic: kernel: MOV to CR3 raised #GP',
    });
    function* throwsString(): Generator<void, void, void> {
      throw 'not an error';
    }
    expect(new Scheduler(bootKernel()).run([{ steps: throwsString(), insideCall: false, space: 0 }], [])).toEqual({
      preemptions: [],
      panic: 'not an error',
    });
  });

  it('starts thread 0 in its own space, whatever space translation was left in', () => {
    const kernel = bootKernel();
    kernel.switchTo(3);
    const seen: number[] = [];
    function* first(): Generator<void, void, void> {
      seen.push(kernel.currentSpace);
      yield;
      seen.push(kernel.currentSpace);
    }
    const outcome = new Scheduler(kernel).run([{ steps: first(), insideCall: false, space: 0 }], []);
    expect(outcome).toEqual({ preemptions: [], panic: null });
    expect(seen).toEqual([0, 0]);
    expect(kernel.currentSpace).toBe(0);

    kernel.switchTo(0);
    const inTwo: number[] = [];
    function* second(): Generator<void, void, void> {
      inTwo.push(kernel.currentSpace);
    }
    new Scheduler(kernel).run([{ steps: second(), insideCall: false, space: 2 }], []);
    expect(inTwo).toEqual([2]);
  });

  it('starts every run with preemption enabled', () => {
    const scheduler = new Scheduler(bootKernel());
    scheduler.disablePreemption();
    const log: string[] = [];
    expect(scheduler.run([thread('a', 1, log), thread('b', 1, log)], [1]).preemptions).toEqual([{ from: 0, to: 1, insideCall: false }]);
  });
});
