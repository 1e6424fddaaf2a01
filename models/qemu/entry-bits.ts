/**
 * Reading PAE paging-structure entries as the adapter needs to (SDM 4.4.2, Tables 4-8 to 4-11): present or
 * not, where they point, and whether the processor would load a PDPTE without #GP. Bit positions come
 * from src/arch/entry-layout.ts.
 */
import { BIT, HIGHEST_ADDRESS_BIT_LIMIT, PDPTE_LOW_RESERVED_BITS } from '../../src/arch/entry-layout.ts';
import { QEMU_MAXPHYADDR } from './guest-abi.ts';

const mask = (position: number): bigint => 1n << BigInt(position);
// Masks made once: each bigint operation allocates, and entries are read often.
const P = mask(BIT.P);
const PS = mask(BIT.PS);
const PDPTE_LOW_RESERVED = PDPTE_LOW_RESERVED_BITS.reduce((m, b) => m | mask(b), 0n);

export const isPresent = (v: bigint): boolean => (v & P) !== 0n;
export const isLarge = (v: bigint): boolean => (v & PS) !== 0n;

/** Bits low..high inclusive. */
export function bitRange(low: number, high: number): bigint {
  if (high < low) return 0n;
  return ((1n << BigInt(high - low + 1)) - 1n) << BigInt(low);
}

/**
 * Whether a present entry's address field is valid at MAXPHYADDR `m`: no bit from m to 62 set (SDM Tables
 * 4-8 to 4-11). Other reserved bits (PDPTE bits 2..1 and 8..5, a 2 MiB PDE's bits 20..13, XD) do not
 * change where the entry points, so the closure follows the entry anyway: QEMU may.
 */
export function addressValid(v: bigint, m: number): boolean {
  return (v & highBits(m)) === 0n;
}

const HIGH_BITS = new Map<number, bigint>();
const ADDRESS_BITS = new Map<number, bigint>();

/** Bits m..62, computed once per MAXPHYADDR. */
function highBits(m: number): bigint {
  let mask = HIGH_BITS.get(m);
  if (mask === undefined) HIGH_BITS.set(m, (mask = bitRange(m, HIGHEST_ADDRESS_BIT_LIMIT)));
  return mask;
}

/** Bits m-1..12, computed once per MAXPHYADDR. */
export function addressBits(m: number): bigint {
  let mask = ADDRESS_BITS.get(m);
  if (mask === undefined) ADDRESS_BITS.set(m, (mask = bitRange(12, m - 1)));
  return mask;
}

/** The address an entry holds: bits m-1..12 (a 2 MiB frame also keeps its PAT bit 12; callers mask). */
export function entryAddress(v: bigint, m: number): number {
  return Number(v & addressBits(m));
}

/** A PDPTE the processor loads without #GP and that points to a directory (SDM 4.4.1, Table 4-8). */
export function pdpteUsable(v: bigint): boolean {
  return isPresent(v) && addressValid(v, QEMU_MAXPHYADDR) && v >> 63n === 0n && (v & PDPTE_LOW_RESERVED) === 0n;
}
