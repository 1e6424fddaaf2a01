import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { sampleTwice } from './_test-support/laws.ts';
import { applyDefect, DEFECT_KINDS, ENTRY_LEVELS, type EntryLevel, type MalformedEntry, malformedEntryArbitrary } from './malformed.ts';

/** Reserved bits by level (SDM Tables 4-8 to 4-11), written out independently of the generator. */
function reservedBits(level: EntryLevel, maxPhyAddr: number, nxe: boolean): number[] {
  const above = Array.from({ length: 63 - maxPhyAddr }, (_, i) => maxPhyAddr + i); // M..62
  switch (level) {
    case 'pdpte':
      return [1, 2, 5, 6, 7, 8, ...above, 63];
    case 'pde-large':
      return [13, 14, 15, 16, 17, 18, 19, 20, ...above, ...(nxe ? [] : [63])];
    case 'pde-table':
    case 'pte':
      return [...above, ...(nxe ? [] : [63])];
  }
}

/** A well-formed entry of each level: present, address 0x5000 (0x200000 for a 2 MiB page). */
const WELL_FORMED: Record<EntryLevel, bigint> = { pdpte: 0x5001n, 'pde-table': 0x5007n, 'pde-large': 0x200087n, pte: 0x5003n };

describe('malformedEntryArbitrary', () => {
  it('produces, at every level, defects the architecture reports as intended', () => {
    for (const maxPhyAddr of [36, 44, 52]) {
      fc.assert(
        fc.property(malformedEntryArbitrary({ maxPhyAddr }), (m: MalformedEntry) => {
          const before = WELL_FORMED[m.level];
          const after = applyDefect(before, m.defect);
          const changed = after ^ before;
          if (m.defect.kind === 'not-present') {
            expect(changed).toBe(1n);
            expect(m.effect).toBe('page-fault-not-present');
            return;
          }
          // Exactly one bit is added, and it is reserved at this level with NXE = 0.
          expect(changed & before).toBe(0n);
          const added = changed.toString(2).length - 1;
          expect(changed).toBe(1n << BigInt(added));
          expect(reservedBits(m.level, maxPhyAddr, false)).toContain(added);
          expect(m.effect).toBe(m.level === 'pdpte' ? 'general-protection-on-load' : 'page-fault-reserved');
          if (m.defect.kind === 'address-above-maxphyaddr') expect(added).toBeGreaterThanOrEqual(maxPhyAddr);
          if (m.defect.kind === 'reserved-bit' && m.level === 'pde-large') expect(added).toBeGreaterThanOrEqual(13);
        }),
        { seed: 20 + maxPhyAddr, numRuns: 300 },
      );
    }
  });

  it('reaches every defect possible at every level', () => {
    const seen = new Set(fc.sample(malformedEntryArbitrary({ maxPhyAddr: 40 }), { seed: 21, numRuns: 500 }).map((m) => `${m.level}/${m.defect.kind}`));
    expect([...seen].sort()).toEqual(
      [
        'pdpte/not-present',
        'pdpte/reserved-bit',
        'pdpte/address-above-maxphyaddr',
        'pde-table/not-present',
        'pde-table/address-above-maxphyaddr',
        'pde-table/xd-without-nxe',
        'pde-large/not-present',
        'pde-large/reserved-bit',
        'pde-large/address-above-maxphyaddr',
        'pde-large/xd-without-nxe',
        'pte/not-present',
        'pte/address-above-maxphyaddr',
        'pte/xd-without-nxe',
      ].sort(),
    );
    expect(ENTRY_LEVELS).toHaveLength(4);
    expect(DEFECT_KINDS).toHaveLength(4);
  });

  it('narrows to the levels and kinds asked for', () => {
    for (const m of fc.sample(malformedEntryArbitrary({ levels: ['pde-large'], kinds: ['reserved-bit'] }), { seed: 22, numRuns: 50 })) {
      expect(m.level).toBe('pde-large');
      expect(m.defect.kind).toBe('reserved-bit');
    }
  });

  it('rejects impossible constraints when built', () => {
    expect(() => malformedEntryArbitrary({ levels: ['pte'], kinds: ['reserved-bit'] })).toThrow(/level pte/);
    expect(() => malformedEntryArbitrary({ maxPhyAddr: 53 })).toThrow(/maxPhyAddr/);
    expect(() => malformedEntryArbitrary({ levels: [] })).toThrow(/levels/);
    expect(() => malformedEntryArbitrary({ kinds: ['typo' as never] })).toThrow(/unknown defect kind/);
  });

  it('is deterministic in the seed', () => {
    const [a, b] = sampleTwice(() => malformedEntryArbitrary(), 23, 50);
    expect(a).toEqual(b);
  });
});
