/**
 * The inode cache: inode -> size in a hash table over its window; ic.fetch fills a miss from space 0's
 * buffer cache through a module-to-module call (the next mailbox frame) and caches only a hit. Real
 * modules in the machine's memory (paging off).
 */
import { describe, expect, it } from 'vitest';
import { RESULT } from '../../../src/machine/system.ts';
import { type ReferenceProcessor } from '../index.ts';
import { BufferCache } from './buffer-cache.ts';
import { InodeCache } from './inode-cache.ts';
import { call, hashKey, rig, words } from './module-rig.ts';

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
