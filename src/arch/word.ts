/**
 * 64-bit values at the contract boundary. Traces and observations are plain JSON, and JSON numbers
 * cannot hold 64 bits exactly, so a 64-bit value is a hex string: "0x" followed by 1 to 16 lower-case
 * hex digits. Inside a machine a value is two unsigned 32-bit halves; inside the specification a bigint.
 */
export type Hex64 = string & { readonly __brand: 'hex64' };

const HEX64 = /^0x[0-9a-f]{1,16}$/;

export function isHex64(s: unknown): s is Hex64 {
  return typeof s === 'string' && HEX64.test(s);
}

export function hexFromBigInt(v: bigint): Hex64 {
  return ('0x' + BigInt.asUintN(64, v).toString(16)) as Hex64;
}

export function bigIntFromHex(h: Hex64): bigint {
  return BigInt(h);
}

/** Builds the hex form from two unsigned 32-bit halves. */
export function hexFromHalves(lo: number, hi: number): Hex64 {
  if (hi === 0) return ('0x' + (lo >>> 0).toString(16)) as Hex64;
  return ('0x' + (hi >>> 0).toString(16) + (lo >>> 0).toString(16).padStart(8, '0')) as Hex64;
}

export function loHalf(h: Hex64): number {
  const digits = h.slice(2);
  return parseInt(digits.slice(-8), 16) >>> 0;
}

export function hiHalf(h: Hex64): number {
  const digits = h.slice(2);
  return digits.length > 8 ? parseInt(digits.slice(0, -8), 16) >>> 0 : 0;
}

/** Keeps the low `bytes` bytes of a value. */
export function truncateHex(h: Hex64, bytes: number): Hex64 {
  return hexFromBigInt(BigInt.asUintN(bytes * 8, bigIntFromHex(h)));
}
