/**
 * The modules' open-addressing hash table, laid out in the machine's memory (paging off: the window is
 * physical memory) and checked word by word: slot = hash(key) % capacity, linear probing by +1 with
 * wrap-around, at most 64 probes, tombstones that keep later keys findable and are reused first.
 */
import { describe, expect, it } from 'vitest';
import { createReferenceProcessor, type ReferenceProcessor } from '../index.ts';
import { MemoryHashTable } from './hash-table.ts';
import { MemoryPort } from './memory-port.ts';
import { hashKey } from './module-rig.ts';

const BASE = 0x100000;
const SLOT = 32;

function setup(size: number): { cpu: ReferenceProcessor; table: MemoryHashTable } {
  const cpu = createReferenceProcessor({});
  return { cpu, table: new MemoryHashTable(new MemoryPort(cpu), BASE, size) };
}

function slotWords(cpu: ReferenceProcessor, index: number): number[] {
  return Array.from({ length: 8 }, (_, k) => cpu.readPhys32(BASE + index * SLOT + 4 * k));
}

/** Every word of the window, and whether anything outside it was written. */
function windowWords(cpu: ReferenceProcessor, size: number): number[] {
  return Array.from({ length: size / 4 }, (_, k) => cpu.readPhys32(BASE + 4 * k));
}

function outsideWindow(cpu: ReferenceProcessor, size: number): number {
  return cpu.dumpMemory().filter((w) => w.pa < BASE || w.pa >= BASE + size).length;
}

/** The first `count` one-word keys (from `from` up) whose home slot is `start`. */
function keysAt(start: number, capacity: number, count: number, from = 1): number[] {
  const keys: number[] = [];
  for (let k = from; keys.length < count; k++) if (hashKey([k]) % capacity === start) keys.push(k);
  return keys;
}

describe('MemoryHashTable layout', () => {
  it('has floor(size / 32) slots, at least one', () => {
    expect(setup(512).table.capacity).toBe(16);
    expect(setup(100).table.capacity).toBe(3);
    expect(setup(31).table.capacity).toBe(1);
    expect(setup(0).table.capacity).toBe(1);
  });

  it('puts a key in its home slot: state 1, five key words (unused ones 0), the value, word 7 unused', () => {
    const { cpu, table } = setup(512);
    const home = hashKey([7, 9]) % 16;
    expect(table.set([7, 9], 0x1234), 'set reports success').toBe(true);
    expect(slotWords(cpu, home)).toEqual([1, 7, 9, 0, 0, 0, 0x1234, 0]);
    const expected = new Array<number>(128).fill(0);
    expected.splice(home * 8, 8, 1, 7, 9, 0, 0, 0, 0x1234, 0);
    expect(windowWords(cpu, 512)).toEqual(expected);
    expect(outsideWindow(cpu, 512)).toBe(0);
    expect(table.get([7, 9])).toBe(0x1234);
  });

  it('keeps all five key words and tells keys apart by any of them', () => {
    const { cpu, table } = setup(1024);
    const key = [0xffffffff, 2, 3, 4, 0x80000000];
    expect(table.set(key, 0xfeedf00d)).toBe(true);
    expect(slotWords(cpu, hashKey(key) % 32)).toEqual([1, 0xffffffff, 2, 3, 4, 0x80000000, 0xfeedf00d, 0]);
    expect(table.get(key)).toBe(0xfeedf00d);
    for (let k = 0; k < 5; k++) {
      const other = [...key];
      other[k] = (other[k]! ^ 1) >>> 0;
      expect(table.get(other), `key word ${k} differs`).toBeNull();
    }
  });

  it('probes linearly upward from the home slot and wraps past the last slot', () => {
    const capacity = 16;
    const { cpu, table } = setup(capacity * SLOT);
    const [a, b, c] = keysAt(capacity - 1, capacity, 3);
    expect(table.set([a!], 0xa)).toBe(true);
    expect(table.set([b!], 0xb)).toBe(true);
    expect(table.set([c!], 0xc)).toBe(true);
    expect(slotWords(cpu, capacity - 1)).toEqual([1, a, 0, 0, 0, 0, 0xa, 0]);
    expect(slotWords(cpu, 0)).toEqual([1, b, 0, 0, 0, 0, 0xb, 0]);
    expect(slotWords(cpu, 1)).toEqual([1, c, 0, 0, 0, 0, 0xc, 0]);
    expect(outsideWindow(cpu, capacity * SLOT)).toBe(0);
    expect([table.get([a!]), table.get([b!]), table.get([c!])]).toEqual([0xa, 0xb, 0xc]);
    const [absent] = keysAt(capacity - 1, capacity, 1, c! + 1);
    expect(table.get([absent!]), 'a colliding absent key').toBeNull();
  });

  it('updates a present key in place', () => {
    const { cpu, table } = setup(512);
    const [a, b] = keysAt(3, 16, 2);
    table.set([a!], 1);
    table.set([b!], 2);
    expect(table.set([b!], 0x99)).toBe(true);
    expect(slotWords(cpu, 3)).toEqual([1, a, 0, 0, 0, 0, 1, 0]);
    expect(slotWords(cpu, 4)).toEqual([1, b, 0, 0, 0, 0, 0x99, 0]);
    expect(slotWords(cpu, 5)).toEqual([0, 0, 0, 0, 0, 0, 0, 0]);
  });
});

describe('MemoryHashTable removal', () => {
  it('leaves a tombstone (state 2) that keeps later keys of the chain findable', () => {
    const { cpu, table } = setup(512);
    const [a, b] = keysAt(5, 16, 2);
    table.set([a!], 0x11);
    table.set([b!], 0x22);
    expect(table.remove([a!])).toBe(0x11);
    expect(slotWords(cpu, 5)).toEqual([2, a, 0, 0, 0, 0, 0x11, 0]);
    expect(table.get([a!]), 'a removed key is gone').toBeNull();
    expect(table.get([b!])).toBe(0x22);
    expect(table.remove([a!]), 'removing it again').toBeNull();
    expect(table.remove([0xabcdef])).toBeNull();
    expect(table.remove([b!])).toBe(0x22);
    expect(table.get([b!])).toBeNull();
  });

  it('reuses the first tombstone of the chain for a new key', () => {
    const { cpu, table } = setup(512);
    const [a, b, c, d] = keysAt(7, 16, 4);
    table.set([a!], 0xa);
    table.set([b!], 0xb);
    table.set([c!], 0xc);
    table.remove([a!]);
    table.remove([b!]);
    expect(table.set([d!], 0xd)).toBe(true);
    expect(slotWords(cpu, 7)).toEqual([1, d, 0, 0, 0, 0, 0xd, 0]);
    expect(slotWords(cpu, 8)).toEqual([2, b, 0, 0, 0, 0, 0xb, 0]);
    expect(slotWords(cpu, 9)).toEqual([1, c, 0, 0, 0, 0, 0xc, 0]);
    expect(slotWords(cpu, 10)).toEqual([0, 0, 0, 0, 0, 0, 0, 0]);
    expect([table.get([a!]), table.get([b!]), table.get([c!]), table.get([d!])]).toEqual([null, null, 0xc, 0xd]);
  });

  it('reuses a tombstone met on the way rather than the empty slot after it', () => {
    const { cpu, table } = setup(512);
    const [a, b, c] = keysAt(2, 16, 3);
    table.set([a!], 0xa);
    table.set([b!], 0xb);
    table.remove([b!]);
    expect(table.set([c!], 0xc)).toBe(true);
    expect(slotWords(cpu, 2)).toEqual([1, a, 0, 0, 0, 0, 0xa, 0]);
    expect(slotWords(cpu, 3)).toEqual([1, c, 0, 0, 0, 0, 0xc, 0]);
    expect(slotWords(cpu, 4)).toEqual([0, 0, 0, 0, 0, 0, 0, 0]);
  });
});

describe('MemoryHashTable when full', () => {
  it('refuses a new key when every slot holds another one, and changes nothing', () => {
    const { cpu, table } = setup(SLOT);
    expect(table.set([1], 5)).toBe(true);
    const before = windowWords(cpu, SLOT);
    expect(before).toEqual([1, 1, 0, 0, 0, 0, 5, 0]);
    expect(table.set([2], 6)).toBe(false);
    expect(windowWords(cpu, SLOT)).toEqual(before);
    expect(outsideWindow(cpu, SLOT)).toBe(0);
    expect(table.get([2])).toBeNull();
    expect(table.remove([2])).toBeNull();
    expect(table.get([1])).toBe(5);
    expect(table.set([1], 7), 'a present key can still be updated').toBe(true);
    expect(table.get([1])).toBe(7);
  });

  it('refuses a new key once all slots are used, even with the table being small (no probe past capacity)', () => {
    const { cpu, table } = setup(3 * SLOT);
    expect([table.set([1], 1), table.set([2], 2), table.set([3], 3)]).toEqual([true, true, true]);
    const before = windowWords(cpu, 3 * SLOT);
    expect(table.set([4], 4)).toBe(false);
    expect(windowWords(cpu, 3 * SLOT)).toEqual(before);
    expect(outsideWindow(cpu, 3 * SLOT)).toBe(0);
    expect([table.get([1]), table.get([2]), table.get([3]), table.get([4])]).toEqual([1, 2, 3, null]);
  });

  it('probes at most 64 slots: a free slot 64 past home is out of reach, 63 past home is not', () => {
    const capacity = 128;
    const key = [0x5eed];
    const home = hashKey(key) % capacity;
    for (const gap of [64, 63]) {
      const { cpu, table } = setup(capacity * SLOT);
      // Every slot but one holds some other key (memory that looks like a full table).
      for (let i = 0; i < capacity; i++) {
        if (i === (home + gap) % capacity) continue;
        cpu.writePhys32(BASE + i * SLOT, 1);
        cpu.writePhys32(BASE + i * SLOT + 4, 0xdead0000 + i);
      }
      const free = (home + gap) % capacity;
      expect(table.set(key, 0x77), `free slot ${gap} past home`).toBe(gap < 64);
      expect(slotWords(cpu, free)).toEqual(gap < 64 ? [1, 0x5eed, 0, 0, 0, 0, 0x77, 0] : [0, 0, 0, 0, 0, 0, 0, 0]);
      expect(table.get(key)).toBe(gap < 64 ? 0x77 : null);
    }
  });
});
