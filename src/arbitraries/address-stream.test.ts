import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { sampleTwice } from './_test-support/laws.ts';
import { type AddressTarget, addressStreamArbitrary, type AddressView, resolveAccess, resolveTarget } from './address-stream.ts';
import { type Mapping, mappingSetArbitrary } from './mappings.ts';

const base: Omit<Mapping, 'linear' | 'size'> = {
  frame: 0x10_0000,
  writable: true,
  user: false,
  global: false,
  executeDisable: false,
  accessed: false,
  dirty: false,
};
const small: Mapping = { ...base, linear: 0x0040_3000, size: '4k' };
const large: Mapping = { ...base, linear: 0x4020_0000, size: '2m', frame: 0x20_0000 };
const view: AddressView = { mappings: [small, large], hot: [0x1234] };

describe('resolveTarget', () => {
  it('places each shape where its name says', () => {
    const at = (t: AddressTarget, size: 1 | 2 | 4 | 8 = 4): number => resolveTarget(t, size, view).va;
    expect(at({ kind: 'in-page', mapping: 0, offset: 0x1_0010 })).toBe(0x0040_3010);
    expect(at({ kind: 'in-page', mapping: 1, offset: 0x10_0008 })).toBe(0x4030_0008); // bit 20 of the offset kept
    expect(at({ kind: 'in-page', mapping: 0, offset: 0xfff }, 8)).toBe(0x0040_3ff8); // never crosses the page
    expect(at({ kind: 'page-edge', mapping: 0, boundary: '4k', edge: 'first', inset: 0, sub: 9 })).toBe(0x0040_3000);
    expect(at({ kind: 'page-edge', mapping: 0, boundary: '4k', edge: 'last', inset: 0, sub: 9 })).toBe(0x0040_3ffc);
    expect(at({ kind: 'page-edge', mapping: 1, boundary: '2m', edge: 'last', inset: 1, sub: 0 })).toBe(0x403f_fffb);
    expect(at({ kind: 'page-edge', mapping: 1, boundary: '4k', edge: 'first', inset: 2, sub: 3 })).toBe(0x4020_3002);
    expect(resolveTarget({ kind: 'straddle', mapping: 0, boundary: 'page', side: 'end', back: 3, sub: 0 }, 1, view)).toEqual({ va: 0x0040_3ffd, size: 8 });
    expect(at({ kind: 'straddle', mapping: 1, boundary: 'page', side: 'end', back: 3, sub: 0 })).toBe(0x403f_fffd);
    expect(at({ kind: 'straddle', mapping: 1, boundary: 'page', side: 'start', back: 5, sub: 0 })).toBe(0x401f_fffb);
    expect(at({ kind: 'hot', slot: 5 })).toBe(0x1234);
    expect(at({ kind: 'uniform', va: 0xffff_ffff }, 8)).toBe(0xffff_fff8);
  });

  it('falls back to address 0 when the root has no mappings', () => {
    expect(resolveTarget({ kind: 'in-page', mapping: 3, offset: 16 }, 4, { mappings: [], hot: [] }).va).toBe(16);
  });

  it('expands strided runs, wrapping at the end of the linear space', () => {
    const run = resolveAccess(
      { op: 'load', size: 8, user: false, value: 0n, target: { kind: 'uniform', va: 0xffff_e000 }, run: { count: 3, stride: 4096 } },
      view,
    );
    expect(run.map((r) => r.va)).toEqual([0xffff_e000, 0xffff_f000, 0]);
  });
});

describe('addressStreamArbitrary', () => {
  it('resolves every access inside the 4 GiB linear space, straddles crossing a boundary', () => {
    fc.assert(
      fc.property(mappingSetArbitrary({ maxRoots: 1 }), addressStreamArbitrary(), (set, stream) => {
        const mappings = set.roots[0]?.mappings ?? [];
        const hotView: AddressView = { mappings, hot: [] };
        const v: AddressView = { mappings, hot: stream.hot.map((t) => resolveTarget(t, 1, hotView).va) };
        for (const a of stream.accesses) {
          for (const r of resolveAccess(a, v)) {
            expect(r.va).toBeGreaterThanOrEqual(0);
            expect(r.va + r.size).toBeLessThanOrEqual(2 ** 32);
          }
          if (a.target.kind === 'straddle') {
            const [r] = resolveAccess(a, v);
            expect(((r?.va ?? 0) % 4096) + 8).toBeGreaterThan(4096);
          }
        }
      }),
      { seed: 30, numRuns: 200 },
    );
  });

  it('mixes shapes, operations, sizes and modes, with 2 MiB offsets often setting bit 20', () => {
    const accesses = fc.sample(addressStreamArbitrary(), { seed: 31, numRuns: 200 }).flatMap((s) => s.accesses);
    const kinds = new Set(accesses.map((a) => `${a.target.kind}|${a.op}|${a.size}|${a.user}`.split('|')).flat());
    for (const k of ['in-page', 'page-edge', 'straddle', 'hot', 'uniform', 'load', 'store', 'fetch', '1', '2', '4', '8', 'true', 'false']) expect(kinds).toContain(k);
    expect(accesses.some((a) => a.run.count > 1)).toBe(true);
    const offsets = accesses.flatMap((a) => (a.target.kind === 'in-page' ? [a.target.offset % (2 * 2 ** 20)] : []));
    expect(offsets.filter((o) => o >= 2 ** 20).length / offsets.length).toBeGreaterThan(0.3);
  });

  it('rejects impossible constraints when built', () => {
    expect(() => addressStreamArbitrary({ maxAccesses: 0 })).toThrow(/maxAccesses/);
    expect(() => addressStreamArbitrary({ minAccesses: 5, maxAccesses: 2 })).toThrow(/minAccesses/);
    expect(() => addressStreamArbitrary({ opWeights: { load: 0, store: 0, fetch: 0 } })).toThrow(/opWeights/);
    expect(() => addressStreamArbitrary({ userPercent: 150 })).toThrow(/userPercent/);
    expect(() => addressStreamArbitrary({ maxHot: 0 })).toThrow(/maxHot/);
  });

  it('is deterministic in the seed', () => {
    const [a, b] = sampleTwice(() => addressStreamArbitrary(), 32, 50);
    expect(a).toEqual(b);
  });
});
