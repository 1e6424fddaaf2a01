import { describe, expect, it } from 'vitest';
import { TLB_FLAG } from '../../reference/index.ts';
import { load, paePaged } from '../_test-support/paged.ts';
import { SIZE_2M, SIZE_4K, SIZE_4M } from '../page-sizes.ts';
import { TsbProcessor } from './processor.ts';
import { TranslationStorageBuffer } from './translation-storage-buffer.ts';

const MiB = 2 ** 20;

describe('TranslationStorageBuffer', () => {
  it('finds an entry only when the test size is the size it was stored under (the tag carries the size)', () => {
    const tsb = new TranslationStorageBuffer(64);
    tsb.insert(0x3000, SIZE_4K, 0x700, 0);
    // 2 MiB page 3 has the same pointer and page number as 4 KiB page 3
    expect(tsb.pointer(0x600000, SIZE_2M)).toBe(tsb.pointer(0x3000, SIZE_4K));
    expect(tsb.probe(0x600000, SIZE_2M)).toBe(-1);
    expect(tsb.lookup(0x3abc, [SIZE_4K, SIZE_2M])).toBe(tsb.pointer(0x3000, SIZE_4K));
    tsb.insert(0x00c00000 + 5, SIZE_4M, 0x4000, 0);
    expect(tsb.lookup(0x00fffff8, [SIZE_4K, SIZE_4M])).toBe(tsb.pointer(0x00c00000, SIZE_4M));
  });

  it('invalidates a page of every size, the 4 KiB entries in a region, and non-global entries', () => {
    const tsb = new TranslationStorageBuffer(512);
    tsb.insert(0x00400000, SIZE_2M, 0x10, 0);
    tsb.insert(0x00401000, SIZE_4K, 0x11, TLB_FLAG.GLOBAL);
    tsb.insert(0x00402000, SIZE_4K, 0x12, 0);
    tsb.invalidatePage(0x00401234);
    expect(tsb.probe(0x00400000, SIZE_2M)).toBe(-1);
    expect(tsb.probe(0x00401000, SIZE_4K)).toBe(-1);
    expect(tsb.probe(0x00402000, SIZE_4K)).toBeGreaterThanOrEqual(0);
    tsb.insert(0x00401000, SIZE_4K, 0x11, TLB_FLAG.GLOBAL);
    tsb.flushNonGlobal();
    expect(tsb.occupancy).toBe(1);
    tsb.invalidateSmallWithin(0x00400000, 2 * MiB);
    expect(tsb.occupancy).toBe(0);
  });
});

describe('TsbProcessor', () => {
  it('refills the small TLB from the TSB without walking (an unflushed edit stays invisible, as allowed)', () => {
    const { cpu, b } = paePaged(new TsbProcessor(), (x) => {
      for (let i = 0; i < 16; i++) x.map4k(0x00400000 + i * 0x1000, 0x00800000 + i * 0x1000);
    });
    for (let i = 0; i < 16; i++) cpu.writePhys32(0x00800000 + i * 0x1000, i + 1);
    cpu.writePhys32(0x00900000, 99);
    for (let i = 0; i < 16; i++) expect(load(cpu, 0x00400000 + i * 0x1000)).toBe(i + 1);
    expect(cpu.tlb.lookupSmall(0x00400000)).toBe(-1); // evicted from the 8-entry TLB
    // Repoint page 0 without invalidation: the TSB still has the old translation.
    cpu.writePhys32(b.pteAddress(0x00400000), 0x00900000 | 0x67);
    expect(load(cpu, 0x00400000)).toBe(1);
    cpu.invlpg(0x00400000);
    expect(load(cpu, 0x00400000)).toBe(99);
  });

  it('refills a 4 MiB page one 2 MiB half at a time, each half at its own frame', () => {
    const cpu = new TsbProcessor();
    // 32-bit paging: directory at 0x2000, 4 MiB page at 0x00c00000 -> frame 0x01000000
    cpu.writePhys32(0x2000 + 3 * 4, (0x01000000 | 0x87) >>> 0);
    cpu.writePhys32(0x01000000 + 3 * MiB, 0x33);
    cpu.writePhys32(0x01000000 + 1 * MiB, 0x11);
    cpu.movCr4(1 << 4);
    cpu.movCr3(0x2000);
    cpu.movCr0(0x80000000);
    expect(load(cpu, 0x00c00000 + 3 * MiB)).toBe(0x33);
    cpu.tlb.flushAll(); // only the TLB: the TSB answers next
    expect(load(cpu, 0x00c00000 + 1 * MiB)).toBe(0x11);
    expect(load(cpu, 0x00c00000 + 3 * MiB)).toBe(0x33);
  });
});
