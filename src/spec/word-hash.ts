/**
 * A 32-bit hash of one memory word (its physical address and its value), for the content hash of the
 * specification's memory: XOR of the words' hashes, so a write updates it in constant time (XOR out the
 * old word, XOR in the new). A hash only narrows the comparison; equality is always confirmed word by word.
 *
 * The physical address may lie above 4 GiB, so it is split into 32-bit halves with arithmetic before any
 * bit operator touches it.
 */
const TWO_32 = 2 ** 32;

function mix(h: number, k: number): number {
  let x = Math.imul(k, 0xcc9e2d51);
  x = (x << 15) | (x >>> 17);
  x = Math.imul(x, 0x1b873593);
  const y = h ^ x;
  return Math.imul((y << 13) | (y >>> 19), 5) + 0xe6546b64;
}

function finish(h: number): number {
  let x = h ^ (h >>> 16);
  x = Math.imul(x, 0x85ebca6b);
  x ^= x >>> 13;
  x = Math.imul(x, 0xc2b2ae35);
  return (x ^ (x >>> 16)) >>> 0;
}

export function wordHash(pa: number, value: bigint): number {
  let h = mix(0x9747b28c, pa % TWO_32);
  h = mix(h, Math.floor(pa / TWO_32));
  h = mix(h, Number(value & 0xffffffffn));
  h = mix(h, Number(value >> 32n));
  return finish(h);
}
