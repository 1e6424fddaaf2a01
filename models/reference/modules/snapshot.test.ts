/**
 * Snapshot block maps in the module's window, word by word: a header (snapshots taken, next free record),
 * a hash table block -> newest record in [64, size / 2), and 16-byte version records (epoch, value, next)
 * in [size / 2, size). Also what a corrupted map gives: wrong answers (0), never an access outside the
 * window, and chains bounded to 65536 records. Real machine memory (paging off).
 */
import { describe, expect, it } from 'vitest';
import { RESULT } from '../../../src/machine/system.ts';
import { type ReferenceProcessor } from '../index.ts';
import { Snapshot } from './snapshot.ts';
import { call, hashKey, rig, words } from './module-rig.ts';

/** 512 bytes: header [0, 64), a 6-slot table [64, 256), 16 records [256, 512). */
const WINDOW = { va: 0x400000, size: 512 };
const RECORDS = 256;
const SLOTS = 6;

function tableSlot(block: number): number {
  return 64 + 32 * (hashKey([block]) % SLOTS);
}

function windowWords(cpu: ReferenceProcessor, window = WINDOW): number[] {
  return words(cpu, window.va, window.size / 4);
}

function outsideWindow(cpu: ReferenceProcessor, window = WINDOW): number[] {
  return cpu.dumpMemory()
    .filter((w) => w.pa >= 0x100000 && (w.pa < window.va || w.pa >= window.va + window.size))
    .map((w) => w.pa);
}

/** The window as expected: `at` maps byte offsets to the words written there. */
function image(at: Record<number, number[]>, size = WINDOW.size): number[] {
  const out = new Array<number>(size / 4).fill(0);
  for (const [offset, ws] of Object.entries(at)) out.splice(Number(offset) / 4, ws.length, ...ws);
  return out;
}

describe('Snapshot', () => {
  it('lays out header, table and version records exactly, and overwrites within an epoch', () => {
    const r = rig();
    const s = new Snapshot(WINDOW);
    expect(call(r, s, 'snap.take')).toBe(1);
    expect(windowWords(r.cpu)).toEqual(image({ 0: [1, 0] }));
    expect(call(r, s, 'snap.write', [9, 0x90]), 'no previous value').toBe(0);
    expect(windowWords(r.cpu)).toEqual(image({ 0: [1, RECORDS + 16], [tableSlot(9)]: [1, 9, 0, 0, 0, 0, RECORDS, 0], [RECORDS]: [1, 0x90, 0, 0] }));
    expect(call(r, s, 'snap.write', [9, 0x91]), 'same epoch: in place').toBe(0x90);
    expect(windowWords(r.cpu)).toEqual(image({ 0: [1, RECORDS + 16], [tableSlot(9)]: [1, 9, 0, 0, 0, 0, RECORDS, 0], [RECORDS]: [1, 0x91, 0, 0] }));
    expect(call(r, s, 'snap.take')).toBe(2);
    expect(call(r, s, 'snap.write', [9, 0x92])).toBe(0x91);
    expect(windowWords(r.cpu)).toEqual(
      image({ 0: [2, RECORDS + 32], [tableSlot(9)]: [1, 9, 0, 0, 0, 0, RECORDS + 16, 0], [RECORDS]: [1, 0x91, 0, 0, 2, 0x92, RECORDS, 0] }),
    );
    expect(outsideWindow(r.cpu)).toEqual([]);
  });

  it('places the table of several blocks after the header, over [64, size / 2)', () => {
    const r = rig();
    const s = new Snapshot(WINDOW);
    const blocks = [1, 3, 9];
    expect(new Set(blocks.map(tableSlot)).size).toBe(3);
    blocks.forEach((b, i) => expect(call(r, s, 'snap.write', [b, 0x30 + i])).toBe(0));
    expect(windowWords(r.cpu)).toEqual(
      image({
        0: [0, RECORDS + 48],
        [tableSlot(1)]: [1, 1, 0, 0, 0, 0, RECORDS, 0],
        [tableSlot(3)]: [1, 3, 0, 0, 0, 0, RECORDS + 16, 0],
        [tableSlot(9)]: [1, 9, 0, 0, 0, 0, RECORDS + 32, 0],
        [RECORDS]: [0, 0x30, 0, 0, 0, 0x31, 0, 0, 0, 0x32, 0, 0],
      }),
    );
    expect(outsideWindow(r.cpu)).toEqual([]);
  });

  it('reads a block as of a snapshot: the newest record with an older epoch; 0 is the live map', () => {
    const r = rig();
    const s = new Snapshot(WINDOW);
    expect(call(r, s, 'snap.write', [9, 0x10])).toBe(0);
    expect(call(r, s, 'snap.take')).toBe(1);
    expect(call(r, s, 'snap.write', [9, 0x11])).toBe(0x10);
    expect(call(r, s, 'snap.take')).toBe(2);
    expect(call(r, s, 'snap.take')).toBe(3);
    expect(call(r, s, 'snap.write', [9, 0x13])).toBe(0x11);
    expect(call(r, s, 'snap.write', [7, 0x70])).toBe(0);
    expect([0, 1, 2, 3].map((snap) => call(r, s, 'snap.read', [snap, 9]))).toEqual([0x13, 0x10, 0x11, 0x11]);
    expect([0, 1, 2, 3].map((snap) => call(r, s, 'snap.read', [snap, 7]))).toEqual([0x70, 0, 0, 0]);
    expect(call(r, s, 'snap.read', [4, 9]), 'a snapshot not taken').toBe(RESULT.NO_SNAPSHOT);
    expect(call(r, s, 'snap.read', [0xffffffff, 9])).toBe(RESULT.NO_SNAPSHOT);
    expect(call(r, s, 'snap.read', [0, 8]), 'an unwritten block').toBe(0);
  });

  it('uses every record up to the window\'s end, then drops new versions (returning the previous value)', () => {
    const r = rig();
    const s = new Snapshot(WINDOW);
    for (let i = 0; i < 16; i++) {
      expect(call(r, s, 'snap.take')).toBe(i + 1);
      expect(call(r, s, 'snap.write', [9, 0x100 + i])).toBe(i === 0 ? 0 : 0x100 + i - 1);
    }
    expect(words(r.cpu, WINDOW.va, 2)).toEqual([16, 512]);
    expect(words(r.cpu, WINDOW.va + 496, 4), 'the last record').toEqual([16, 0x10f, 480, 0]);
    expect(call(r, s, 'snap.read', [0, 9])).toBe(0x10f);
    const full = windowWords(r.cpu);
    expect(call(r, s, 'snap.take')).toBe(17);
    expect(call(r, s, 'snap.write', [9, 0x200]), 'no record left').toBe(0x10f);
    expect(windowWords(r.cpu)).toEqual(full.map((w, k) => (k === 0 ? 17 : w)));
    expect(outsideWindow(r.cpu)).toEqual([]);
    expect(call(r, s, 'snap.read', [0, 9])).toBe(0x10f);
    expect(call(r, s, 'snap.read', [16, 9])).toBe(0x10e);
    expect(call(r, s, 'snap.read', [1, 9])).toBe(0);
  });

  it('takes a table entry pointing outside the records, or between them, as no record', () => {
    // Offsets: in the table area, at the window's end, past it, not on a record boundary.
    const bad = [64 + 32 * ((hashKey([9]) % SLOTS + 1) % SLOTS), 512, 528, 260];
    for (const offset of bad) {
      const r = rig();
      const s = new Snapshot(WINDOW);
      expect(call(r, s, 'snap.write', [9, 0x90])).toBe(0);
      // The table's entry for block 9 now points at `offset`, where memory looks like a record.
      r.cpu.writePhys32(WINDOW.va + tableSlot(9) + 24, offset);
      [0, 0xbad, RECORDS, 0].forEach((w, k) => r.cpu.writePhys32(WINDOW.va + offset + 4 * k, w));
      expect(call(r, s, 'snap.read', [0, 9]), `read, entry ${offset}`).toBe(0);
      expect(call(r, s, 'snap.write', [9, 0x77]), `write, entry ${offset}`).toBe(0);
      expect(words(r.cpu, WINDOW.va + RECORDS + 16, 4), `new record, entry ${offset}`).toEqual([0, 0x77, 0, 0]);
      expect(r.cpu.readPhys32(WINDOW.va + tableSlot(9) + 24)).toBe(RECORDS + 16);
      expect(call(r, s, 'snap.read', [0, 9])).toBe(0x77);
    }
  });

  it('follows a chain for at most 65536 records', () => {
    const window = { va: 0x1000000, size: 4 * 2 ** 20 };
    const base = window.size / 2;
    const r = rig();
    const s = new Snapshot(window);
    expect(call(r, s, 'snap.take')).toBe(1);
    expect(call(r, s, 'snap.write', [9, 0x90])).toBe(0);
    const record = (i: number): number => window.va + base + 16 * i;
    // Records 0..65535 chained, all written after snapshot 1; record 65536 holds the value as of it.
    for (let i = 0; i < 65536; i++) {
      r.cpu.writePhys32(record(i), 1);
      r.cpu.writePhys32(record(i) + 4, 0);
      r.cpu.writePhys32(record(i) + 8, base + 16 * (i + 1));
    }
    r.cpu.writePhys32(record(65536), 0);
    r.cpu.writePhys32(record(65536) + 4, 0xabc);
    expect(call(r, s, 'snap.read', [1, 9]), 'the 65537th record is not reached').toBe(0);
    r.cpu.writePhys32(record(65535), 0);
    r.cpu.writePhys32(record(65535) + 4, 0x123);
    expect(call(r, s, 'snap.read', [1, 9]), 'the 65536th record is').toBe(0x123);
  });

  it('answers MISS to another module\'s op and leaves its window alone', () => {
    const r = rig();
    const s = new Snapshot(WINDOW);
    call(r, s, 'snap.take');
    call(r, s, 'snap.write', [9, 0x90]);
    const before = windowWords(r.cpu);
    for (const op of ['bc.write', 'ic.set', 'nc.enter', 'nc.remove'] as const) expect(call(r, s, op, [9, 1]), op).toBe(RESULT.MISS);
    expect(windowWords(r.cpu)).toEqual(before);
  });
});
