/**
 * Building and editing 64-bit paging-structure entries as bigints. Every bit position comes from
 * src/arch/entry-layout.ts; this file only names the combinations the generators write.
 * Addresses enter through BigInt(), never through a JavaScript bit operator (they may exceed 2^32).
 * @internal
 */
import { BIT, HIGHEST_ADDRESS_BIT_LIMIT, LARGE_ADDRESS_LOW_BIT, TABLE_ADDRESS_LOW_BIT } from '../../arch/entry-layout.ts';

export const bitMask = (position: number): bigint => 1n << BigInt(position);

export function withBit(entry: bigint, position: number, on: boolean): bigint {
  return on ? entry | bitMask(position) : entry & ~bitMask(position);
}

export function hasBit(entry: bigint, position: number): boolean {
  return (entry & bitMask(position)) !== 0n;
}

/** Bits low..high inclusive. */
function bitRange(low: number, high: number): bigint {
  return ((1n << BigInt(high - low + 1)) - 1n) << BigInt(low);
}

/** The address field of a PDE/PTE (bits 62..12 at most; the caller keeps addresses below 2^maxPhyAddr). */
const TABLE_ADDRESS_FIELD = bitRange(TABLE_ADDRESS_LOW_BIT, HIGHEST_ADDRESS_BIT_LIMIT);
const LARGE_ADDRESS_FIELD = bitRange(LARGE_ADDRESS_LOW_BIT, HIGHEST_ADDRESS_BIT_LIMIT);

/** The 4 KiB-granular address an entry holds (page table, page directory or 4 KiB frame). */
export function entryTableAddress(entry: bigint): number {
  return Number(entry & TABLE_ADDRESS_FIELD);
}

export function entryLargeAddress(entry: bigint): number {
  return Number(entry & LARGE_ADDRESS_FIELD);
}

/** A PDPTE pointing to a page directory: only P is set, since bits 2..1 and 8..5 are reserved (SDM Table 4-8). */
export function pdpteFor(pageDirectory: number): bigint {
  return BigInt(pageDirectory) | bitMask(BIT.P);
}

/**
 * A PDE pointing to a page table. Present, writable and user, so the rights of a page come from its
 * leaf unless an edit narrows the PDE on purpose.
 */
export function tablePdeFor(pageTable: number): bigint {
  return BigInt(pageTable) | bitMask(BIT.P) | bitMask(BIT.RW) | bitMask(BIT.US);
}

export interface LeafBits {
  readonly writable: boolean;
  readonly user: boolean;
  readonly global: boolean;
  readonly executeDisable: boolean;
  readonly accessed: boolean;
  readonly dirty: boolean;
}

/** A PTE mapping a 4 KiB frame, or (large) a PDE mapping a 2 MiB frame. */
export function leafFor(frame: number, large: boolean, bits: LeafBits): bigint {
  let e = BigInt(frame) | bitMask(BIT.P);
  e = withBit(e, BIT.RW, bits.writable);
  e = withBit(e, BIT.US, bits.user);
  e = withBit(e, BIT.A, bits.accessed);
  e = withBit(e, BIT.D, bits.dirty);
  e = withBit(e, BIT.PS, large);
  e = withBit(e, BIT.G, bits.global);
  e = withBit(e, BIT.XD, bits.executeDisable);
  return e;
}

/** Replaces the frame of a leaf, keeping its flags. */
export function withFrame(entry: bigint, frame: number, large: boolean): bigint {
  const field = large ? LARGE_ADDRESS_FIELD : TABLE_ADDRESS_FIELD;
  return (entry & ~field) | BigInt(frame);
}

/** The rights and status bits of a leaf, to carry over when it changes shape (4 KiB <-> 2 MiB). */
export function leafBitsOf(entry: bigint): LeafBits {
  return {
    writable: hasBit(entry, BIT.RW),
    user: hasBit(entry, BIT.US),
    global: hasBit(entry, BIT.G),
    executeDisable: hasBit(entry, BIT.XD),
    accessed: hasBit(entry, BIT.A),
    dirty: hasBit(entry, BIT.D),
  };
}
