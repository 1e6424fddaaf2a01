/**
 * Decoding of PAE paging-structure entries (SDM 4.4.2, Tables 4-8 to 4-11) into named predicates, so the
 * walk reads like the manual instead of like a pile of masks.
 */
import {
  BIT,
  HIGHEST_ADDRESS_BIT_LIMIT,
  LARGE_ADDRESS_LOW_BIT,
  LARGE_RESERVED_BITS,
  PDPTE_LOW_RESERVED_BITS,
  TABLE_ADDRESS_LOW_BIT,
} from '../arch/entry-layout.ts';

export type Level = 'PDPTE' | 'PDE' | 'PTE';

/** 1n << i for every bit of a 64-bit entry: BigInt shifts allocate, and the walk tests bits all the time. */
const BITS: readonly bigint[] = Array.from({ length: 64 }, (_, i) => 1n << BigInt(i));

export function bit(entry: bigint, position: number): boolean {
  return (entry & (BITS[position] as bigint)) !== 0n;
}

export function mask(position: number): bigint {
  return BITS[position] as bigint;
}

export const isPresent = (e: bigint): boolean => bit(e, BIT.P);
export const isWritable = (e: bigint): boolean => bit(e, BIT.RW);
export const isUser = (e: bigint): boolean => bit(e, BIT.US);
export const mapsLargePage = (e: bigint): boolean => bit(e, BIT.PS);
export const isGlobal = (e: bigint): boolean => bit(e, BIT.G);
export const isExecuteDisabled = (e: bigint): boolean => bit(e, BIT.XD);

const ranges = new Map<number, bigint>();

/** Bits low..high inclusive as a mask (bits 0..63, so low * 64 + high names it). Computed once each. */
function range(low: number, high: number): bigint {
  if (high < low) return 0n;
  const key = low * 64 + high;
  let mask = ranges.get(key);
  if (mask === undefined) {
    mask = ((1n << BigInt(high - low + 1)) - 1n) << BigInt(low);
    ranges.set(key, mask);
  }
  return mask;
}

/** Physical address held in bits maxPhyAddr-1..low of an entry. */
export function addressField(e: bigint, low: number, maxPhyAddr: number): number {
  return Number(e & range(low, maxPhyAddr - 1));
}

export function tableAddress(e: bigint, maxPhyAddr: number): number {
  return addressField(e, TABLE_ADDRESS_LOW_BIT, maxPhyAddr);
}

export function largePageAddress(e: bigint, maxPhyAddr: number): number {
  return addressField(e, LARGE_ADDRESS_LOW_BIT, maxPhyAddr);
}

/** Bits maxPhyAddr..62 are reserved in every PAE entry (SDM Tables 4-8 to 4-11). */
function addressReserved(maxPhyAddr: number): bigint {
  return range(maxPhyAddr, HIGHEST_ADDRESS_BIT_LIMIT);
}

/** Reserved-bit masks by maxPhyAddr (1..64) and kind, each computed once: every MOV to CR3 and walk asks. */
const reservedMasks = new Map<number, bigint>();

function reservedMask(kind: number, maxPhyAddr: number, build: () => bigint): bigint {
  const key = kind * 128 + maxPhyAddr;
  let m = reservedMasks.get(key);
  if (m === undefined) {
    m = build();
    reservedMasks.set(key, m);
  }
  return m;
}

/** PDPTE reserved bits (SDM Table 4-8): 2..1, 8..5, maxPhyAddr..63 (PAE PDPTEs have no XD). */
export function pdpteReservedBits(e: bigint, maxPhyAddr: number): bigint {
  return (
    e &
    reservedMask(0, maxPhyAddr, () => {
      let reserved = addressReserved(maxPhyAddr) | mask(63);
      for (const b of PDPTE_LOW_RESERVED_BITS) reserved |= mask(b);
      return reserved;
    })
  );
}

/**
 * PDE/PTE reserved bits (SDM Tables 4-9 to 4-11): maxPhyAddr..62; bit 63 (XD) unless EFER.NXE = 1;
 * and for a PDE that maps a 2 MiB page, bits 20..13.
 */
export function entryReservedBits(e: bigint, level: 'PDE' | 'PTE', maxPhyAddr: number, nxe: boolean): bigint {
  const large = level === 'PDE' && mapsLargePage(e);
  const kind = 1 + (nxe ? 1 : 0) + (large ? 2 : 0);
  return (
    e &
    reservedMask(kind, maxPhyAddr, () => {
      let reserved = addressReserved(maxPhyAddr);
      if (!nxe) reserved |= mask(BIT.XD);
      if (large) for (const b of LARGE_RESERVED_BITS) reserved |= mask(b);
      return reserved;
    })
  );
}
