/**
 * The 32-bit page walk (SDM 4.3, Figures 4-2 and 4-3), used when CR0.PG = 1 and CR4.PAE = 0:
 *
 *   1. PDE read from RAM at CR3[31:12] + 4 * va[31:22]; with CR4.PSE = 1 and PS = 1 it maps a 4 MiB page
 *      (PSE-36: its frame may lie above 4 GiB, up to 2^min(MAXPHYADDR, 40))
 *   2. otherwise PTE read at PDE[31:12] + 4 * va[21:12], mapping a 4 KiB frame below 4 GiB
 *
 * The skeleton is the PAE walker's: `walk` is `lookup`, then the rights (permissions.ts), then the
 * accessed bits; `setDirty` sets D in the leaf. Only `lookup` and `mapsLargePage` differ, so this class
 * extends PaeWalker and replaces those two. Entries are 4 bytes: an entry address with pa % 8 == 4 is the
 * high half of an 8-byte word of the trace image, and the A/D read-modify-writes touch only those 4 bytes.
 *
 * A 4 MiB page is reported to the processor as `large`, with `pageFrame` the frame of the 2 MiB half that
 * holds va: the TLB (tlb.ts) caches a 4 MiB page as up to two 2 MiB entries, and the processor's INVLPG
 * removes both halves (SDM 4.10.4.1: every entry for the page).
 */
import { PAGE_4K, PAGE_4M, PAGING32 } from '../../src/arch/entry-layout.ts';
import { isLargePage, isPresent } from './entry.ts';
import { FRAMES_PER_HUGE_PAGE, hugeFrame, hugeReservedMask } from './entry-32.ts';
import { WalkError } from './page-fault.ts';
import { PERMISSION } from './permissions.ts';
import { PaeWalker, type WalkerContext, type WalkResult } from './walker.ts';

const FRAME_SHIFT = PAGING32.PTE_SHIFT;
/** Frames in a 2 MiB half of a 4 MiB page. */
const FRAMES_PER_HALF = FRAMES_PER_HUGE_PAGE / 2;
/** Bits 31..12 of CR3 and of a PDE that references a page table. */
const TABLE_MASK = PAGING32.CR3_DIRECTORY_MASK;

export class Paging32Walker extends PaeWalker {
  /** Reserved bits of a 4 MiB PDE for this MAXPHYADDR (bit 21 and the PSE-36 bits beyond M'). */
  protected readonly hugeReserved: number;

  constructor(context: WalkerContext) {
    super(context);
    this.hugeReserved = hugeReservedMask(context.ram.maxPhyAddr);
  }

  /** va bits 31..22: which PDE of the page directory. */
  pde32Index(va: number): number {
    return va >>> PAGING32.PDE_SHIFT;
  }

  /** va bits 21..12: which PTE of the page table. */
  pte32Index(va: number): number {
    return (va >>> PAGING32.PTE_SHIFT) & PAGING32.INDEX_MASK;
  }

  /** va bits 21..0: the byte offset inside a 4 MiB page. */
  hugeOffset(va: number): number {
    return va & (PAGE_4M - 1);
  }

  /** A 4 MiB PDE's frame number (PSE-36 bits included). */
  hugeFrameOf(pde: number): number {
    return hugeFrame(pde, this.ram.maxPhyAddr);
  }

  override lookup(va: number, out: WalkResult): boolean {
    out.error = WalkError.None;
    // PDE (SDM 4.3: CR3 bits 31..12 locate the page directory)
    const pdeAddress = ((this.control.cr3 & TABLE_MASK) >>> 0) + this.pde32Index(va) * PAGING32.ENTRY_BYTES;
    const pde = this.readEntry32(pdeAddress);
    out.pdeAddress = pdeAddress;
    out.pdeLo = pde;
    if (!isPresent(pde)) return this.fail(out, WalkError.NotPresent);
    const permissions = this.combinePermissions(PERMISSION.WRITABLE | PERMISSION.USER, pde, 0);
    // PS counts only with CR4.PSE = 1 (SDM 4.3: otherwise the PDE always references a page table).
    if (this.control.pageSizeExtensions && isLargePage(pde)) return this.hugeLeaf(va, out, pde, permissions);

    // PTE: no reserved bits under 32-bit paging (SDM Table 4-6); bit 7 is PAT.
    const pteAddress = ((pde & TABLE_MASK) >>> 0) + this.pte32Index(va) * PAGING32.ENTRY_BYTES;
    const pte = this.readEntry32(pteAddress);
    out.pteAddress = pteAddress;
    out.pteLo = pte;
    if (!isPresent(pte)) return this.fail(out, WalkError.NotPresent);
    return this.smallLeaf(out, pte, 0, this.combinePermissions(permissions, pte, 0));
  }

  /** True when the current page directory maps va with a present 4 MiB page (for INVLPG). */
  override mapsLargePage(va: number): boolean {
    if (!this.control.pageSizeExtensions) return false;
    const pde = this.readEntry32(((this.control.cr3 & TABLE_MASK) >>> 0) + this.pde32Index(va) * PAGING32.ENTRY_BYTES);
    return isPresent(pde) && isLargePage(pde);
  }

  /** Reads the 4-byte entry at `address` (4-byte aligned, below 4 GiB), as a signed 32-bit value. */
  protected readEntry32(address: number): number {
    const frame = Math.floor(address / PAGE_4K);
    const view = this.ram.frameView(frame);
    return view === null ? 0 : view.getInt32(address - frame * PAGE_4K, true);
  }

  /** A 4 MiB leaf: reserved bits first (SDM 4.7), then the frame of the half that holds va. */
  private hugeLeaf(va: number, out: WalkResult, pde: number, permissions: number): boolean {
    if ((pde & this.hugeReserved) !== 0) return this.fail(out, WalkError.Reserved);
    const leafFrame = this.hugeFrameOf(pde);
    const offsetFrames = this.hugeOffset(va) >>> FRAME_SHIFT;
    const half = offsetFrames >= FRAMES_PER_HALF ? FRAMES_PER_HALF : 0;
    this.leaf(out, true, pde, permissions, leafFrame + half);
    out.pageSize = PAGE_4M;
    out.leafFrame = leafFrame;
    out.frame = leafFrame + offsetFrames;
    return true;
  }
}
