/**
 * The buffer cache of space 0: block -> value in a hash table over its whole window, served through a
 * mailbox frame in the machine's memory (paging off, as space 0 runs).
 */
import { describe, expect, it } from 'vitest';
import { ABI, CALL_OPS, type CallOp, mailboxFrameAddress, RESULT } from '../../../src/machine/system.ts';
import { createReferenceProcessor, type ReferenceProcessor } from '../index.ts';
import { MemoryPort } from './memory-port.ts';
import type { Module, ModuleContext } from './module.ts';
import { BufferCache } from './buffer-cache.ts';

const MAILBOX = mailboxFrameAddress(0);

interface Rig {
  readonly cpu: ReferenceProcessor;
  readonly context: ModuleContext;
  /** The module-to-module calls made through the context, in order. */
  readonly calls: { space: number; op: CallOp; parameters: number[] }[];
}

/**
 * A machine with paging off (windows are physical memory) and a context whose module-to-module calls
 * run the callee as the gate does: opcode and parameters in the next mailbox frame, the callee serves
 * it, the caller reads the result slot.
 */
function rig(modules: Readonly<Record<number, Module>> = {}, inodeCacheSpace: number | null = null): Rig {
  const cpu = createReferenceProcessor({});
  const port = new MemoryPort(cpu);
  const calls: Rig['calls'] = [];
  const context: ModuleContext = {
    port,
    inodeCacheSpace,
    callModule: (space, op, parameters) => {
      calls.push({ space, op, parameters: [...parameters] });
      const mailbox = mailboxFrameAddress(1);
      port.store32(mailbox, ((CALL_OPS.indexOf(op) << 8) | space) >>> 0);
      for (let k = 0; k < ABI.PARAMETER_WORDS; k++) port.store32(mailbox + 4 * (1 + k), parameters[k] ?? 0);
      modules[space]!.serve(context, mailbox);
      return port.load32(mailbox + 4 * ABI.RESULT_WORD);
    },
  };
  return { cpu, context, calls };
}

/** Writes a call into the mailbox frame, lets the module serve it and returns its result slot. */
function call(r: Rig, module: Module, op: CallOp, parameters: readonly number[] = [], space = 1): number {
  r.cpu.writePhys32(MAILBOX, ((CALL_OPS.indexOf(op) << 8) | space) >>> 0);
  for (let k = 0; k < ABI.PARAMETER_WORDS; k++) r.cpu.writePhys32(MAILBOX + 4 * (1 + k), parameters[k] ?? 0);
  r.cpu.writePhys32(MAILBOX + 4 * ABI.RESULT_WORD, ABI.RESULT_PENDING);
  module.serve(r.context, MAILBOX);
  return r.cpu.readPhys32(MAILBOX + 4 * ABI.RESULT_WORD);
}

function words(cpu: ReferenceProcessor, base: number, count: number): number[] {
  return Array.from({ length: count }, (_, k) => cpu.readPhys32(base + 4 * k));
}

/** The table's hash (FNV-1a over the key words, then a 32-bit finaliser): it fixes where a key lives. */
function hashKey(key: readonly number[]): number {
  let h = 0x811c9dc5;
  for (const w of key) h = Math.imul(h ^ w, 0x01000193);
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

const WINDOW = { va: 0x200000, size: 0x1000 };
const CAPACITY = WINDOW.size / 32;

describe('BufferCache', () => {
  it('misses an unwritten block, returns the previous value on a write, and reads back the last one', () => {
    const r = rig();
    const bc = new BufferCache(WINDOW);
    expect(call(r, bc, 'bc.read', [5], 0)).toBe(RESULT.MISS);
    expect(call(r, bc, 'bc.write', [5, 77], 0)).toBe(RESULT.MISS);
    expect(call(r, bc, 'bc.read', [5], 0)).toBe(77);
    expect(call(r, bc, 'bc.write', [5, 0xfffffffe], 0)).toBe(77);
    expect(call(r, bc, 'bc.read', [5], 0)).toBe(0xfffffffe);
    expect(call(r, bc, 'bc.read', [6], 0)).toBe(RESULT.MISS);
  });

  it('keeps its map in its window: a hash table over the whole window, from its first byte', () => {
    const r = rig();
    const bc = new BufferCache(WINDOW);
    call(r, bc, 'bc.write', [0x1234, 0xabcd], 0);
    const slot = WINDOW.va + 32 * (hashKey([0x1234]) % CAPACITY);
    expect(words(r.cpu, slot, 8)).toEqual([1, 0x1234, 0, 0, 0, 0, 0xabcd, 0]);
    const written = r.cpu.dumpMemory().filter((w) => w.pa >= WINDOW.va);
    expect(written.map((w) => w.pa), '8-byte words written').toEqual([slot, slot + 24]);
  });

  it('answers MISS to another module\'s op and leaves its window alone', () => {
    const r = rig();
    const bc = new BufferCache(WINDOW);
    call(r, bc, 'bc.write', [5, 77], 0);
    const before = words(r.cpu, WINDOW.va, WINDOW.size / 4);
    for (const op of ['ic.set', 'snap.take', 'nc.lookup', 'snap.write'] as const) {
      expect(call(r, bc, op, [5, 99], 0), op).toBe(RESULT.MISS);
    }
    expect(words(r.cpu, WINDOW.va, WINDOW.size / 4)).toEqual(before);
    expect(call(r, bc, 'bc.read', [5], 0)).toBe(77);
  });
});
