/**
 * Branded address types. Both are plain numbers at run time; the brand keeps a linear address from being
 * passed where a physical one is meant. A physical address may exceed 2^32 (up to 2^52), so it must never
 * pass through a JavaScript bit operator, which truncates to 32 bits: use the helpers below.
 */
export type LinearAddress = number & { readonly __brand: 'linear' };
export type PhysicalAddress = number & { readonly __brand: 'physical' };

export function linear(value: number): LinearAddress {
  return (value >>> 0) as LinearAddress;
}

export function physical(value: number): PhysicalAddress {
  return value as PhysicalAddress;
}

/** floor(a / 2^k) for a non-negative a below 2^53, without 32-bit truncation. */
export function shiftRight(a: number, k: number): number {
  return Math.floor(a / 2 ** k);
}

/** a mod 2^k for a non-negative a below 2^53. */
export function lowBits(a: number, k: number): number {
  return a % 2 ** k;
}

/** Rounds a down to a multiple of `alignment` (a power of two), without 32-bit truncation. */
export function alignDown(a: number, alignment: number): number {
  return a - (a % alignment);
}
