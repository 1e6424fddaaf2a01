/**
 * The reference processor: control registers, PDPTE registers, a TLB, the PAE walker and sparse RAM, put
 * together behind the `Processor` interface (src/machine/processor.ts).
 *
 * An access goes: linear page straddle check -> `translate` (TLB hit, or walk and fill) -> read or write
 * the frame. A TLB hit checks the cached combined permissions with the same `accessAllowed` the walk uses,
 * allocates nothing and uses no BigInt; a store may use a cached entry only once the leaf's D bit is known
 * to be set (STYLE.md, v86), otherwise it walks again, which sets D.
 *
 * Substitution (seeded-fault mutants): RAM, TLB and walker come from factories in the constructor options,
 * and what each architectural event does to the TLB is a small protected method (`onWriteCr3`,
 * `onPagingModeChange`, `onPageFault` ...) a subclass may override.
 */
import {
  CR0,
  CR4,
  DEFAULT_MAXPHYADDR,
  PAGE_4K,
  PAE_INDEX,
  VECTOR_GENERAL_PROTECTION,
  VECTOR_PAGE_FAULT,
} from '../../src/arch/entry-layout.ts';
import type { Fault, GeneralProtectionFault, Processor, ProcessorOptions } from '../../src/machine/processor.ts';
import type { MemoryWord } from '../../src/machine/trace.ts';
import { bitChanged, ControlRegisters } from './control-registers.ts';
import { pageFaultErrorCode, WalkError, type WalkFailure } from './page-fault.ts';
import { PdpteRegisters } from './pdpte-registers.ts';
import { Access, accessAllowed } from './permissions.ts';
import { type FrameView, SparseRam } from './ram.ts';
import { DEFAULT_TLB_GEOMETRY, FRAMES_PER_LARGE_PAGE, Tlb, TLB_FLAG, type TlbGeometry } from './tlb.ts';
import { PaeWalker, WalkResult, type WalkerContext } from './walker.ts';

const PAGE_OFFSET_MASK = PAGE_4K - 1;
const FRAME_SHIFT = PAE_INDEX.PTE_SHIFT;
const GENERAL_PROTECTION: GeneralProtectionFault = Object.freeze({ kind: 'general-protection' });

export interface ReferenceProcessorOptions extends ProcessorOptions {
  /** TLB shape; missing fields take DEFAULT_TLB_GEOMETRY's. */
  readonly tlbGeometry?: Partial<TlbGeometry>;
  /** Component factories, for mutants that replace one piece of the machine. */
  readonly createRam?: (maxPhyAddr: number) => SparseRam;
  readonly createTlb?: (geometry: TlbGeometry) => Tlb;
  readonly createWalker?: (context: WalkerContext) => PaeWalker;
}

export class ReferenceProcessor implements Processor {
  readonly maxPhyAddr: number;
  readonly ram: SparseRam;
  readonly tlb: Tlb;
  readonly walker: PaeWalker;
  readonly control = new ControlRegisters();
  readonly pdptes = new PdpteRegisters();

  valueLo = 0;
  valueHi = 0;
  fault: Fault | null = null;
  /** The linear address of the last page fault (SDM 4.7). */
  cr2 = 0;
  /** Vector of the last fault, for reports: 14 (#PF) or 13 (#GP). */
  lastVector = 0;

  /** Mode bits cached from the control registers, refreshed on every register write. */
  private pagingOn = false;
  private paePaging = false;
  private writeProtect = false;
  private noExecute = false;

  /** Output of `translate`: the frame number and its backing store (null: never written, reads 0). */
  private frame = 0;
  private view: FrameView | null = null;

  /** Walk results of the first and second page of an access. */
  private readonly first = new WalkResult();
  private readonly second = new WalkResult();

  constructor(options: ReferenceProcessorOptions = {}) {
    const maxPhyAddr = options.maxPhyAddr ?? DEFAULT_MAXPHYADDR;
    this.ram = (options.createRam ?? ((m) => new SparseRam(m)))(maxPhyAddr);
    this.maxPhyAddr = this.ram.maxPhyAddr;
    const geometry = { ...DEFAULT_TLB_GEOMETRY, ...options.tlbGeometry };
    this.tlb = (options.createTlb ?? ((g) => new Tlb(g)))(geometry);
    const context: WalkerContext = { ram: this.ram, pdptes: this.pdptes, control: this.control };
    this.walker = (options.createWalker ?? ((c) => new PaeWalker(c)))(context);
  }

  get cr0(): number {
    return this.control.cr0;
  }
  get cr3(): number {
    return this.control.cr3;
  }
  get cr4(): number {
    return this.control.cr4;
  }
  get efer(): number {
    return this.control.efer;
  }

  // ---- accesses -------------------------------------------------------------------------------------

  load(va: number, size: number, user: boolean): boolean {
    return this.read(va >>> 0, size, Access.Read, user);
  }

  fetch(va: number, size: number, user: boolean): boolean {
    return this.read(va >>> 0, size, Access.Fetch, user);
  }

  store(va: number, size: number, lo: number, hi: number, user: boolean): boolean {
    va >>>= 0;
    const offset = va & PAGE_OFFSET_MASK;
    if (offset + size > PAGE_4K) return this.storeStraddling(va, size, lo, hi, user);
    if (!this.translate(va, Access.Write, user, this.first, false)) return false;
    writeFrame(this.view ?? this.ram.frameForWrite(this.frame), offset, size, lo, hi);
    return true;
  }

  private read(va: number, size: number, access: Access, user: boolean): boolean {
    const offset = va & PAGE_OFFSET_MASK;
    if (offset + size > PAGE_4K) return this.readStraddling(va, size, access, user);
    if (!this.translate(va, access, user, this.first, false)) return false;
    const view = this.view;
    if (view === null) {
      this.valueLo = 0;
      this.valueHi = 0;
      checkSize(size);
    } else if (size === 4) {
      this.valueLo = view.getUint32(offset, true);
      this.valueHi = 0;
    } else if (size === 8) {
      this.valueLo = view.getUint32(offset, true);
      this.valueHi = view.getUint32(offset + 4, true);
    } else if (size === 1) {
      this.valueLo = view.getUint8(offset);
      this.valueHi = 0;
    } else if (size === 2) {
      this.valueLo = view.getUint16(offset, true);
      this.valueHi = 0;
    } else {
      checkSize(size);
    }
    return true;
  }

  /**
   * An access that crosses a 4 KiB linear page boundary: the first page, then the second (the linear
   * address wraps at 2^32). A fault on the first reports CR2 = va, on the second the second page's base.
   */
  private readStraddling(va: number, size: number, access: Access, user: boolean): boolean {
    checkSize(size);
    const secondVa = nextPage(va);
    if (!this.translate(va, access, user, this.first, false)) return false;
    const firstView = this.view;
    if (!this.translate(secondVa, access, user, this.second, false)) return false;
    const secondView = this.view;
    const firstBytes = PAGE_4K - (va & PAGE_OFFSET_MASK);
    let lo = 0;
    let hi = 0;
    for (let i = 0; i < size; i++) {
      const byte = i < firstBytes ? readByte(firstView, PAGE_4K - firstBytes + i) : readByte(secondView, i - firstBytes);
      if (i < 4) lo |= byte << (8 * i);
      else hi |= byte << (8 * (i - 4));
    }
    this.valueLo = lo >>> 0;
    this.valueHi = hi >>> 0;
    return true;
  }

  /**
   * A store across a page boundary: both translations first (their A bits stay set even if the second
   * faults), then D in both leaves, then the bytes. Nothing is written unless both pages translate.
   */
  private storeStraddling(va: number, size: number, lo: number, hi: number, user: boolean): boolean {
    checkSize(size);
    const secondVa = nextPage(va);
    this.first.dirtyPending = false;
    this.second.dirtyPending = false;
    if (!this.translate(va, Access.Write, user, this.first, true)) return false;
    const firstView = this.view ?? this.ram.frameForWrite(this.frame);
    if (!this.translate(secondVa, Access.Write, user, this.second, true)) return false;
    const secondView = this.view ?? this.ram.frameForWrite(this.frame);
    if (this.first.dirtyPending) this.completeDirty(va, this.first);
    if (this.second.dirtyPending) this.completeDirty(secondVa, this.second);
    const firstBytes = PAGE_4K - (va & PAGE_OFFSET_MASK);
    for (let i = 0; i < size; i++) {
      const byte = (i < 4 ? lo >>> (8 * i) : hi >>> (8 * (i - 4))) & 0xff;
      if (i < firstBytes) firstView.setUint8(PAGE_4K - firstBytes + i, byte);
      else secondView.setUint8(i - firstBytes, byte);
    }
    return true;
  }

  // ---- translation ----------------------------------------------------------------------------------

  /**
   * Translates va for `access`, leaving the frame in `this.frame` and its backing store in `this.view`
   * (allocated for a store). On failure raises the #PF with CR2 = va. `deferDirty`: a store's D update
   * is left to the caller (`out.dirtyPending`), for stores that straddle pages.
   */
  protected translate(va: number, access: Access, user: boolean, out: WalkResult, deferDirty: boolean): boolean {
    if (!this.pagingOn) return this.translateIdentity(va, access);
    const tlb = this.tlb;
    const small = tlb.lookupSmall(va);
    if (small >= 0) {
      const flags = tlb.smallFlags[small]!;
      if (!this.hitUsable(flags, access, user)) return this.hitRefused(va, flags, access, user, out, deferDirty);
      this.frame = tlb.smallFrame[small]!;
      this.view = tlb.smallView[small] ?? this.cacheSmallView(small, access);
      return true;
    }
    const large = tlb.lookupLarge(va);
    if (large >= 0) {
      const flags = tlb.largeFlags[large]!;
      if (!this.hitUsable(flags, access, user)) return this.hitRefused(va, flags, access, user, out, deferDirty);
      const index = this.walker.largeOffset(va) >>> FRAME_SHIFT;
      this.frame = tlb.largeFrame[large]! + index;
      this.view = tlb.largeView[large * FRAMES_PER_LARGE_PAGE + index] ?? this.cacheLargeView(large, index, access);
      return true;
    }
    return this.translateMiss(va, access, user, out, deferDirty);
  }

  /** A cached translation serves the access: allowed, and for a store the leaf is known dirty. */
  private hitUsable(flags: number, access: Access, user: boolean): boolean {
    return (
      accessAllowed(flags, access, user, this.writeProtect, this.noExecute) &&
      (access !== Access.Write || (flags & TLB_FLAG.DIRTY) !== 0)
    );
  }

  /** A hit that cannot serve: a protection fault from the cached permissions, or a store that must set D. */
  private hitRefused(va: number, flags: number, access: Access, user: boolean, out: WalkResult, deferDirty: boolean): boolean {
    if (!accessAllowed(flags, access, user, this.writeProtect, this.noExecute)) {
      return this.pageFault(WalkError.Protection, va, access, user);
    }
    return this.translateMiss(va, access, user, out, deferDirty);
  }

  private translateMiss(va: number, access: Access, user: boolean, out: WalkResult, deferDirty: boolean): boolean {
    this.requirePaePaging();
    const walker = this.walker;
    if (!walker.walk(va, access, user, out)) return this.pageFault(out.error as WalkFailure, va, access, user);
    if (access === Access.Write) {
      if (deferDirty) out.dirtyPending = true;
      else walker.setDirty(out);
    }
    this.fillTlb(va, out);
    this.frame = out.frame;
    this.view = access === Access.Write ? this.ram.frameForWrite(out.frame) : this.ram.frameView(out.frame);
    return true;
  }

  /** Paging off: the physical address is the 32-bit linear address, no TLB, no fault. */
  private translateIdentity(va: number, access: Access): boolean {
    this.frame = va >>> FRAME_SHIFT;
    this.view = access === Access.Write ? this.ram.frameForWrite(this.frame) : this.ram.frameView(this.frame);
    return true;
  }

  private cacheSmallView(slot: number, access: Access): FrameView | null {
    const view = this.frameFor(this.frame, access);
    if (view !== null) this.tlb.smallView[slot] = view;
    return view;
  }

  private cacheLargeView(slot: number, index: number, access: Access): FrameView | null {
    const view = this.frameFor(this.frame, access);
    if (view !== null) this.tlb.largeView[slot * FRAMES_PER_LARGE_PAGE + index] = view;
    return view;
  }

  private frameFor(frame: number, access: Access): FrameView | null {
    return access === Access.Write ? this.ram.frameForWrite(frame) : this.ram.frameView(frame);
  }

  /** Caches a successful walk, replacing any entry of either size for va first. */
  protected fillTlb(va: number, out: WalkResult): void {
    let flags = out.permissions;
    if (out.dirty) flags |= TLB_FLAG.DIRTY;
    if (out.global && this.control.globalPages) flags |= TLB_FLAG.GLOBAL;
    this.tlb.invalidatePage(va);
    this.tlb.fill(va, out.large, out.pageFrame, flags);
  }

  /** Sets D in a straddling store's leaf once both pages translated, and records it in the TLB. */
  private completeDirty(va: number, out: WalkResult): void {
    this.walker.setDirty(out);
    this.fillTlb(va, out);
  }

  private pageFault(error: WalkFailure, va: number, access: Access, user: boolean): false {
    const errorCode = pageFaultErrorCode(error, access, user, this.noExecute);
    this.cr2 = va;
    this.lastVector = VECTOR_PAGE_FAULT;
    this.fault = { kind: 'page-fault', errorCode, cr2: va };
    this.onPageFault(va);
    return false;
  }

  private generalProtection(): false {
    this.lastVector = VECTOR_GENERAL_PROTECTION;
    this.fault = GENERAL_PROTECTION;
    return false;
  }

  private requirePaePaging(): void {
    if (!this.paePaging) {
      throw new Error('32-bit paging (CR0.PG = 1 with CR4.PAE = 0) is not modeled by the reference machine');
    }
  }

  // ---- control registers and invalidation ------------------------------------------------------------

  movCr0(value: number): boolean {
    value >>>= 0;
    const before = this.control.cr0;
    const pagingChanged = bitChanged(before, value, CR0.PG_BIT);
    const enablesPaging = pagingChanged && ((value >>> CR0.PG_BIT) & 1) === 1;
    // SDM 4.4.1: enabling paging with PAE = 1 loads the PDPTEs; a bad one raises #GP, CR0 unchanged.
    if (enablesPaging && this.control.pae && !this.loadPdptes(this.control.cr3)) return this.generalProtection();
    this.control.cr0 = value;
    this.refreshMode();
    if (pagingChanged) this.onPagingModeChange();
    return true;
  }

  movCr3(value: number): boolean {
    value >>>= 0;
    if (this.paePaging && !this.loadPdptes(value)) return this.generalProtection();
    this.control.cr3 = value;
    this.onWriteCr3();
    return true;
  }

  movCr4(value: number): boolean {
    value >>>= 0;
    const before = this.control.cr4;
    const modeChanged = ControlRegisters.pagingModeBitsChanged(before, value);
    const paeAfter = ((value >>> CR4.PAE_BIT) & 1) === 1;
    if (modeChanged && this.control.paging && paeAfter && !this.loadPdptes(this.control.cr3)) return this.generalProtection();
    this.control.cr4 = value;
    this.refreshMode();
    if (modeChanged) this.onPagingModeChange();
    return true;
  }

  writeEfer(value: number): void {
    this.control.efer = value >>> 0;
    this.refreshMode();
  }

  /** INVLPG (SDM 4.10.4.1): entries for va, and 4 KiB entries inside va's 2 MiB page if va maps one. */
  invlpg(va: number): void {
    va >>>= 0;
    this.tlb.invalidatePage(va);
    if (this.paePaging && this.walker.mapsLargePage(va)) this.tlb.invalidateSmallWithinLarge(va);
  }

  /** MOV to CR3: non-global translations go (SDM 4.10.4.1). */
  protected onWriteCr3(): void {
    this.tlb.flushNonGlobal();
  }

  /** CR0.PG, CR4.PAE or CR4.PGE changed: every translation goes, global ones included. */
  protected onPagingModeChange(): void {
    this.tlb.flushAll();
  }

  /** A #PF invalidates the TLB entries for the faulting address (SDM 4.10.4.1). */
  protected onPageFault(va: number): void {
    this.tlb.invalidatePage(va);
  }

  protected loadPdptes(cr3: number): boolean {
    return this.pdptes.load(this.ram, cr3);
  }

  private refreshMode(): void {
    const control = this.control;
    this.pagingOn = control.paging;
    this.paePaging = control.paging && control.pae;
    this.writeProtect = control.writeProtect;
    this.noExecute = control.noExecute;
  }

  // ---- physical memory -------------------------------------------------------------------------------

  readPhys32(pa: number): number {
    if (pa % PAGE_4K <= PAGE_4K - 4) return this.ram.read32(pa);
    let value = 0;
    for (let i = 0; i < 4; i++) value |= this.ram.read8(pa + i) << (8 * i);
    return value >>> 0;
  }

  /** A physical write invalidates nothing: the TLB may keep translations of the old entries. */
  writePhys32(pa: number, value: number): void {
    if (pa % PAGE_4K <= PAGE_4K - 4) {
      this.ram.write32(pa, value);
      return;
    }
    for (let i = 0; i < 4; i++) this.ram.write8(pa + i, (value >>> (8 * i)) & 0xff);
  }

  dumpMemory(): MemoryWord[] {
    return this.ram.dump();
  }
}

/** First byte of the next 4 KiB linear page; wraps to 0 at the top of the 32-bit space. */
function nextPage(va: number): number {
  return ((va | PAGE_OFFSET_MASK) + 1) >>> 0;
}

function readByte(view: FrameView | null, offset: number): number {
  return view === null ? 0 : view.getUint8(offset);
}

function writeFrame(view: FrameView, offset: number, size: number, lo: number, hi: number): void {
  if (size === 4) {
    view.setUint32(offset, lo, true);
  } else if (size === 8) {
    view.setUint32(offset, lo, true);
    view.setUint32(offset + 4, hi, true);
  } else if (size === 1) {
    view.setUint8(offset, lo);
  } else if (size === 2) {
    view.setUint16(offset, lo, true);
  } else {
    checkSize(size);
  }
}

function checkSize(size: number): void {
  if (size !== 1 && size !== 2 && size !== 4 && size !== 8) {
    throw new RangeError(`access size must be 1, 2, 4 or 8 bytes, got ${size}`);
  }
}
