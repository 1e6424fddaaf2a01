/**
 * The PAE page walk (SDM 4.4.2, Figure 4-5 and 4-6), in the order the SDM gives it:
 *
 *   1. PDPTE from the PDPTE registers, selected by va bits 31..30 (never from memory: pdpte-registers.ts)
 *   2. PDE read from RAM, selected by va bits 29..21; PS = 1 maps a 2 MiB page
 *   3. PTE read from RAM, selected by va bits 20..12
 *
 * At each level "not present" is checked before reserved bits, and the walk stops at the first level that
 * fails (SDM 4.7). `lookup` does only that and has no side effect; `walk` adds the permission check
 * (permissions.ts) and, on success only, sets the accessed bits (SDM 4.8). The dirty bit is set by
 * `setDirty`, called by the processor when the store is known to complete.
 *
 * Results go into a caller-owned `WalkResult`, so a walk allocates nothing. Each step of the address split
 * is a small method (`pdeIndex`, `largeOffset`, `addressFrame` ...) that a seeded-fault mutant may override.
 */
import { PAE_INDEX, PAGE_2M, PAGE_4K } from '../../src/arch/entry-layout.ts';
import type { ControlRegisters } from './control-registers.ts';
import {
  ACCESSED_MASK,
  addressHighMask,
  DIRTY_MASK,
  entryReservedHighMask,
  isAccessed,
  isDirty,
  isExecuteDisabled,
  isGlobal,
  isLargePage,
  isPresent,
  isUser,
  isWritable,
  LARGE_ADDRESS_LOW_MASK,
  LARGE_RESERVED_LOW_MASK,
  TABLE_ADDRESS_LOW_MASK,
} from './entry.ts';
import { WalkError } from './page-fault.ts';
import type { PdpteRegisters } from './pdpte-registers.ts';
import { type Access, accessAllowed, PERMISSION } from './permissions.ts';
import type { SparseRam } from './ram.ts';

/** Frame numbers per 2^32 bytes: the weight of an entry's high half in a frame number. */
const FRAMES_PER_4G = 2 ** 32 / PAGE_4K;
const FRAME_SHIFT = PAE_INDEX.PTE_SHIFT;

/** What a walk found. Fields after `error` are meaningful only as far as the walk got. */
export class WalkResult {
  error: WalkError = WalkError.None;
  /** The leaf is a PDE mapping a 2 MiB page. */
  large = false;
  /** Physical frame number of the 4 KiB that holds the byte at va. */
  frame = 0;
  /**
   * Physical frame number of the first 4 KiB of what the TLB caches as one entry: the 4 KiB page, the
   * 2 MiB page, or the 2 MiB half of a 4 MiB page that holds va (tlb.ts caches 4 MiB pages as halves).
   */
  pageFrame = 0;
  /** Size of the page the leaf maps: 4 KiB, 2 MiB (PAE) or 4 MiB (32-bit paging with PSE). */
  pageSize = PAGE_4K;
  /** Physical frame number of the first 4 KiB of the whole page (for a 4 MiB page, of its lower half). */
  leafFrame = 0;
  /** Combined permissions over all levels (permissions.ts). */
  permissions = 0;
  /** The leaf's G bit. */
  global = false;
  /** The leaf's D bit as read by the walk, or true once `setDirty` set it. */
  dirty = false;
  /** Physical address and low half of the PDE, as read. */
  pdeAddress = 0;
  pdeLo = 0;
  /** Physical address and low half of the PTE, as read (4 KiB pages only). */
  pteAddress = 0;
  pteLo = 0;
  /** Set by the processor when a store's D update waits for the rest of the access (straddling stores). */
  dirtyPending = false;

  get leafAddress(): number {
    return this.large ? this.pdeAddress : this.pteAddress;
  }

  get leafLo(): number {
    return this.large ? this.pdeLo : this.pteLo;
  }
}

export interface WalkerContext {
  readonly ram: SparseRam;
  readonly pdptes: PdpteRegisters;
  readonly control: ControlRegisters;
}

export class PaeWalker {
  protected readonly ram: SparseRam;
  protected readonly pdptes: PdpteRegisters;
  protected readonly control: ControlRegisters;
  /** High-half address bits 32..M-1. */
  protected readonly addressHigh: number;
  /** High-half reserved bits of a PDE or PTE, with EFER.NXE = 1 and = 0. */
  protected readonly reservedHighNxe: number;
  protected readonly reservedHighNoNxe: number;

  /** The entry last read by `readEntry`, as signed 32-bit halves (bit tests only; no boxing). */
  private entryLo = 0;
  private entryHi = 0;

  constructor(context: WalkerContext) {
    this.ram = context.ram;
    this.pdptes = context.pdptes;
    this.control = context.control;
    const maxPhyAddr = context.ram.maxPhyAddr;
    this.addressHigh = addressHighMask(maxPhyAddr);
    this.reservedHighNxe = entryReservedHighMask(maxPhyAddr, true);
    this.reservedHighNoNxe = entryReservedHighMask(maxPhyAddr, false);
  }

  /** va bits 31..30: which PDPTE register. */
  pdpteIndex(va: number): number {
    return va >>> PAE_INDEX.PDPTE_SHIFT;
  }

  /** va bits 29..21: which PDE of the page directory. */
  pdeIndex(va: number): number {
    return (va >>> PAE_INDEX.PDE_SHIFT) & PAE_INDEX.INDEX_MASK;
  }

  /** va bits 20..12: which PTE of the page table. */
  pteIndex(va: number): number {
    return (va >>> PAE_INDEX.PTE_SHIFT) & PAE_INDEX.INDEX_MASK;
  }

  /** va bits 20..0: the byte offset inside a 2 MiB page. The TLB hit path uses it too. */
  largeOffset(va: number): number {
    return va & (PAGE_2M - 1);
  }

  /**
   * The frame number an entry's address field designates: bits M-1..32 from the high half, bits 31..12
   * (or 31..21, per `lowMask`) from the low half. Arithmetic only: the result may exceed 2^32 bytes.
   */
  addressFrame(lo: number, hi: number, lowMask: number): number {
    return (hi & this.addressHigh) * FRAMES_PER_4G + ((lo & lowMask) >>> FRAME_SHIFT);
  }

  /**
   * The translation of va by the current paging structures, or why there is none (not present or
   * reserved bit). No permission check, no A/D update, no TLB: for reports, checks and INVLPG.
   */
  lookup(va: number, out: WalkResult): boolean {
    out.error = WalkError.None;
    const index = this.pdpteIndex(va);
    const pdpteLo = this.pdptes.lo[index]! | 0;
    const pdpteHi = this.pdptes.hi[index]! | 0;
    // PDPTE register: reserved bits were checked when it was loaded.
    if (!isPresent(pdpteLo)) return this.fail(out, WalkError.NotPresent);
    const reservedHigh = this.control.noExecute ? this.reservedHighNxe : this.reservedHighNoNxe;
    let permissions = PERMISSION.WRITABLE | PERMISSION.USER | (isExecuteDisabled(pdpteHi) ? PERMISSION.NO_EXECUTE : 0);

    // PDE
    const pdeAddress = this.addressFrame(pdpteLo, pdpteHi, TABLE_ADDRESS_LOW_MASK) * PAGE_4K + this.pdeIndex(va) * PAE_INDEX.ENTRY_BYTES;
    this.readEntry(pdeAddress);
    const pdeLo = this.entryLo;
    const pdeHi = this.entryHi;
    out.pdeAddress = pdeAddress;
    out.pdeLo = pdeLo;
    const large = isLargePage(pdeLo);
    const pdeError = this.entryError(pdeLo, pdeHi, large ? LARGE_RESERVED_LOW_MASK : 0, reservedHigh);
    if (pdeError !== WalkError.None) return this.fail(out, pdeError);
    permissions = this.combinePermissions(permissions, pdeLo, pdeHi);
    if (large) return this.largeLeaf(va, out, pdeLo, pdeHi, permissions);

    // PTE (bit 7 is PAT here, not PS)
    const pteAddress = this.addressFrame(pdeLo, pdeHi, TABLE_ADDRESS_LOW_MASK) * PAGE_4K + this.pteIndex(va) * PAE_INDEX.ENTRY_BYTES;
    this.readEntry(pteAddress);
    const pteLo = this.entryLo;
    const pteHi = this.entryHi;
    out.pteAddress = pteAddress;
    out.pteLo = pteLo;
    const pteError = this.entryError(pteLo, pteHi, 0, reservedHigh);
    if (pteError !== WalkError.None) return this.fail(out, pteError);
    return this.smallLeaf(out, pteLo, pteHi, this.combinePermissions(permissions, pteLo, pteHi));
  }

  /** The real walk: `lookup`, then the access check, then the accessed bits (only when both succeed). */
  walk(va: number, access: Access, user: boolean, out: WalkResult): boolean {
    if (!this.lookup(va, out)) return false;
    const control = this.control;
    if (!accessAllowed(out.permissions, access, user, control.writeProtect, control.noExecute)) {
      return this.fail(out, WalkError.Protection);
    }
    this.setAccessed(out);
    return true;
  }

  /** Sets A in the PDE and, for a 4 KiB page, in the PTE, where the walk found it clear (SDM 4.8). */
  setAccessed(out: WalkResult): void {
    if (!isAccessed(out.pdeLo)) this.setEntryBit(out.pdeAddress, ACCESSED_MASK);
    if (!out.large && !isAccessed(out.pteLo)) this.setEntryBit(out.pteAddress, ACCESSED_MASK);
  }

  /** Sets D in the leaf entry (PTE, or PDE of a 2 MiB page) if the walk found it clear (SDM 4.8). */
  setDirty(out: WalkResult): void {
    if (!isDirty(out.leafLo)) this.setEntryBit(out.leafAddress, DIRTY_MASK);
    out.dirty = true;
  }

  /** True when the current paging structures map va with a present 2 MiB page (for INVLPG). */
  mapsLargePage(va: number): boolean {
    const index = this.pdpteIndex(va);
    const pdpteLo = this.pdptes.lo[index]!;
    if (!isPresent(pdpteLo)) return false;
    const pdeAddress = this.addressFrame(pdpteLo, this.pdptes.hi[index]!, TABLE_ADDRESS_LOW_MASK) * PAGE_4K + this.pdeIndex(va) * PAE_INDEX.ENTRY_BYTES;
    const pdeLo = this.ram.read32(pdeAddress);
    return isPresent(pdeLo) && isLargePage(pdeLo);
  }

  /** Read-modify-write of the low half of the entry at `address` (SDM 4.8: A/D updates are locked RMWs). */
  protected setEntryBit(address: number, mask: number): void {
    const lo = this.ram.read32(address);
    if ((lo & mask) === 0) this.ram.write32(address, (lo | mask) >>> 0);
  }

  /** Not-present first, then reserved bits (SDM 4.7); `reservedLow` adds level-specific low bits. */
  protected entryError(lo: number, hi: number, reservedLow: number, reservedHigh: number): WalkError {
    if (!isPresent(lo)) return WalkError.NotPresent;
    if ((lo & reservedLow) !== 0 || (hi & reservedHigh) !== 0) return WalkError.Reserved;
    return WalkError.None;
  }

  /** R/W and U/S are ANDed over the levels, XD is ORed (SDM 4.6). */
  protected combinePermissions(permissions: number, lo: number, hi: number): number {
    let result = permissions;
    if (!isWritable(lo)) result &= ~PERMISSION.WRITABLE;
    if (!isUser(lo)) result &= ~PERMISSION.USER;
    if (isExecuteDisabled(hi)) result |= PERMISSION.NO_EXECUTE;
    return result;
  }

  /**
   * Reads the 8-byte entry at `address` into entryLo/entryHi straight from the frame's backing store: the
   * walker forms only 8-byte-aligned addresses below 2^MAXPHYADDR, so RAM's range checks are not needed.
   */
  protected readEntry(address: number): void {
    const frame = Math.floor(address / PAGE_4K);
    const view = this.ram.frameView(frame);
    if (view === null) {
      this.entryLo = 0;
      this.entryHi = 0;
      return;
    }
    const offset = address - frame * PAGE_4K;
    this.entryLo = view.getInt32(offset, true);
    this.entryHi = view.getInt32(offset + 4, true);
  }

  private largeLeaf(va: number, out: WalkResult, lo: number, hi: number, permissions: number): boolean {
    const pageFrame = this.addressFrame(lo, hi, LARGE_ADDRESS_LOW_MASK);
    this.leaf(out, true, lo, permissions, pageFrame);
    out.pageSize = PAGE_2M;
    out.leafFrame = pageFrame;
    out.frame = pageFrame + (this.largeOffset(va) >>> FRAME_SHIFT);
    return true;
  }

  protected smallLeaf(out: WalkResult, lo: number, hi: number, permissions: number): boolean {
    const frame = this.addressFrame(lo, hi, TABLE_ADDRESS_LOW_MASK);
    this.leaf(out, false, lo, permissions, frame);
    out.pageSize = PAGE_4K;
    out.leafFrame = frame;
    out.frame = frame;
    return true;
  }

  protected leaf(out: WalkResult, large: boolean, lo: number, permissions: number, pageFrame: number): void {
    out.large = large;
    out.pageFrame = pageFrame;
    out.permissions = permissions;
    out.global = isGlobal(lo);
    out.dirty = isDirty(lo);
  }

  protected fail(out: WalkResult, error: WalkError): false {
    out.error = error;
    return false;
  }
}
