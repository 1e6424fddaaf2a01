import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { hexFromBigInt, hexFromHalves, storeHexHalves } from './word.ts';

const half = fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 15 }), fc.nat({ max: 2 ** 32 - 1 }), fc.constant(2 ** 32 - 1));

describe('hex halves', () => {
  it('formats every value as its BigInt does', () => {
    fc.assert(
      fc.property(half, half, (lo, hi) => {
        expect(hexFromHalves(lo, hi)).toBe(hexFromBigInt((BigInt(hi) << 32n) | BigInt(lo)));
      }),
      { numRuns: 2000 },
    );
  });

  it('parses every value back to its halves, with or without leading zeros', () => {
    fc.assert(
      fc.property(half, half, fc.nat({ max: 4 }), (lo, hi, pad) => {
        const h = hexFromBigInt((BigInt(hi) << 32n) | BigInt(lo));
        const out = new Uint32Array(3);
        storeHexHalves(out, 1, `0x${'0'.repeat(pad)}${h.slice(2)}` as typeof h);
        expect([...out]).toEqual([0, lo, hi]);
      }),
      { numRuns: 2000 },
    );
  });
});
