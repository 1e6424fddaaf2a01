/**
 * Decoding of PAE paging-structure entries held as two unsigned 32-bit halves (`lo` = bits 31..0,
 * `hi` = bits 63..32). Named predicates and masks derived from the bit positions of
 * src/arch/entry-layout.ts, which stays the one place where a bit is declared (STYLE.md, sail-riscv:
 * `is_leaf`, `is_invalid` rather than masks scattered through the walk).
 *
 * A high half never passes through an operation that would mix it with the low half: physical addresses
 * are formed with arithmetic (`hi * 2^20 + (lo >>> 12)` frame numbers), never with bit operators.
 */
import {
  BIT,
  HIGHEST_ADDRESS_BIT_LIMIT,
  LARGE_ADDRESS_LOW_BIT,
  LARGE_RESERVED_BITS,
  MAX_MAXPHYADDR,
  MIN_MAXPHYADDR,
  PDPTE_LOW_RESERVED_BITS,
  TABLE_ADDRESS_LOW_BIT,
} from '../../src/arch/entry-layout.ts';

/** Mask of the given bit positions of a low half (all below 32). */
function lowMask(bits: readonly number[]): number {
  let mask = 0;
  for (const bit of bits) mask |= 1 << bit;
  return mask >>> 0;
}

/** Mask of bits `from`..`to` (inclusive) of the high half, given as positions in the 64-bit entry. */
function highRange(from: number, to: number): number {
  if (from > to) return 0;
  return (2 ** (to - 31) - 2 ** (from - 32)) >>> 0;
}

const P = lowMask([BIT.P]);
const RW = lowMask([BIT.RW]);
const US = lowMask([BIT.US]);
const ACCESSED = lowMask([BIT.A]);
const DIRTY = lowMask([BIT.D]);
const PS = lowMask([BIT.PS]);
const G = lowMask([BIT.G]);
/** XD in the high half. */
const XD_HIGH = highRange(BIT.XD, BIT.XD);

/** The accessed bit, for the read-modify-write the walk does (SDM 4.8). */
export const ACCESSED_MASK = ACCESSED;
/** The dirty bit, for the read-modify-write a store does (SDM 4.8). */
export const DIRTY_MASK = DIRTY;
/** Bits 20..13 of a PDE that maps a 2 MiB page (SDM Table 4-9). */
export const LARGE_RESERVED_LOW_MASK = lowMask(LARGE_RESERVED_BITS);
/** Bits 2..1 and 8..5 of a PDPTE (SDM Table 4-8). */
export const PDPTE_RESERVED_LOW_MASK = lowMask(PDPTE_LOW_RESERVED_BITS);

/** Low-half address field of an entry whose address starts at `lowBit` (12 or 21). */
export function lowAddressMask(lowBit: number): number {
  return (0xffffffff - (2 ** lowBit - 1)) >>> 0;
}
export const TABLE_ADDRESS_LOW_MASK = lowAddressMask(TABLE_ADDRESS_LOW_BIT);
export const LARGE_ADDRESS_LOW_MASK = lowAddressMask(LARGE_ADDRESS_LOW_BIT);

export const isPresent = (lo: number): boolean => (lo & P) !== 0;
export const isWritable = (lo: number): boolean => (lo & RW) !== 0;
export const isUser = (lo: number): boolean => (lo & US) !== 0;
export const isAccessed = (lo: number): boolean => (lo & ACCESSED) !== 0;
export const isDirty = (lo: number): boolean => (lo & DIRTY) !== 0;
/** PS in a PDE: the entry maps a 2 MiB page instead of pointing to a page table. */
export const isLargePage = (lo: number): boolean => (lo & PS) !== 0;
export const isGlobal = (lo: number): boolean => (lo & G) !== 0;
export const isExecuteDisabled = (hi: number): boolean => (hi & XD_HIGH) !== 0;

export function checkMaxPhyAddr(maxPhyAddr: number): number {
  if (!Number.isInteger(maxPhyAddr) || maxPhyAddr < MIN_MAXPHYADDR || maxPhyAddr > MAX_MAXPHYADDR) {
    throw new RangeError(`MAXPHYADDR must be an integer from ${MIN_MAXPHYADDR} to ${MAX_MAXPHYADDR}, got ${maxPhyAddr}`);
  }
  return maxPhyAddr;
}

/** High-half address bits 32..M-1. */
export function addressHighMask(maxPhyAddr: number): number {
  return highRange(32, maxPhyAddr - 1);
}

/** High-half reserved bits of a PDE or PTE: M..62, plus 63 (XD) unless EFER.NXE = 1 (SDM Tables 4-9 to 4-11). */
export function entryReservedHighMask(maxPhyAddr: number, nxe: boolean): number {
  const address = highRange(maxPhyAddr, HIGHEST_ADDRESS_BIT_LIMIT);
  return nxe ? address : (address | XD_HIGH) >>> 0;
}

/** High-half reserved bits of a PDPTE: M..63 (SDM Table 4-8; PAE PDPTEs have no XD). */
export function pdpteReservedHighMask(maxPhyAddr: number): number {
  return highRange(maxPhyAddr, BIT.XD);
}
