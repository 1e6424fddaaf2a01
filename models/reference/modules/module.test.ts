/**
 * What every module does around its operation (Module.serve): read the opcode and the six parameter words
 * from a mailbox frame in common memory, leave the result in the frame's result slot and touch nothing
 * else of the frame. Checked on real modules in the machine's memory (paging off).
 */
import { describe, expect, it } from 'vitest';
import { ABI, CALL_OPS, type CallOp, mailboxFrameAddress, RESULT } from '../../../src/machine/system.ts';
import { BufferCache } from './buffer-cache.ts';
import { NameCache } from './name-cache.ts';
import { call, MAILBOX, rig, words } from './module-rig.ts';

const WINDOW = { va: 0x200000, size: 0x1000 };

describe('Module.serve', () => {
  it('reads the call from any mailbox frame and writes only its result slot', () => {
    const r = rig();
    const bc = new BufferCache(WINDOW);
    const frame = mailboxFrameAddress(2);
    const locals = [1, 2, 3, 4, 5, 6, 7, 8].map((k) => (0xc0de0000 + k) >>> 0);
    const run = (op: CallOp, parameters: number[]): number[] => {
      const opcode = ((CALL_OPS.indexOf(op) << 8) | 3) >>> 0;
      [opcode, ...parameters, ABI.RESULT_PENDING, ...locals].forEach((w, k) => r.cpu.writePhys32(frame + 4 * k, w));
      bc.serve(r.context, frame);
      return words(r.cpu, frame, ABI.FRAME_WORDS);
    };
    const opcodeWrite = ((CALL_OPS.indexOf('bc.write') << 8) | 3) >>> 0;
    expect(run('bc.write', [9, 0x99, 0, 0, 0, 0])).toEqual([opcodeWrite, 9, 0x99, 0, 0, 0, 0, RESULT.MISS, ...locals]);
    const opcodeRead = ((CALL_OPS.indexOf('bc.read') << 8) | 3) >>> 0;
    expect(run('bc.read', [9, 0x55, 0x66, 0x77, 0x88, 0x99])).toEqual([opcodeRead, 9, 0x55, 0x66, 0x77, 0x88, 0x99, 0x99, ...locals]);
    expect(words(r.cpu, MAILBOX, ABI.FRAME_WORDS), 'other frames untouched').toEqual(new Array<number>(16).fill(0));
  });

  it('passes all six parameter words, the last one included', () => {
    const r = rig();
    const nc = new NameCache(WINDOW);
    expect(call(r, nc, 'nc.enter', [2, 3, 0x636261, 0, 0, 0x4242])).toBe(RESULT.MISS);
    expect(call(r, nc, 'nc.lookup', [2, 3, 0x636261, 0, 0, 0])).toBe(0x4242);
  });

  it('answers 0 to an opcode naming no operation, without touching the module\'s window', () => {
    const r = rig();
    const bc = new BufferCache(WINDOW);
    for (const opcode of [(CALL_OPS.length << 8) >>> 0, 0xffffffff]) {
      r.cpu.writePhys32(MAILBOX, opcode);
      r.cpu.writePhys32(MAILBOX + 4, 5);
      r.cpu.writePhys32(MAILBOX + 8, 6);
      r.cpu.writePhys32(MAILBOX + 4 * ABI.RESULT_WORD, ABI.RESULT_PENDING);
      bc.serve(r.context, MAILBOX);
      expect(words(r.cpu, MAILBOX, 8)).toEqual([opcode, 5, 6, 0, 0, 0, 0, 0]);
    }
    expect(r.cpu.dumpMemory().filter((w) => w.pa >= WINDOW.va)).toEqual([]);
  });
});
