/**
 * Initial contents of the data frames a trace touches. Every seeded word holds a 64-bit mix of its own
 * physical address, so each byte depends on every address bit: a load that reaches the wrong frame (a
 * 32-bit truncation, a stale TLB entry, a 2 MiB offset one bit short) reads a different value, even when
 * the two addresses differ only above bit 32 and the load is one byte wide.
 * @internal
 */

const MASK64 = (1n << 64n) - 1n;

/** splitmix64's finaliser over the address; never zero (memory words must be non-zero). */
export function seedValueAt(pa: number): bigint {
  let z = (BigInt(pa) + 0x9e3779b97f4a7c15n) & MASK64;
  z = ((z ^ (z >> 30n)) * 0xbf58476d1ce4e5b9n) & MASK64;
  z = ((z ^ (z >> 27n)) * 0x94d049bb133111ebn) & MASK64;
  z = z ^ (z >> 31n);
  return z === 0n ? 1n : z;
}

/** The 8-byte-aligned word holding byte `pa`. */
export function wordOf(pa: number): number {
  return pa - (pa % 8);
}
