/**
 * The name lookup cache: (directory, name length clamped to NAME_MAX, three words of name bytes) -> inode
 * in a hash table over its window; nc.stat asks the inode cache (the lowest-numbered one) for the size.
 * Real modules in the machine's memory (paging off).
 */
import { describe, expect, it } from 'vitest';
import { NAME_MAX, nameWords, RESULT } from '../../../src/machine/system.ts';
import { type ReferenceProcessor } from '../index.ts';
import { InodeCache } from './inode-cache.ts';
import { NameCache } from './name-cache.ts';
import { call, hashKey, rig, words } from './module-rig.ts';

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
