/**
 * The name lookup cache: (directory, name length clamped to NAME_MAX, three words of name bytes) -> inode
 * in a hash table over its window; nc.stat asks the inode cache (the lowest-numbered one) for the size.
 * Real modules in the machine's memory (paging off).
 */
import { describe, expect, it } from 'vitest';
import { ABI, CALL_OPS, type CallOp, mailboxFrameAddress, NAME_MAX, nameWords, RESULT } from '../../../src/machine/system.ts';
import { createReferenceProcessor, type ReferenceProcessor } from '../index.ts';
import { MemoryPort } from './memory-port.ts';
import type { Module, ModuleContext } from './module.ts';
import { InodeCache } from './inode-cache.ts';
import { NameCache } from './name-cache.ts';

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

const IC_WINDOW = { va: 0x200000, size: 0x1000 };
const WINDOW = { va: 0x300000, size: 0x800 };
const CAPACITY = WINDOW.size / 32;

function name(dir: number, text: string, length = text.length): number[] {
  return [dir, length, ...nameWords(text)];
}

function windowWords(cpu: ReferenceProcessor): number[] {
  return words(cpu, WINDOW.va, WINDOW.size / 4);
}

describe('NameCache', () => {
  it('enters, looks up (without removing) and removes a name, returning the previous inode each time', () => {
    const r = rig();
    const nc = new NameCache(WINDOW);
    const passwd = name(2, 'passwd');
    expect(call(r, nc, 'nc.lookup', passwd)).toBe(RESULT.MISS);
    expect(call(r, nc, 'nc.enter', [...passwd, 17])).toBe(RESULT.MISS);
    expect(call(r, nc, 'nc.lookup', passwd)).toBe(17);
    expect(call(r, nc, 'nc.lookup', passwd), 'a lookup keeps the entry').toBe(17);
    expect(call(r, nc, 'nc.enter', [...passwd, 18])).toBe(17);
    expect(call(r, nc, 'nc.lookup', passwd)).toBe(18);
    expect(call(r, nc, 'nc.lookup', name(3, 'passwd')), 'another directory').toBe(RESULT.MISS);
    expect(call(r, nc, 'nc.remove', passwd)).toBe(18);
    expect(call(r, nc, 'nc.lookup', passwd)).toBe(RESULT.MISS);
    expect(call(r, nc, 'nc.remove', passwd)).toBe(RESULT.MISS);
  });

  it('keys a name by directory, length and name words, in a slot of its window', () => {
    const r = rig();
    const nc = new NameCache(WINDOW);
    const key = name(2, 'hosts.allow');
    call(r, nc, 'nc.enter', [...key, 0x55]);
    const slot = WINDOW.va + 32 * (hashKey(key) % CAPACITY);
    expect(words(r.cpu, slot, 8)).toEqual([1, ...key, 0x55, 0]);
    expect(key).toEqual([2, 11, 0x74736f68, 0x6c612e73, 0x776f6c]);
  });

  it('tells names apart by the length word', () => {
    const r = rig();
    const nc = new NameCache(WINDOW);
    call(r, nc, 'nc.enter', [...name(2, 'abc', 3), 30]);
    call(r, nc, 'nc.enter', [...name(2, 'abc', 4), 40]);
    expect(call(r, nc, 'nc.lookup', name(2, 'abc', 3))).toBe(30);
    expect(call(r, nc, 'nc.lookup', name(2, 'abc', 4))).toBe(40);
    expect(call(r, nc, 'nc.lookup', name(2, 'abc', 5))).toBe(RESULT.MISS);
  });

  it('clamps a length beyond NAME_MAX to NAME_MAX', () => {
    const r = rig();
    const nc = new NameCache(WINDOW);
    const twelve = 'abcdefghijkl';
    expect(NAME_MAX).toBe(12);
    call(r, nc, 'nc.enter', [...name(2, twelve, 0xffffffff), 99]);
    expect(call(r, nc, 'nc.lookup', name(2, twelve, 12))).toBe(99);
    expect(call(r, nc, 'nc.lookup', name(2, twelve, 13))).toBe(99);
    const key = name(2, twelve, 12);
    expect(words(r.cpu, WINDOW.va + 32 * (hashKey(key) % CAPACITY), 8)).toEqual([1, ...key, 99, 0]);
  });

  it('nc.stat asks the inode cache for the size of the inode the name maps to', () => {
    const ic = new InodeCache(IC_WINDOW);
    const r = rig({ 4: ic }, 4);
    const nc = new NameCache(WINDOW);
    call(r, ic, 'ic.set', [17, 4096], 4);
    const passwd = name(2, 'passwd');
    expect(call(r, nc, 'nc.stat', passwd), 'an unknown name').toBe(RESULT.MISS);
    expect(r.calls).toEqual([]);
    call(r, nc, 'nc.enter', [...passwd, 17]);
    expect(call(r, nc, 'nc.stat', passwd)).toBe(4096);
    expect(r.calls).toEqual([{ space: 4, op: 'ic.get', parameters: [17] }]);
    call(r, nc, 'nc.enter', [...passwd, 18]);
    expect(call(r, nc, 'nc.stat', passwd), 'an inode the inode cache lacks').toBe(RESULT.MISS);
    expect(r.calls.length).toBe(2);
  });

  it('nc.stat answers MISS without a call when the system has no inode cache', () => {
    const r = rig({}, null);
    const nc = new NameCache(WINDOW);
    const passwd = name(2, 'passwd');
    call(r, nc, 'nc.enter', [...passwd, 17]);
    expect(call(r, nc, 'nc.stat', passwd)).toBe(RESULT.MISS);
    expect(r.calls).toEqual([]);
  });

  it('answers MISS to another module\'s op and leaves its window alone', () => {
    const r = rig();
    const nc = new NameCache(WINDOW);
    const passwd = name(2, 'passwd');
    call(r, nc, 'nc.enter', [...passwd, 17]);
    const before = windowWords(r.cpu);
    for (const op of ['bc.write', 'ic.set', 'snap.write', 'snap.take'] as const) expect(call(r, nc, op, [...passwd, 1]), op).toBe(RESULT.MISS);
    expect(windowWords(r.cpu)).toEqual(before);
    expect(r.calls).toEqual([]);
  });
});
