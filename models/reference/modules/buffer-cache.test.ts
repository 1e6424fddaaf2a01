/**
 * The buffer cache of space 0: block -> value in a hash table over its whole window, served through a
 * mailbox frame in the machine's memory (paging off, as space 0 runs).
 */
import { describe, expect, it } from 'vitest';
import { RESULT } from '../../../src/machine/system.ts';
import { BufferCache } from './buffer-cache.ts';
import { call, hashKey, rig, words } from './module-rig.ts';

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
