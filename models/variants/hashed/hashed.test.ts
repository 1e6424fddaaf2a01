import { describe, expect, it } from 'vitest';
import { TLB_FLAG } from '../../reference/index.ts';
import { load, paePaged } from '../_test-support/paged.ts';
import { SIZE_2M, SIZE_4K, SIZE_4M } from '../page-sizes.ts';
import { HashedTranslationTable, TB_PAGES } from './hashed-translation-table.ts';
import { HashedProcessor } from './processor.ts';

describe('HashedTranslationTable', () => {
  it('puts the pages of one block in one translation block, and blocks of every size on chains hashed by base', () => {
    const t = new HashedTranslationTable({ buckets: 4, blocks: 8, descriptors: 8 });
    t.insert(0x00010000, SIZE_4K, 0x100, 0);
    t.insert(0x00011000, SIZE_4K, 0x101, 0);
    expect(t.blocksInUse).toBe(1);
    t.insert(0x00000000, SIZE_2M, 0x200, 0);
    t.insert(0x00000000, SIZE_4M, 0x400, 0);
    expect(t.blocksInUse).toBe(3);
    expect(t.frameOf(t.lookup(0x00011abc, [SIZE_4K, SIZE_2M]))).toBe(0x101);
    expect(t.frameOf(t.lookup(0x001fffff, [SIZE_4K, SIZE_2M]))).toBe(0x200);
    expect(t.frameOf(t.lookup(0x003fffff, [SIZE_4K, SIZE_4M]))).toBe(0x400);
    expect(t.hash(t.blockBase(0x0, SIZE_2M))).toBe(t.hash(t.blockBase(0x0, SIZE_4K)));
  });

  it('recycling a page frame descriptor drops the entries that point back at it', () => {
    const t = new HashedTranslationTable({ buckets: 4, blocks: 8, descriptors: 2 });
    t.insert(0x1000, SIZE_4K, 0x10, 0);
    t.insert(0x2000, SIZE_4K, 0x11, 0);
    t.insert(0x3000, SIZE_4K, 0x12, 0); // recycles the descriptor of frame 0x10
    expect(t.lookup(0x1000, [SIZE_4K])).toBe(-1);
    expect(t.frameOf(t.lookup(0x3000, [SIZE_4K]))).toBe(0x12);
  });

  it('frees a block when its last entry goes, and keeps global entries across flushNonGlobal', () => {
    const t = new HashedTranslationTable();
    t.insert(0x5000, SIZE_4K, 0x10, TLB_FLAG.GLOBAL);
    t.insert(0x00800000, SIZE_4K, 0x11, 0);
    t.flushNonGlobal();
    expect(t.blocksInUse).toBe(1);
    t.invalidatePage(0x5000);
    expect(t.blocksInUse).toBe(0);
    expect(TB_PAGES).toBe(8);
  });
});

describe('HashedProcessor', () => {
  it('refills the TLB from the hashed table without walking, and INVLPG reaches the table', () => {
    // Twelve pages on one frame: one page frame descriptor, more pages than the 8-entry TLB holds.
    const { cpu, b } = paePaged(new HashedProcessor(), (x) => {
      for (let i = 0; i < 12; i++) x.map4k(0x00400000 + i * 0x1000, 0x00800000);
    });
    cpu.writePhys32(0x00800000, 1);
    cpu.writePhys32(0x00900000, 99);
    for (let i = 0; i < 12; i++) expect(load(cpu, 0x00400000 + i * 0x1000)).toBe(1);
    expect(cpu.tlb.lookupSmall(0x00400000)).toBe(-1);
    cpu.writePhys32(b.pteAddress(0x00400000), 0x00900000 | 0x67);
    expect(load(cpu, 0x00400000)).toBe(1); // from the table: stale, as the architecture allows
    cpu.invlpg(0x00400000);
    expect(load(cpu, 0x00400000)).toBe(99);
  });
});
