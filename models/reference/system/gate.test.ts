/**
 * The cross-space call gate (claims 5, 7, 15, 16, 17), step by step on a booted reference system: the
 * state of preemption, translation, the mailbox and the caller's context frame at every point where the
 * thread may be preempted, the opcode check, the mailbox frames of module-to-module calls and the limit
 * on their nesting.
 */
import { describe, expect, it } from 'vitest';
import { defaultLayout } from '../../../src/arbitraries/space/index.ts';
import {
  ABI,
  type Call,
  type CallOp,
  contextFrameAddress,
  contextFrameWords,
  ControlRecorder,
  mailboxFrameAddress,
  RESULT,
  type SystemLayout,
} from '../../../src/machine/system.ts';
import { createReferenceProcessor } from '../index.ts';
import { Module, type ModuleContext } from '../modules/index.ts';
import { BootedSystem, Gate, KernelPanic, REFERENCE_PARTS } from './index.ts';

const PG = 2 ** 31;

function boot(layout: SystemLayout = defaultLayout()): { system: BootedSystem; recorder: ControlRecorder } {
  const recorder = new ControlRecorder(createReferenceProcessor({ maxPhyAddr: layout.maxPhyAddr }));
  return { system: new BootedSystem(recorder, layout, 2, REFERENCE_PARTS), recorder };
}

function words(system: BootedSystem, at: number, count: number): number[] {
  return Array.from({ length: count }, (_, k) => system.cpu.readPhys32(at + 4 * k) >>> 0);
}

/** Writes thread 0's i-th context frame for `call` (as the application does) and returns its address. */
function writeFrame(system: BootedSystem, call: Call, index: number): number {
  const frame = contextFrameAddress(system.layout, 0, index);
  contextFrameWords(call, 0, index).forEach((w, k) => system.cpu.writePhys32(frame + 4 * k, w));
  return frame;
}

/** Runs one whole gate call for thread 0's i-th frame and returns the result slot of the frame. */
function callThrough(system: BootedSystem, call: Call, index: number): number {
  const frame = writeFrame(system, call, index);
  for (const _ of system.gate.call(frame));
  return system.cpu.readPhys32(frame + 4 * ABI.RESULT_WORD) >>> 0;
}

interface Snapshot {
  readonly preemptionEnabled: boolean;
  readonly space: number;
  readonly paging: boolean;
  readonly cr3: number;
  readonly mailbox: number[];
  readonly frame: number[];
}

describe('Gate.call', () => {
  it('disables preemption, copies the parameters in, switches paging on, runs, switches off, copies the result out, enables preemption', () => {
    const { system } = boot();
    expect(callThrough(system, { op: 'ic.set', space: 1, ino: 5, size: 1234 }, 0)).toBe(RESULT.MISS);
    const mailbox = mailboxFrameAddress(0);
    const before = words(system, mailbox, ABI.FRAME_WORDS);
    const frame = writeFrame(system, { op: 'ic.get', space: 1, ino: 5 }, 1);
    const written = words(system, frame, ABI.FRAME_WORDS);
    const pdpt = system.kernel.rootOf(1).pdpt;

    const snap = (): Snapshot => ({
      preemptionEnabled: system.scheduler.preemptionEnabled,
      space: system.kernel.currentSpace,
      paging: (system.cpu.cr0 & PG) !== 0,
      cr3: system.cpu.cr3 >>> 0,
      mailbox: words(system, mailbox, ABI.FIRST_LOCAL_WORD),
      frame: words(system, frame, ABI.FRAME_WORDS),
    });
    const steps = system.gate.call(frame);
    const seen: Snapshot[] = [];
    let done = false;
    while (!done) {
      done = steps.next().done === true;
      seen.push(snap());
    }

    const parameters = written.slice(0, ABI.RESULT_WORD); // opcode 0x201 (ic.get, space 1), ino 5, zeros
    expect(parameters).toEqual([0x201, 5, 0, 0, 0, 0, 0]);
    const oldMailbox = before.slice(0, ABI.FIRST_LOCAL_WORD);
    expect(oldMailbox).toEqual([0x301, 5, 1234, 0, 0, 0, 0, RESULT.MISS]);
    const pending = written;
    const answered = [...written.slice(0, ABI.RESULT_WORD), 1234, ...written.slice(ABI.FIRST_LOCAL_WORD)];
    const off = { paging: false, cr3: seen[0]!.cr3 };
    expect(seen).toEqual([
      // 1. preemption disabled, nothing else yet
      { preemptionEnabled: false, space: 0, ...off, mailbox: oldMailbox, frame: pending },
      // 2. opcode and parameters copied into mailbox frame 0; its result slot is the callee's to write
      { preemptionEnabled: false, space: 0, ...off, mailbox: [...parameters, RESULT.MISS], frame: pending },
      // 3. paging on with space 1's PDPT
      { preemptionEnabled: false, space: 1, paging: true, cr3: pdpt, mailbox: [...parameters, RESULT.MISS], frame: pending },
      // 4. the module left its result in the mailbox
      { preemptionEnabled: false, space: 1, paging: true, cr3: pdpt, mailbox: [...parameters, 1234], frame: pending },
      // 5. paging off: back in the application's space 0
      { preemptionEnabled: false, space: 0, paging: false, cr3: pdpt, mailbox: [...parameters, 1234], frame: pending },
      // 6. the result copied into the caller's result slot, nothing else of the frame changed
      { preemptionEnabled: false, space: 0, paging: false, cr3: pdpt, mailbox: [...parameters, 1234], frame: answered },
      // 7. preemption enabled again, and the call is over
      { preemptionEnabled: true, space: 0, paging: false, cr3: pdpt, mailbox: [...parameters, 1234], frame: answered },
    ]);
  });

  it('copies all six parameter words (a name-cache entry uses every one)', () => {
    const { system } = boot();
    const call: Call = { op: 'nc.enter', space: 2, dir: 7, name: 'longname.txt', ino: 42 };
    const frame = writeFrame(system, call, 0);
    const steps = system.gate.call(frame);
    steps.next();
    steps.next();
    expect(words(system, mailboxFrameAddress(0), ABI.RESULT_WORD)).toEqual(words(system, frame, ABI.RESULT_WORD));
    expect(words(system, mailboxFrameAddress(0), ABI.RESULT_WORD)).toEqual([0x502, 7, 12, 0x676e6f6c, 0x656d616e, 0x7478742e, 42]);
  });

  it('panics on an opcode of no known operation, before switching', () => {
    const { system } = boot();
    const frame = contextFrameAddress(system.layout, 0, 0);
    system.cpu.writePhys32(frame, (12 << 8) | 1); // CALL_OPS has 12 entries: index 12 is no operation
    const steps = system.gate.call(frame);
    steps.next();
    steps.next();
    expect(() => steps.next()).toThrow(new KernelPanic('gate: bad opcode in the mailbox'));
    expect(system.kernel.currentSpace).toBe(0);
  });

  it('panics on an opcode whose space has no module (the default layout has spaces 0 to 3)', () => {
    const { system } = boot();
    expect(system.modules).toHaveLength(4);
    const frame = contextFrameAddress(system.layout, 0, 0);
    system.cpu.writePhys32(frame, (9 << 8) | 4); // snap.take in space 4
    const steps = system.gate.call(frame);
    steps.next();
    steps.next();
    let thrown: unknown = null;
    try {
      steps.next();
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(KernelPanic);
    expect((thrown as Error).message).toBe('gate: bad opcode in the mailbox');
    expect(system.kernel.currentSpace).toBe(0);
    // the last space is served
    expect(callThrough(system, { op: 'snap.take', space: 3 }, 1)).toBe(1);
  });
});

describe('Gate.callModule (claim 15)', () => {
  it('a name cache asks the inode cache through mailbox frame 1, switching CR3 between the paged spaces', () => {
    const { system, recorder } = boot();
    expect(callThrough(system, { op: 'ic.set', space: 1, ino: 9, size: 4096 }, 0)).toBe(RESULT.MISS);
    expect(callThrough(system, { op: 'nc.enter', space: 2, dir: 1, name: 'a', ino: 9 }, 1)).toBe(RESULT.MISS);
    const frame1 = mailboxFrameAddress(1);
    expect(frame1).toBe(0x1040);
    for (let k = 0; k < ABI.FRAME_WORDS; k++) system.cpu.writePhys32(frame1 + 4 * k, 0xdead0000 + k);
    recorder.clear();

    expect(callThrough(system, { op: 'nc.stat', space: 2, dir: 1, name: 'a' }, 2)).toBe(4096);

    // opcode ic.get | space 1, the inode, the unused parameters zeroed, the result; the rest untouched
    expect(words(system, frame1, ABI.FRAME_WORDS)).toEqual([
      0x201, 9, 0, 0, 0, 0, 0, 4096, ...Array.from({ length: 8 }, (_, k) => 0xdead0008 + k),
    ]);
    expect(words(system, mailboxFrameAddress(0) - ABI.FRAME_BYTES, ABI.FRAME_WORDS)).toEqual(new Array(16).fill(0));
    const [root1, root2] = [system.kernel.rootOf(1).pdpt, system.kernel.rootOf(2).pdpt];
    expect(recorder.log.map((e) => [e.reg, e.value >>> 0])).toEqual([
      ['cr3', root2],
      ['cr0', (system.cpu.cr0 | PG) >>> 0],
      ['cr3', root1],
      ['cr3', root2],
      ['cr0', system.cpu.cr0 >>> 0],
    ]);
    expect(system.kernel.currentSpace).toBe(0);
  });

  it('an inode cache fills a miss from space 0 by turning paging off and on again (claim 16)', () => {
    const { system, recorder } = boot();
    expect(callThrough(system, { op: 'bc.write', space: 0, block: 6, value: 600 }, 0)).toBe(RESULT.MISS);
    recorder.clear();
    expect(callThrough(system, { op: 'ic.fetch', space: 1, ino: 6 }, 1)).toBe(600);
    expect(words(system, mailboxFrameAddress(1), ABI.FIRST_LOCAL_WORD)).toEqual([0, 6, 0, 0, 0, 0, 0, 600]);
    const on = (system.cpu.cr0 | PG) >>> 0;
    const off = system.cpu.cr0 >>> 0;
    const root1 = system.kernel.rootOf(1).pdpt;
    expect(recorder.log.map((e) => [e.reg, e.value >>> 0])).toEqual([
      ['cr3', root1],
      ['cr0', on],
      ['cr0', off],
      ['cr3', root1],
      ['cr0', on],
      ['cr0', off],
    ]);
  });

  it('refuses a fourth nested mailbox frame (MAILBOX_DEPTHS = 4), and the next call starts at depth 0 again', () => {
    /** A module that calls itself until the gate refuses: a recursion no real module makes. */
    class Reentrant extends Module {
      served = 0;
      protected handle(_op: CallOp, p: readonly number[], context: ModuleContext): number {
        this.served++;
        if (p[0] === 0) return 77;
        return context.callModule(0, 'bc.read', [p[0]! - 1]) + 1;
      }
    }
    const { system } = boot();
    const module = new Reentrant({ va: system.layout.bufferCache.base, size: system.layout.bufferCache.size });
    const gate = new Gate(system.kernel, [module], system.scheduler, null);
    const frame = contextFrameAddress(system.layout, 0, 0);
    const deep = mailboxFrameAddress(ABI.MAILBOX_DEPTHS);
    system.cpu.writePhys32(deep, 0xabcd);

    // three nested calls fit: frames 1, 2, 3
    contextFrameWords({ op: 'bc.read', space: 0, block: 3 }, 0, 0).forEach((w, k) => system.cpu.writePhys32(frame + 4 * k, w));
    for (const _ of gate.call(frame));
    expect(module.served).toBe(4);
    expect(system.cpu.readPhys32(frame + 4 * ABI.RESULT_WORD)).toBe(80);
    expect([1, 2, 3].map((d) => system.cpu.readPhys32(mailboxFrameAddress(d) + 4))).toEqual([2, 1, 0]);

    // a fourth is refused, and nothing is written to a fifth frame
    module.served = 0;
    system.scheduler.enablePreemption();
    contextFrameWords({ op: 'bc.read', space: 0, block: 4 }, 0, 0).forEach((w, k) => system.cpu.writePhys32(frame + 4 * k, w));
    expect(() => {
      for (const _ of gate.call(frame));
    }).toThrow(new KernelPanic('gate: calls nested too deep'));
    expect(module.served).toBe(4);
    expect(system.cpu.readPhys32(deep)).toBe(0xabcd);

    // the depth unwound: the next call's nested frame is frame 1 again
    module.served = 0;
    system.scheduler.enablePreemption();
    contextFrameWords({ op: 'bc.read', space: 0, block: 1 }, 0, 0).forEach((w, k) => system.cpu.writePhys32(frame + 4 * k, w));
    system.cpu.writePhys32(mailboxFrameAddress(1) + 4, 0x5555);
    for (const _ of gate.call(frame));
    expect(module.served).toBe(2);
    expect(system.cpu.readPhys32(mailboxFrameAddress(1) + 4)).toBe(0);
    expect(system.cpu.readPhys32(frame + 4 * ABI.RESULT_WORD)).toBe(78);
  });
});
