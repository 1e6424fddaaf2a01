/**
 * 64-bit hex values (Hex64: "0x", lowercase digits, no leading zero) to and from 32-bit halves, digit by
 * digit through tables. The driver converts a few thousand of them per trace: the image words and stored
 * values it writes for the guest, the values and final words it decodes. Number.prototype.toString(16)
 * of a value that is no small integer takes V8's general floating-point path (about 0.6 us a value, ten
 * times this), and parseInt of a substring allocates.
 */
import type { Hex64 } from '../../src/arch/word.ts';

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

/** Stores the low half of a hex value at out[at] and the high half at out[at + 1]. */
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
 * The Hex64 of the value hi * 2^32 + lo (halves below 2^32), as hexFromHalves (src/arch/word.ts) writes
 * it. One flat string from fixed-arity fromCharCode, with the leading zeros sliced off.
 */
export function hexOfHalves(lo: number, hi: number): Hex64 {
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
