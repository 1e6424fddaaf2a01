/**
 * Masks for 32-bit paging entries (SDM 4.3, Tables 4-4 to 4-6; the layout table is in
 * src/arch/entry-layout.ts, PAGING32). The bit positions P, R/W, U/S, A, D, PS and G are those of PAE
 * entries, so the predicates of entry.ts apply to a 32-bit entry as they do to a PAE entry's low half.
 *
 * PSE-36: a 4 MiB PDE carries physical-address bits 32..M'-1 in its bits 13..(13 + M' - 33), where
 * M' = min(MAXPHYADDR, 40); its bit 21 and its bits (13 + M' - 32)..20 are reserved. Page tables and
 * 4 KiB frames stay below 4 GiB and their entries have no reserved bits; there is no XD bit.
 */
import { PAGE_4K, PAGE_4M, PAGING32 } from '../../src/arch/entry-layout.ts';

/** A 4 MiB PDE's bits 31..22: physical-address bits 31..22. */
export const HUGE_ADDRESS_LOW_MASK = 0xffc00000;
/** 4 KiB frames per 4 MiB page. */
export const FRAMES_PER_HUGE_PAGE = PAGE_4M / PAGE_4K;

/** M' - 32: how many physical-address bits above 31 a 4 MiB PDE can hold. */
export function pse36AddressBits(maxPhyAddr: number): number {
  return Math.min(maxPhyAddr, PAGING32.PSE36_MAX_PHYSICAL_BITS) - 32;
}

/** Reserved bits of a 4 MiB PDE: bit 21 and bits (13 + M' - 32)..20 (SDM Table 4-4). */
export function hugeReservedMask(maxPhyAddr: number): number {
  let mask = 0;
  for (let b = PAGING32.PSE36_LOW_BIT + pse36AddressBits(maxPhyAddr); b <= PAGING32.LARGE_RESERVED_BIT; b++) mask |= 1 << b;
  return mask >>> 0;
}

/**
 * The 4 KiB frame number of a 4 MiB page: bits 31..22 of the PDE, and physical-address bits 32..M'-1
 * from PDE bits 13 and up (arithmetic, so the frame may lie above 4 GiB).
 */
export function hugeFrame(pde: number, maxPhyAddr: number): number {
  const high = (pde >>> PAGING32.PSE36_LOW_BIT) & ((1 << pse36AddressBits(maxPhyAddr)) - 1);
  return high * 2 ** 20 + ((pde & HUGE_ADDRESS_LOW_MASK) >>> 0) / PAGE_4K;
}
