import { describe, expect, it } from 'vitest';
import { DEFAULT_TLB_GEOMETRY, FRAMES_PER_LARGE_PAGE, NO_LARGE_VIEWS, Tlb, TLB_FLAG } from './tlb.ts';

const MiB = 2 ** 20;

describe('Tlb', () => {
  it('finds a 4 KiB entry only inside its page', () => {
    const tlb = new Tlb();
    const slot = tlb.fill(0x40123abc, false, 0x900001, TLB_FLAG.WRITABLE);
    expect(tlb.lookupSmall(0x40123000)).toBe(slot);
    expect(tlb.lookupSmall(0x40123fff)).toBe(slot);
    expect(tlb.lookupSmall(0x40124000)).toBe(-1);
    expect(tlb.smallFrame[slot]).toBe(0x900001);
  });

  it('finds a 2 MiB entry for any address inside its page', () => {
    const tlb = new Tlb();
    const slot = tlb.fill(0x40200000 + 5, true, 0x123400, 0);
    for (const va of [0x40200000, 0x40300000, 0x403fffff]) expect(tlb.lookupLarge(va)).toBe(slot);
    expect(tlb.lookupLarge(0x40400000)).toBe(-1);
    expect(tlb.lookupLarge(0x401fffff)).toBe(-1);
  });

  it('invalidatePage removes entries of both sizes containing va', () => {
    const tlb = new Tlb();
    tlb.fill(0x00600000, true, 512, 0);
    tlb.fill(0x00654000, false, 7, 0);
    tlb.fill(0x00655000, false, 8, 0);
    tlb.invalidatePage(0x00654321);
    expect(tlb.lookupLarge(0x00600000)).toBe(-1);
    expect(tlb.lookupSmall(0x00654000)).toBe(-1);
    expect(tlb.lookupSmall(0x00655000)).toBeGreaterThanOrEqual(0);
  });

  it('invalidateSmallWithinLarge removes every 4 KiB entry of the 2 MiB region', () => {
    const tlb = new Tlb();
    for (let va = 0x00600000; va < 0x00600000 + 2 * MiB; va += 0x40000) tlb.fill(va, false, va / 4096, 0);
    tlb.fill(0x00800000, false, 1, 0);
    tlb.invalidateSmallWithinLarge(0x007ff000);
    expect(tlb.entries().map((e) => e.va)).toEqual([0x00800000]);
  });

  it('flushNonGlobal keeps global entries; flushAll removes them', () => {
    const tlb = new Tlb();
    tlb.fill(0x1000, false, 1, TLB_FLAG.GLOBAL);
    tlb.fill(0x2000, false, 2, 0);
    tlb.fill(0x00400000, true, 1024, TLB_FLAG.GLOBAL);
    tlb.fill(0x00800000, true, 2048, 0);
    tlb.flushNonGlobal();
    expect(tlb.entries().map((e) => [e.large, e.va])).toEqual([
      [false, 0x1000],
      [true, 0x00400000],
    ]);
    tlb.flushAll();
    expect(tlb.entries()).toEqual([]);
  });

  it('replaces round-robin within a set and refills an existing entry in place', () => {
    const tlb = new Tlb({ smallSets: 1, smallWays: 2, largeSets: 1, largeWays: 1 });
    const a = tlb.fill(0x1000, false, 1, 0);
    const b = tlb.fill(0x2000, false, 2, 0);
    expect(tlb.fill(0x1000, false, 3, TLB_FLAG.DIRTY)).toBe(a);
    expect(tlb.smallFlags[a]).toBe(TLB_FLAG.DIRTY);
    expect(tlb.fill(0x3000, false, 4, 0)).toBe(a);
    expect(tlb.fill(0x4000, false, 5, 0)).toBe(b);
    expect(tlb.entries().map((e) => e.va).sort()).toEqual([0x3000, 0x4000]);
  });

  it('replaces 2 MiB entries round-robin within their set, leaving the other set alone', () => {
    const tlb = new Tlb({ smallSets: 1, smallWays: 1, largeSets: 2, largeWays: 2 });
    // pages 1, 3, 5, 7 (odd va >>> 21) share set 1; page 0 is in set 0
    const other = tlb.fill(0x00000000, true, 0, 0);
    const a = tlb.fill(0x00200000, true, 512, 0);
    const b = tlb.fill(0x00600000, true, 1536, 0);
    expect(b).not.toBe(a);
    expect(tlb.lookupLarge(0x00200000)).toBe(a);
    expect(tlb.lookupLarge(0x00600000)).toBe(b);
    expect(tlb.fill(0x00a00000, true, 2560, 0)).toBe(a);
    expect(tlb.fill(0x00e00000, true, 3584, 0)).toBe(b);
    expect(tlb.fill(0x01200000, true, 4608, 0)).toBe(a);
    expect(tlb.lookupLarge(0x01200000)).toBe(a);
    expect(tlb.lookupLarge(0x00e00000)).toBe(b);
    expect(tlb.lookupLarge(0x00000000)).toBe(other);
    expect(tlb.entries().map((e) => [e.va, e.frame]).sort((x, y) => x[0]! - y[0]!)).toEqual([
      [0x00000000, 0],
      [0x00e00000, 3584],
      [0x01200000, 4608],
    ]);
  });

  it('holds a 2 MiB entry in every way of every set of the default geometry', () => {
    const tlb = new Tlb();
    const { largeSets, largeWays } = DEFAULT_TLB_GEOMETRY;
    const pages = Array.from({ length: largeSets * largeWays }, (_, page) => page);
    const slots = pages.map((page) => tlb.fill(page * 2 * MiB, true, page * 512, 0));
    expect(new Set(slots).size).toBe(pages.length);
    for (const page of pages) expect(tlb.lookupLarge(page * 2 * MiB + 0x1234)).toBe(slots[page]);
    expect(tlb.entries().filter((e) => e.large)).toHaveLength(pages.length);
  });

  it('rejects a geometry whose set count is not a power of two', () => {
    expect(() => new Tlb({ smallSets: 3, smallWays: 4, largeSets: 1, largeWays: 1 })).toThrow(RangeError);
    expect(() => new Tlb({ smallSets: 0, smallWays: 4, largeSets: 1, largeWays: 1 })).toThrow(
      new RangeError('TLB small sets must be a power of two, got 0'),
    );
    expect(() => new Tlb({ smallSets: 1, smallWays: 4, largeSets: 0, largeWays: 1 })).toThrow(
      new RangeError('TLB large sets must be a power of two, got 0'),
    );
  });

  it('accepts 1 to 255 ways and rejects any other way count', () => {
    for (const ways of [1, 255]) {
      const tlb = new Tlb({ smallSets: 1, smallWays: ways, largeSets: 1, largeWays: ways });
      expect(tlb.smallTag).toHaveLength(ways);
      expect(tlb.largeTag).toHaveLength(ways);
    }
    for (const ways of [0, 256, 1.5]) {
      expect(() => new Tlb({ smallSets: 1, smallWays: ways, largeSets: 1, largeWays: 1 })).toThrow(
        new RangeError(`TLB small ways must be an integer from 1 to 255, got ${ways}`),
      );
      expect(() => new Tlb({ smallSets: 1, smallWays: 1, largeSets: 1, largeWays: ways })).toThrow(
        new RangeError(`TLB large ways must be an integer from 1 to 255, got ${ways}`),
      );
    }
  });

  it('keeps the frame views of a 2 MiB entry in one table of 512, allocated on first use and dropped on refill', () => {
    const tlb = new Tlb();
    const slot = tlb.fill(0x40200000, true, 0x123400, 0);
    expect(tlb.largeView[slot]).toBe(NO_LARGE_VIEWS);
    const [v3, v7] = [new DataView(new ArrayBuffer(4096)), new DataView(new ArrayBuffer(4096))];
    tlb.cacheLargeView(slot, 3, v3);
    const table = tlb.largeView[slot]!;
    expect(table).toHaveLength(FRAMES_PER_LARGE_PAGE);
    expect(FRAMES_PER_LARGE_PAGE).toBe(512);
    tlb.cacheLargeView(slot, 7, v7);
    expect(tlb.largeView[slot]).toBe(table);
    expect(table.map((v, i) => (v === null ? null : i))).toEqual(Array.from({ length: 512 }, (_, i) => (i === 3 || i === 7 ? i : null)));
    expect([table[3], table[7]]).toEqual([v3, v7]);
    expect(table[3]).toBe(v3);
    expect(table[7]).toBe(v7);
    expect(NO_LARGE_VIEWS).toHaveLength(0);
    expect(tlb.fill(0x40200000, true, 0x123600, 0)).toBe(slot);
    expect(tlb.largeView[slot]).toBe(NO_LARGE_VIEWS);
  });
});
