import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { HIGH_TABLE_POOL, LOW_TABLE_POOL, inRange } from './_internals/physical-layout.ts';
import { type Mapping, type MappingSet, mappingSetArbitrary } from './mappings.ts';
import { encodePageTables } from './page-table-encoder.ts';

const bit = (e: bigint, n: number): boolean => ((e >> BigInt(n)) & 1n) === 1n;
const field = (e: bigint, low: number): number => Number((e >> BigInt(low)) & ((1n << BigInt(52 - low)) - 1n)) * 2 ** low;

const plain: Omit<Mapping, 'linear' | 'size' | 'frame'> = {
  writable: true,
  user: false,
  global: false,
  executeDisable: false,
  accessed: false,
  dirty: false,
};

describe('encodePageTables', () => {
  it('encodes a small mapping set into exactly the expected words', () => {
    const set: MappingSet = {
      maxPhyAddr: 36,
      tablePlacement: 'low',
      roots: [
        {
          mappings: [
            { ...plain, linear: 0x0040_3000, size: '4k', frame: 0x5000 },
            { ...plain, linear: 0x4020_0000, size: '2m', frame: 0x1_0120_0000, user: true, global: true },
          ],
        },
      ],
    };
    const e = encodePageTables(set);
    expect(e.roots).toEqual([{ pdpt: 0x40_0020, cr3: 0x40_0020, pageDirectories: [0x40_1000, 0x40_2000, null, null] }]);
    expect(e.words.map((w) => [w.pa.toString(16), w.value])).toEqual([
      ['400020', '0x401001'], // PDPTE 0 -> page directory, P only
      ['400028', '0x402001'], // PDPTE 1
      ['401010', '0x403007'], // PDE 2 -> page table, P | R/W | U/S
      ['402008', '0x101200187'], // PDE 1 of PD 1: 2 MiB, P | R/W | U/S | PS | G
      ['403018', '0x5003'], // PTE 3: P | R/W
    ]);
    expect(e.mappings[0]?.[0]).toMatchObject({ pdeAddress: 0x40_1010, leafAddress: 0x40_3018, pageTable: 0x40_3000, leafValue: 0x5003n });
    expect(e.mappings[0]?.[1]).toMatchObject({ pdeAddress: 0x40_2008, leafAddress: 0x40_2008, pageTable: null });
    expect(e.tablePages).toEqual([0x40_1000, 0x40_2000, 0x40_3000]);
  });

  it('decodes back to the mapping set, with tables in the pools and PDPTs below 4 GiB', () => {
    fc.assert(
      fc.property(mappingSetArbitrary(), (set) => {
        const e = encodePageTables(set);
        const words = new Map(e.entries);
        expect(e.words.map((w) => w.pa)).toEqual([...e.entries.map(([pa]) => pa)]);
        for (let i = 1; i < e.words.length; i++) expect(e.words[i]!.pa).toBeGreaterThan(e.words[i - 1]!.pa);
        for (const [, v] of e.entries) expect(v).not.toBe(0n);
        e.roots.forEach((r) => {
          expect(r.pdpt % 32).toBe(0);
          expect(r.pdpt).toBeLessThan(2 ** 32);
          expect(r.cr3).toBe(r.pdpt);
        });
        for (const page of e.tablePages) {
          expect(page % 4096).toBe(0);
          const where = inRange(page, LOW_TABLE_POOL) ? 'low' : inRange(page, HIGH_TABLE_POOL) ? 'high' : 'outside';
          expect(where).not.toBe('outside');
        }
        set.roots.forEach((root, r) =>
          root.mappings.forEach((m, i) => {
            const enc = e.mappings[r]?.[i];
            expect(enc).toBeDefined();
            if (enc === undefined) return;
            const pdpte = words.get(enc.pdpteAddress) ?? 0n;
            expect(pdpte & 0x1ffn).toBe(1n); // P only; bits 2..1 and 8..5 reserved
            const pd = field(pdpte, 12);
            expect(enc.pdeAddress).toBe(pd + (Math.floor(m.linear / 2 ** 21) % 512) * 8);
            const pde = words.get(enc.pdeAddress) ?? 0n;
            let leaf = pde;
            if (m.size === '4k') {
              expect(pde & 0xffn).toBe(7n); // P, R/W, U/S: rights come from the leaf
              expect(enc.leafAddress).toBe(field(pde, 12) + (Math.floor(m.linear / 4096) % 512) * 8);
              leaf = words.get(enc.leafAddress) ?? 0n;
              expect(field(leaf, 12)).toBe(m.frame);
            } else {
              expect(bit(pde, 7)).toBe(true);
              expect(field(pde, 21)).toBe(m.frame);
            }
            expect(leaf).toBe(enc.leafValue);
            expect([bit(leaf, 0), bit(leaf, 1), bit(leaf, 2), bit(leaf, 5), bit(leaf, 6), bit(leaf, 8), bit(leaf, 63)]).toEqual([
              true,
              m.writable,
              m.user,
              m.accessed,
              m.dirty,
              m.global,
              m.executeDisable,
            ]);
            const pdPage = pd;
            const ptPage = enc.pageTable;
            const high = (pa: number): boolean => pa >= 2 ** 32;
            if (set.tablePlacement === 'low') expect([high(pdPage), ptPage !== null && high(ptPage)]).toEqual([false, false]);
            if (set.tablePlacement === 'high') expect([high(pdPage), ptPage === null || high(ptPage)]).toEqual([true, true]);
            if (set.tablePlacement === 'mixed') expect([high(pdPage), ptPage !== null && high(ptPage)]).toEqual([true, false]);
          }),
        );
      }),
      { seed: 10, numRuns: 200 },
    );
  });

  it('is deterministic', () => {
    for (const set of fc.sample(mappingSetArbitrary(), { seed: 11, numRuns: 30 })) expect(encodePageTables(set)).toEqual(encodePageTables(set));
  });

  it('refuses a frame inside the page-table pool (a generator bug, not a trace)', () => {
    const set: MappingSet = {
      maxPhyAddr: 36,
      tablePlacement: 'low',
      roots: [{ mappings: [{ ...plain, linear: 0, size: '4k', frame: LOW_TABLE_POOL.base + 4096 }] }],
    };
    expect(() => encodePageTables(set)).toThrow(/pool/);
  });
});
