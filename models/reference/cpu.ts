/**
 * The reference processor: control registers, PDPTE registers, a TLB, the PAE walker and sparse RAM, put
 * together behind the `Processor` interface (src/machine/processor.ts).
 *
 * An access goes: linear page straddle check -> `translate` (TLB hit, or walk and fill) -> read or write
 * the frame. The walk is the PAE walker's when CR4.PAE = 1 and the 32-bit walker's (walker-32.ts, with
 * PSE and PSE-36) when CR4.PAE = 0; both fill the same TLB, which caches a 4 MiB page as 2 MiB halves. A TLB hit checks the cached combined permissions against masks built from the same rule the
 * walk uses (permissions.ts), allocates nothing and uses no BigInt; a store may use a cached entry only
 * once the leaf's D bit is known to be set (STYLE.md, v86), otherwise it walks again, which sets D.
 *
 * Substitution (seeded-fault mutants): RAM, TLB and walker come from factories in the constructor options,
 * and what each architectural event does to the TLB is a small protected method (`onWriteCr3`,
 * `onPagingModeChange`, `onPageFault` ...) a subclass may override. A machine with a second level of
 * translation caching behind the TLB (the patent variants, models/variants) plugs it in through
 * `refillFromSecondLevel`, called on a TLB miss before the walk, and `fillTlb`, called after it.
 */
import {
  CR0,
  CR4,
  DEFAULT_MAXPHYADDR,
  PAGE_2M,
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
import { Access, accessAllowed, forbiddenPermissions, requiredPermissions } from './permissions.ts';
import { type FrameView, SparseRam } from './ram.ts';
import { DEFAULT_TLB_GEOMETRY, Tlb, TLB_FLAG, type TlbGeometry } from './tlb.ts';
import { PaeWalker, WalkResult, type WalkerContext } from './walker.ts';
import { Paging32Walker } from './walker-32.ts';

const PAGE_OFFSET_MASK = PAGE_4K - 1;
const FRAME_SHIFT = PAE_INDEX.PTE_SHIFT;
/** Indexes of the TLB hit masks: access * 2 + (user ? 1 : 0). */
const HIT_READ = Access.Read * 2;
const HIT_READ_USER = HIT_READ + 1;
const HIT_WRITE = Access.Write * 2;
const HIT_WRITE_USER = HIT_WRITE + 1;
const HIT_FETCH = Access.Fetch * 2;
const HIT_FETCH_USER = HIT_FETCH + 1;
const GENERAL_PROTECTION: GeneralProtectionFault = Object.freeze({ kind: 'general-protection' });

export interface ReferenceProcessorOptions extends ProcessorOptions {
  /** TLB shape; missing fields take DEFAULT_TLB_GEOMETRY's. */
  readonly tlbGeometry?: Partial<TlbGeometry>;
  /** Component factories, for mutants that replace one piece of the machine. */
  readonly createRam?: (maxPhyAddr: number) => SparseRam;
  readonly createTlb?: (geometry: TlbGeometry) => Tlb;
  readonly createWalker?: (context: WalkerContext) => PaeWalker;
  /** The walker used under 32-bit paging (CR4.PAE = 0). */
  readonly createWalker32?: (context: WalkerContext) => Paging32Walker;
}

export class ReferenceProcessor implements Processor {
  readonly maxPhyAddr: number;
  readonly ram: SparseRam;
  readonly tlb: Tlb;
  readonly walker: PaeWalker;
  readonly walker32: Paging32Walker;
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
  private paging32 = false;
  /** The walker of the paging mode in force: `walker` (PAE) or `walker32`. */
  private activeWalker: PaeWalker;
  private writeProtect = false;
  private noExecute = false;

  /**
   * TLB hit masks per kind of access, index `access * 2 + (user ? 1 : 0)`: a cached entry serves the
   * access when `(flags & hitCheck[k]) === hitNeed[k]` (one AND, one compare; STYLE.md, v86). Built from
   * `requiredPermissions` / `forbiddenPermissions` whenever CR0 or EFER change; a store also needs D known.
   */
  private readonly hitNeed = new Int32Array(6);
  private readonly hitCheck = new Int32Array(6);

  /** Output of `translate`: the backing store of the frame (null: never written, reads 0; never for a store). */
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
    this.walker32 = (options.createWalker32 ?? ((c) => new Paging32Walker(c)))(context);
    this.activeWalker = this.walker;
    this.refreshMode();
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
    va >>>= 0;
    const view = this.smallHitView(va, size, user ? HIT_READ_USER : HIT_READ);
    return view !== null ? this.readFrame(view, va & PAGE_OFFSET_MASK, size) : this.read(va, size, Access.Read, user);
  }

  fetch(va: number, size: number, user: boolean): boolean {
    va >>>= 0;
    const view = this.smallHitView(va, size, user ? HIT_FETCH_USER : HIT_FETCH);
    return view !== null ? this.readFrame(view, va & PAGE_OFFSET_MASK, size) : this.read(va, size, Access.Fetch, user);
  }

  store(va: number, size: number, lo: number, hi: number, user: boolean): boolean {
    va >>>= 0;
    const offset = va & PAGE_OFFSET_MASK;
    const view = this.smallHitView(va, size, user ? HIT_WRITE_USER : HIT_WRITE);
    if (view !== null) return writeFrame(view, offset, size, lo, hi);
    if (offset + size > PAGE_4K) return this.storeStraddling(va, size, lo, hi, user);
    if (!this.translate(va, Access.Write, user, this.first, false)) return false;
    return writeFrame(this.storeView(), offset, size, lo, hi);
  }

  /**
   * The fast path (STYLE.md, v86): the cached frame of a 4 KiB TLB entry that serves this access as it
   * stands, or null when anything else must happen (paging off, page straddle, miss, 2 MiB entry, refused
   * hit, frame not looked up yet); then the general path below decides, faults included.
   */
  private smallHitView(va: number, size: number, kind: number): FrameView | null {
    if (!this.pagingOn || (va & PAGE_OFFSET_MASK) + size > PAGE_4K) return null;
    const tlb = this.tlb;
    const slot = tlb.lookupSmall(va);
    if (slot < 0 || (tlb.smallFlags[slot]! & this.hitCheck[kind]!) !== this.hitNeed[kind]) return null;
    return tlb.smallView[slot] ?? null;
  }

  private read(va: number, size: number, access: Access, user: boolean): boolean {
    const offset = va & PAGE_OFFSET_MASK;
    if (offset + size > PAGE_4K) return this.readStraddling(va, size, access, user);
    if (!this.translate(va, access, user, this.first, false)) return false;
    const view = this.view;
    if (view !== null) return this.readFrame(view, offset, size);
    checkSize(size);
    this.valueLo = 0;
    this.valueHi = 0;
    return true;
  }

  /** Reads `size` bytes of a frame, zero-extended into valueLo:valueHi. */
  private readFrame(view: FrameView, offset: number, size: number): true {
    if (size === 4) {
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
    const firstView = this.storeView();
    if (!this.translate(secondVa, Access.Write, user, this.second, true)) return false;
    const secondView = this.storeView();
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
   * Translates va for `access`, leaving the frame's backing store in `this.view` (allocated for a store).
   * On failure raises the #PF with CR2 = va. `deferDirty`: a store's D update is left to the caller
   * (`out.dirtyPending`), for stores that straddle pages.
   */
  protected translate(va: number, access: Access, user: boolean, out: WalkResult, deferDirty: boolean): boolean {
    if (!this.pagingOn) return this.translateIdentity(va, access);
    const tlb = this.tlb;
    const slot = tlb.lookupSmall(va);
    if (slot < 0) return this.translateLarge(va, access, user, out, deferDirty);
    const flags = tlb.smallFlags[slot]!;
    const kind = access * 2 + (user ? 1 : 0);
    if ((flags & this.hitCheck[kind]!) !== this.hitNeed[kind]) return this.hitRefused(va, flags, access, user, out, deferDirty);
    this.view = tlb.smallView[slot] ?? this.cacheSmallView(slot, access);
    return true;
  }

  /** The 2 MiB array of the TLB, then the walk. */
  private translateLarge(va: number, access: Access, user: boolean, out: WalkResult, deferDirty: boolean): boolean {
    const tlb = this.tlb;
    const slot = tlb.lookupLarge(va);
    if (slot < 0) {
      // A second-level structure (none here) may refill the TLB; then the lookup is done again.
      if (this.refillFromSecondLevel(va)) return this.translate(va, access, user, out, deferDirty);
      return this.translateMiss(va, access, user, out, deferDirty, false);
    }
    const flags = tlb.largeFlags[slot]!;
    const kind = access * 2 + (user ? 1 : 0);
    if ((flags & this.hitCheck[kind]!) !== this.hitNeed[kind]) return this.hitRefused(va, flags, access, user, out, deferDirty);
    const index = this.walker.largeOffset(va) >>> FRAME_SHIFT;
    this.view = tlb.largeView[slot]![index] ?? this.cacheLargeView(slot, index, access);
    return true;
  }

  /** A hit that cannot serve: a protection fault from the cached permissions, or a store that must set D. */
  private hitRefused(va: number, flags: number, access: Access, user: boolean, out: WalkResult, deferDirty: boolean): boolean {
    if (!accessAllowed(flags, access, user, this.writeProtect, this.noExecute)) {
      return this.pageFault(WalkError.Protection, va, access, user);
    }
    return this.translateMiss(va, access, user, out, deferDirty, true);
  }

  /** The walk, then the fill. `cached`: the TLB holds an entry for va (a store re-walking to set D). */
  private translateMiss(va: number, access: Access, user: boolean, out: WalkResult, deferDirty: boolean, cached: boolean): boolean {
    const walker = this.activeWalker;
    if (!walker.walk(va, access, user, out)) return this.pageFault(out.error as WalkFailure, va, access, user);
    if (access === Access.Write) {
      if (deferDirty) out.dirtyPending = true;
      else walker.setDirty(out);
    }
    this.fillTlb(va, out, cached);
    this.view = this.frameFor(out.frame, access);
    return true;
  }

  /** Paging off: the physical address is the 32-bit linear address, no TLB, no fault. */
  private translateIdentity(va: number, access: Access): boolean {
    this.view = this.directFrame(va >>> FRAME_SHIFT, access);
    return true;
  }

  /**
   * The backing store of a frame addressed with paging off. The same RAM as translated accesses here; a
   * machine whose RAM interface adds a stage behind paging (models/variants/intermediate) bypasses it.
   */
  protected directFrame(frame: number, access: Access): FrameView | null {
    return this.frameFor(frame, access);
  }

  private cacheSmallView(slot: number, access: Access): FrameView | null {
    const view = this.frameFor(this.tlb.smallFrame[slot]!, access);
    if (view !== null) this.tlb.smallView[slot] = view;
    return view;
  }

  private cacheLargeView(slot: number, index: number, access: Access): FrameView | null {
    const view = this.frameFor(this.tlb.largeFrame[slot]! + index, access);
    if (view !== null) this.tlb.cacheLargeView(slot, index, view);
    return view;
  }

  /** The frame's backing store: allocated for a store, null for a read of a frame never written. */
  private frameFor(frame: number, access: Access): FrameView | null {
    return access === Access.Write ? this.ram.frameForWrite(frame) : this.ram.frameView(frame);
  }

  /** `this.view` after a store's translation, which always provides one. */
  private storeView(): FrameView {
    const view = this.view;
    if (view === null) throw new Error('internal error: a store translated to no frame');
    return view;
  }

  /**
   * Caches a successful walk. When the TLB may hold an entry for va (`cached`), any entry of either size
   * goes first, so that va never has two.
   */
  protected fillTlb(va: number, out: WalkResult, cached: boolean): void {
    const flags = this.tlbFlags(out);
    if (cached) this.tlb.invalidatePage(va);
    this.tlb.fill(va, out.large, out.pageFrame, flags);
  }

  /** The TLB flags of a successful walk: its combined permissions, D known set, global (leaf G with PGE). */
  protected tlbFlags(out: WalkResult): number {
    let flags = out.permissions;
    if (out.dirty) flags |= TLB_FLAG.DIRTY;
    if (out.global && this.control.globalPages) flags |= TLB_FLAG.GLOBAL;
    return flags;
  }

  /**
   * Called on a TLB miss, before the walk: a machine with a second level of cached translations (a TSB,
   * a hashed table) fills the TLB entry for va from it and returns true. The reference has none.
   */
  protected refillFromSecondLevel(_va: number): boolean {
    return false;
  }

  /** Sets D in a straddling store's leaf once both pages translated, and records it in the TLB. */
  private completeDirty(va: number, out: WalkResult): void {
    this.activeWalker.setDirty(out);
    this.fillTlb(va, out, true);
  }

  private pageFault(error: WalkFailure, va: number, access: Access, user: boolean): false {
    // I/D is reported only under PAE paging with NXE (SDM 4.7); 32-bit paging has no XD.
    const errorCode = pageFaultErrorCode(error, access, user, this.noExecute && this.paePaging);
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

  /**
   * INVLPG (SDM 4.10.4.1): entries for va, and the 4 KiB entries inside va's large page if va maps one
   * (a 2 MiB page under PAE, a 4 MiB page, both halves, under 32-bit paging).
   */
  invlpg(va: number): void {
    va >>>= 0;
    this.invalidatePageEntries(va);
    if (this.paePaging) {
      if (this.walker.mapsLargePage(va)) this.tlb.invalidateSmallWithinLarge(va);
    } else if (this.paging32 && this.walker32.mapsLargePage(va)) {
      this.tlb.invalidateSmallWithinLarge(va);
      this.tlb.invalidateSmallWithinLarge(otherHalf(va));
    }
  }

  /**
   * The entries whose page contains va. Under 32-bit paging a 4 MiB page is cached as two 2 MiB entries,
   * and the one for the other half of va's 4 MiB region contains va too, whatever the PDE says now.
   */
  protected invalidatePageEntries(va: number): void {
    this.tlb.invalidatePage(va);
    if (this.paging32) this.tlb.invalidateLarge(otherHalf(va));
  }

  /** MOV to CR3: non-global translations go (SDM 4.10.4.1). */
  protected onWriteCr3(): void {
    this.tlb.flushNonGlobal();
  }

  /** CR0.PG, CR4.PAE, CR4.PGE or CR4.PSE changed: every translation goes, global ones included. */
  protected onPagingModeChange(): void {
    this.tlb.flushAll();
  }

  /** A #PF invalidates the TLB entries for the faulting address (SDM 4.10.4.1). */
  protected onPageFault(va: number): void {
    this.invalidatePageEntries(va);
  }

  protected loadPdptes(cr3: number): boolean {
    return this.pdptes.load(this.ram, cr3);
  }

  private refreshMode(): void {
    const control = this.control;
    this.pagingOn = control.paging;
    this.paePaging = control.paging && control.pae;
    this.paging32 = control.paging && !control.pae;
    this.activeWalker = control.pae ? this.walker : this.walker32;
    this.writeProtect = control.writeProtect;
    this.noExecute = control.noExecute;
    for (const access of [Access.Read, Access.Write, Access.Fetch]) {
      for (const user of [false, true]) {
        const kind = access * 2 + (user ? 1 : 0);
        const need = requiredPermissions(access, user, this.writeProtect) | (access === Access.Write ? TLB_FLAG.DIRTY : 0);
        this.hitNeed[kind] = need;
        this.hitCheck[kind] = need | forbiddenPermissions(access, this.noExecute);
      }
    }
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

/** The same offset in the other 2 MiB half of va's 4 MiB region. */
function otherHalf(va: number): number {
  return (va ^ PAGE_2M) >>> 0;
}

/** First byte of the next 4 KiB linear page; wraps to 0 at the top of the 32-bit space. */
function nextPage(va: number): number {
  return ((va | PAGE_OFFSET_MASK) + 1) >>> 0;
}

function readByte(view: FrameView | null, offset: number): number {
  return view === null ? 0 : view.getUint8(offset);
}

function writeFrame(view: FrameView, offset: number, size: number, lo: number, hi: number): true {
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
  return true;
}

function checkSize(size: number): void {
  if (size !== 1 && size !== 2 && size !== 4 && size !== 8) {
    throw new RangeError(`access size must be 1, 2, 4 or 8 bytes, got ${size}`);
  }
}
