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

const DIGITS = '0123456789abcdef';
/** Character code of each digit value. */
const DIGIT_CODE = Uint8Array.from(DIGITS, (c) => c.charCodeAt(0));
/** Digit value of each character code below 128 (either case). */
const DIGIT_VALUE = (() => {
  const values = new Uint8Array(128);
  for (let d = 0; d < 16; d++) {
    values[DIGITS.charCodeAt(d)] = d;
    values[DIGITS.toUpperCase().charCodeAt(d)] = d;
  }
  return values;
})();

/**
 * Stores the low half of a hex value at out[at] and the high half at out[at + 1], digit by digit through
 * a table (parseInt of a substring allocates; the QEMU driver stages thousands of words per trace).
 */
export function storeHexHalves(out: Uint32Array, at: number, h: Hex64): void {
  const end = h.length;
  const split = Math.max(2, end - 8);
  // Shifts wrap to signed 32 bits: the Uint32Array stores them modulo 2^32, which is the digits' value.
  let hi = 0;
  for (let i = 2; i < split; i++) hi = (hi << 4) | (DIGIT_VALUE[h.charCodeAt(i)] as number);
  let lo = 0;
  for (let i = split; i < end; i++) lo = (lo << 4) | (DIGIT_VALUE[h.charCodeAt(i)] as number);
  out[at] = lo;
  out[at + 1] = hi;
}

/** Character codes of the value being formatted ("0x" goes just before its first significant digit). */
const codes = new Uint8Array(18);
const fromCodes = String.fromCharCode;

/** Leaves the 8 digits of a 32-bit value in codes[from .. from + 8). */
function putDigits(x: number, from: number): void {
  let rest = x;
  for (let i = from + 7; i >= from; i--) {
    codes[i] = DIGIT_CODE[rest & 15] as number;
    rest >>>= 4;
  }
}

/**
 * Builds the hex form of hi * 2^32 + lo from two unsigned 32-bit halves, digit by digit through a table:
 * one flat string from fixed-arity fromCharCode, the leading zeros sliced off. Number.prototype.toString(16)
 * of a half that is no small integer takes V8's general floating-point path, about ten times slower, and
 * the specification, the reference machine and the QEMU driver each format a value per load.
 */
export function hexFromHalves(lo: number, hi: number): Hex64 {
  const c = codes;
  if (hi === 0) {
    const zeros = lo === 0 ? 7 : Math.clz32(lo) >> 2;
    putDigits(lo, 2);
    c[zeros] = 48;
    c[zeros + 1] = 120;
    const s = fromCodes(c[0]!, c[1]!, c[2]!, c[3]!, c[4]!, c[5]!, c[6]!, c[7]!, c[8]!, c[9]!);
    return (zeros === 0 ? s : s.slice(zeros)) as Hex64;
  }
  const zeros = Math.clz32(hi) >> 2;
  putDigits(hi, 2);
  putDigits(lo, 10);
  c[zeros] = 48;
  c[zeros + 1] = 120;
  const s = fromCodes(c[0]!, c[1]!, c[2]!, c[3]!, c[4]!, c[5]!, c[6]!, c[7]!, c[8]!, c[9]!, c[10]!, c[11]!, c[12]!, c[13]!, c[14]!, c[15]!, c[16]!, c[17]!);
  return (zeros === 0 ? s : s.slice(zeros)) as Hex64;
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
