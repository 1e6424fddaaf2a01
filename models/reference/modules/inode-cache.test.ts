/**
 * The inode cache: inode -> size in a hash table over its window; ic.fetch fills a miss from space 0's
 * buffer cache through a module-to-module call (the next mailbox frame) and caches only a hit. Real
 * modules in the machine's memory (paging off).
 */
import { describe, expect, it } from 'vitest';
import { ABI, CALL_OPS, type CallOp, mailboxFrameAddress, RESULT } from '../../../src/machine/system.ts';
import { createReferenceProcessor, type ReferenceProcessor } from '../index.ts';
import { MemoryPort } from './memory-port.ts';
import type { Module, ModuleContext } from './module.ts';
import { BufferCache } from './buffer-cache.ts';
import { InodeCache } from './inode-cache.ts';

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

const BC_WINDOW = { va: 0x200000, size: 0x1000 };
const WINDOW = { va: 0x300000, size: 0x800 };
const CAPACITY = WINDOW.size / 32;

function windowWords(cpu: ReferenceProcessor): number[] {
  return words(cpu, WINDOW.va, WINDOW.size / 4);
}

describe('InodeCache', () => {
  it('ic.get misses, ic.set returns the previous size, ic.get reads the last one', () => {
    const r = rig();
    const ic = new InodeCache(WINDOW);
    expect(call(r, ic, 'ic.get', [42])).toBe(RESULT.MISS);
    expect(call(r, ic, 'ic.set', [42, 4096])).toBe(RESULT.MISS);
    expect(call(r, ic, 'ic.get', [42])).toBe(4096);
    expect(call(r, ic, 'ic.set', [42, 8192])).toBe(4096);
    expect(call(r, ic, 'ic.get', [42])).toBe(8192);
    expect(call(r, ic, 'ic.get', [43])).toBe(RESULT.MISS);
    const slot = WINDOW.va + 32 * (hashKey([42]) % CAPACITY);
    expect(words(r.cpu, slot, 8)).toEqual([1, 42, 0, 0, 0, 0, 8192, 0]);
    expect(r.calls).toEqual([]);
  });

  it('ic.fetch of a cached inode answers from the cache, without calling the buffer cache', () => {
    const bc = new BufferCache(BC_WINDOW);
    const r = rig({ 0: bc });
    const ic = new InodeCache(WINDOW);
    call(r, bc, 'bc.write', [7, 111], 0);
    call(r, ic, 'ic.set', [7, 222]);
    expect(call(r, ic, 'ic.fetch', [7])).toBe(222);
    expect(r.calls).toEqual([]);
  });

  it('ic.fetch of an uncached inode asks the buffer cache of space 0 and caches its answer', () => {
    const bc = new BufferCache(BC_WINDOW);
    const r = rig({ 0: bc });
    const ic = new InodeCache(WINDOW);
    call(r, bc, 'bc.write', [7, 111], 0);
    expect(call(r, ic, 'ic.fetch', [7])).toBe(111);
    expect(r.calls).toEqual([{ space: 0, op: 'bc.read', parameters: [7] }]);
    expect(call(r, ic, 'ic.get', [7])).toBe(111);
    expect(call(r, ic, 'ic.fetch', [7])).toBe(111);
    expect(r.calls.length, 'the second fetch hits').toBe(1);
  });

  it('ic.fetch caches nothing when the buffer cache misses too', () => {
    const bc = new BufferCache(BC_WINDOW);
    const r = rig({ 0: bc });
    // A one-slot inode cache: a cached miss would take the only slot.
    const ic = new InodeCache({ va: WINDOW.va, size: 32 });
    expect(call(r, ic, 'ic.fetch', [9])).toBe(RESULT.MISS);
    expect(r.calls).toEqual([{ space: 0, op: 'bc.read', parameters: [9] }]);
    expect(windowWords(r.cpu)).toEqual(new Array<number>(WINDOW.size / 4).fill(0));
    expect(call(r, ic, 'ic.fetch', [9])).toBe(RESULT.MISS);
    expect(r.calls.length, 'the miss is asked again').toBe(2);
    expect(call(r, ic, 'ic.set', [10, 5])).toBe(RESULT.MISS);
    expect(call(r, ic, 'ic.get', [10])).toBe(5);
  });

  it('answers MISS to another module\'s op and leaves its window alone', () => {
    const r = rig();
    const ic = new InodeCache(WINDOW);
    call(r, ic, 'ic.set', [42, 4096]);
    const before = windowWords(r.cpu);
    for (const op of ['bc.write', 'bc.read', 'snap.take', 'nc.enter'] as const) expect(call(r, ic, op, [42, 1]), op).toBe(RESULT.MISS);
    expect(windowWords(r.cpu)).toEqual(before);
    expect(r.calls).toEqual([]);
  });
});
