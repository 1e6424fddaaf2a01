import { describe, expect, it } from 'vitest';
import { SparseRam } from './ram.ts';

const GiB = 2 ** 30;

describe('SparseRam', () => {
  it('reads zero from memory never written, without allocating', () => {
    const ram = new SparseRam(36);
    expect(ram.read32(0x1234)).toBe(0);
    expect(ram.read8(63 * GiB)).toBe(0);
    ram.read64(5 * GiB);
    expect([ram.readLo, ram.readHi]).toEqual([0, 0]);
    expect(ram.frameView(12)).toBeNull();
    expect(ram.allocatedFrames).toBe(0);
  });

  it('does not allocate a frame to write zero into it', () => {
    const ram = new SparseRam(36);
    ram.write32(0x5000, 0);
    ram.write64(0x6000, 0, 0);
    ram.write16(0x7002, 0);
    expect(ram.read16(0x7002)).toBe(0);
    expect(ram.allocatedFrames).toBe(0);
  });

  it('keeps memory above 4 GiB apart from its 32-bit alias', () => {
    const ram = new SparseRam(36);
    const high = 36 * GiB + 0x1ff8;
    ram.write64(high, 0xdeadbeef, 0x01234567);
    expect(ram.read32(high - 32 * GiB)).toBe(0);
    ram.read64(high);
    expect([ram.readLo, ram.readHi]).toEqual([0xdeadbeef, 0x01234567]);
    expect(ram.read32(high + 4)).toBe(0x01234567);
  });

  it('is little-endian for every size', () => {
    const ram = new SparseRam(36);
    ram.write32(0x100, 0x11223344);
    expect(ram.read8(0x100)).toBe(0x44);
    expect(ram.read16(0x101)).toBe(0x2233);
    ram.write16(0x102, 0xabcd);
    ram.write8(0x100, 0xee);
    expect(ram.read32(0x100)).toBe(0xabcd33ee);
  });

  it('is little-endian byte by byte in a frame other than frame 0 (above 4 GiB)', () => {
    const ram = new SparseRam(36);
    const pa = 5 * GiB + 0x100;
    ram.write32(pa, 0x11223344);
    expect([0, 1, 2, 3].map((i) => ram.read8(pa + i))).toEqual([0x44, 0x33, 0x22, 0x11]);
    ram.write8(pa + 1, 0xee);
    ram.write8(pa + 3, 0);
    expect(ram.read32(pa)).toBe(0x0022ee44);
    expect(ram.read32(pa - 4 * GiB)).toBe(0);
    expect(ram.allocatedFrames).toBe(1);
  });

  it('does not allocate a frame to write a zero byte into it', () => {
    const ram = new SparseRam(36);
    ram.write8(5 * GiB + 0x2001, 0);
    expect(ram.read8(5 * GiB + 0x2001)).toBe(0);
    expect(ram.allocatedFrames).toBe(0);
    ram.write8(5 * GiB + 0x2001, 0x5a);
    expect(ram.allocatedFrames).toBe(1);
    expect(ram.read32(5 * GiB + 0x2000)).toBe(0x5a00);
  });

  it('addresses up to 2^52 at MAXPHYADDR 52', () => {
    const ram = new SparseRam(52);
    const top = 2 ** 52 - 8;
    ram.write32(top, 7);
    expect(ram.read32(top)).toBe(7);
    expect(ram.read32(top - 2 ** 32)).toBe(0);
    expect(() => ram.read32(2 ** 52)).toThrow(RangeError);
  });

  it('dumps non-zero words sorted numerically by physical address', () => {
    const ram = new SparseRam(40);
    ram.write32(100 * 4096 + 8, 1);
    ram.write32(2 ** 39 + 4, 2);
    ram.write32(20 * 4096, 3);
    ram.write32(20 * 4096 + 16, 0xffffffff);
    ram.write32(20 * 4096 + 16, 0); // back to zero: not dumped
    expect(ram.dump()).toEqual([
      { pa: 20 * 4096, value: '0x3' },
      { pa: 100 * 4096 + 8, value: '0x1' },
      { pa: 2 ** 39, value: '0x200000000' },
    ]);
  });

  it('rejects accesses outside memory or straddling a frame, and a bad MAXPHYADDR', () => {
    const ram = new SparseRam(36);
    expect(() => ram.write32(2 ** 36, 1)).toThrow(RangeError);
    expect(() => ram.read32(0xffe)).toThrow(/straddles/);
    expect(() => ram.read32(-4)).toThrow(RangeError);
    expect(() => new SparseRam(33)).toThrow(RangeError);
  });

  it('reads and writes 16-bit values at their offset in a frame other than frame 0', () => {
    const ram = new SparseRam(36);
    const pa = 5 * GiB + 0x3102;
    ram.write16(pa, 0xabcd);
    expect(ram.read16(pa)).toBe(0xabcd);
    expect(ram.read32(pa - 2)).toBe(0xabcd0000);
    ram.write32(pa + 0x100, 0x11223344);
    expect(ram.read16(pa + 0x101)).toBe(0x2233);
    expect(ram.read16(pa - 5 * GiB)).toBe(0);
    expect(ram.allocatedFrames).toBe(1);
  });

  it('names an access outside memory as outside, also when it would straddle a frame too', () => {
    const ram = new SparseRam(36);
    const outside = (pa: number): string => `physical address ${pa} is outside 36-bit physical memory`;
    expect(() => ram.write32(2 ** 36, 1)).toThrow(new RangeError(outside(2 ** 36)));
    expect(() => ram.read8(2 ** 36)).toThrow(new RangeError(outside(2 ** 36)));
    expect(() => ram.read32(2 ** 36 - 2)).toThrow(new RangeError(outside(2 ** 36 - 2)));
    expect(() => ram.read32(-4)).toThrow(new RangeError(outside(-4)));
    expect(() => ram.read16(-1)).toThrow(new RangeError(outside(-1)));
    expect(() => ram.read8(0.5)).toThrow(new RangeError(outside(0.5)));
    expect(() => ram.read32(0xffe)).toThrow(new RangeError('a 4-byte access at 0xffe straddles a frame; split it first'));
    ram.write32(2 ** 36 - 4, 0x01020304);
    expect(ram.read32(2 ** 36 - 4)).toBe(0x01020304);
  });

  it('allocates a frame for writing only inside physical memory', () => {
    const ram = new SparseRam(36);
    expect(ram.frameForWrite(2 ** 24 - 1).byteLength).toBe(4096);
    expect(() => ram.frameForWrite(2 ** 24)).toThrow(new RangeError('frame 0x1000000 is outside 36-bit physical memory'));
    expect(() => ram.frameForWrite(-1)).toThrow(new RangeError('frame 0x-1 is outside 36-bit physical memory'));
    expect(() => ram.frameForWrite(1.5)).toThrow(new RangeError('frame 0x1.8 is outside 36-bit physical memory'));
    expect(ram.allocatedFrames).toBe(1);
  });
});
