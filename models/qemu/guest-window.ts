/**
 * The guest window: the 2 MiB linear slot, identity-mapped, from which the guest runs a trace. Its code,
 * stack, descriptor tables and command table must be mapped at the same linear address in every address
 * space the trace switches to, or the first exception or instruction fetch after a MOV to CR3 would fail
 * (QEMU.md). The adapter puts one page-directory entry for it in every page directory that the window's
 * PDPTE index reaches, and gives every root whose PDPTE there cannot reach one a directory of its own.
 */
import { BIT, PAE_INDEX, PAGE_2M, PAGE_4M } from '../../src/arch/entry-layout.ts';
import { GUEST_LAYOUT, WINDOW_BASES } from './guest-abi.ts';

export interface Window {
  readonly base: number;
  /** PDPTE index (linear quarter) and PDE index of the slot. */
  readonly quarter: number;
  readonly index: number;
  /** The PDE that maps the window's page table: present, writable, user (for the user stubs), accessed. */
  readonly pde: bigint;
  /** The page directory for roots that need one, and the PDPTE pointing to it. */
  readonly directory: number;
  readonly pdpte: bigint;
  /**
   * 32-bit paging: the PDE index of the window's 4 MiB linear slot, and the 4-byte PDE that maps the
   * guest's 32-bit page table there (present, writable, user, accessed).
   */
  readonly index32: number;
  readonly pde32: number;
}

const mask = (b: number): bigint => 1n << BigInt(b);

export function windowAt(base: number): Window {
  const table = base + GUEST_LAYOUT.WINDOW_PT_OFFSET;
  const directory = base + GUEST_LAYOUT.WINDOW_GUEST_PD_OFFSET;
  return {
    base,
    quarter: Math.floor(base / 2 ** PAE_INDEX.PDPTE_SHIFT),
    index: Math.floor(base / PAGE_2M) % PAE_INDEX.ENTRIES_PER_TABLE,
    // Accessed is preset: the guest's own accesses must not change a word the specification compares.
    pde: BigInt(table) | mask(BIT.P) | mask(BIT.RW) | mask(BIT.US) | mask(BIT.A),
    directory,
    pdpte: BigInt(directory) | mask(BIT.P),
    index32: Math.floor(base / PAGE_4M),
    pde32: (base + GUEST_LAYOUT.WINDOW_PT32_OFFSET + (1 << BIT.P) + (1 << BIT.RW) + (1 << BIT.US) + (1 << BIT.A)) >>> 0,
  };
}

export const WINDOWS: readonly Window[] = WINDOW_BASES.map(windowAt);

/** The linear 2 MiB region number of the slot in quarter `q` with the window's PDE index. */
export function slotRegion(w: Window, quarter: number): number {
  return quarter * PAE_INDEX.ENTRIES_PER_TABLE + w.index;
}

/** The page-directory word that maps the window, in directory `pd`. */
export function windowEntryAddress(w: Window, pd: number): number {
  return pd + w.index * PAE_INDEX.ENTRY_BYTES;
}
