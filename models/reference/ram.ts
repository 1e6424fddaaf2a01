/**
 * Sparse physical RAM of 2^MAXPHYADDR bytes (64 GiB at the default 36 bits, up to 4 PiB at 52).
 *
 * Only the 4 KiB frames that have been written cost memory: a frame is allocated on its first write of a
 * non-zero value, memory never written reads 0, and reads never allocate. Frames are keyed by frame number,
 * a plain number that may exceed 2^32, so a physical address is split with arithmetic
 * (`Math.floor(pa / 4096)`), never with a bit operator.
 *
 * Substitution: every access goes through `frameView` (read) or `frameForWrite` (write), and the processor's
 * TLB caches the views those return, so a mutant that overrides these two methods changes every access. The
 * sized readers and writers below are for the walker, the PDPTE load and physical writes; each stays inside
 * one frame (callers split accesses that straddle frames).
 */
import { PAGE_4K } from '../../src/arch/entry-layout.ts';
import { hexFromHalves } from '../../src/arch/word.ts';
import type { MemoryWord } from '../../src/machine/trace.ts';
import { checkMaxPhyAddr } from './entry.ts';

/** The backing store of one 4 KiB frame. A DataView reads and writes little-endian at any alignment. */
export type FrameView = DataView;

export class SparseRam {
  readonly maxPhyAddr: number;
  /** 2^maxPhyAddr: physical addresses are [0, size). */
  readonly size: number;
  /** Result of the last `read64`: low and high unsigned 32-bit halves. */
  readLo = 0;
  readHi = 0;

  private readonly frames = new Map<number, FrameView>();

  constructor(maxPhyAddr: number) {
    this.maxPhyAddr = checkMaxPhyAddr(maxPhyAddr);
    this.size = 2 ** maxPhyAddr;
  }

  /** Number of frames that hold memory (allocated by a write). */
  get allocatedFrames(): number {
    return this.frames.size;
  }

  /** The frame's backing store, or null when it was never written (it reads 0). Never allocates. */
  frameView(frame: number): FrameView | null {
    return this.frames.get(frame) ?? null;
  }

  /** The frame's backing store, allocated (zero-filled) on first use. */
  frameForWrite(frame: number): FrameView {
    const existing = this.frames.get(frame);
    if (existing !== undefined) return existing;
    if (!Number.isInteger(frame) || frame < 0 || frame * PAGE_4K >= this.size) {
      throw new RangeError(`frame 0x${frame.toString(16)} is outside ${this.maxPhyAddr}-bit physical memory`);
    }
    const view = new DataView(new ArrayBuffer(PAGE_4K));
    this.frames.set(frame, view);
    return view;
  }

  read8(pa: number): number {
    const frame = this.frameOf(pa, 1);
    return this.frameView(frame)?.getUint8(pa - frame * PAGE_4K) ?? 0;
  }

  read16(pa: number): number {
    const frame = this.frameOf(pa, 2);
    return this.frameView(frame)?.getUint16(pa - frame * PAGE_4K, true) ?? 0;
  }

  read32(pa: number): number {
    const frame = this.frameOf(pa, 4);
    return this.frameView(frame)?.getUint32(pa - frame * PAGE_4K, true) ?? 0;
  }

  /** Reads 8 bytes; the halves are left in `readLo` and `readHi` (no allocation). */
  read64(pa: number): void {
    const frame = this.frameOf(pa, 8);
    const view = this.frameView(frame);
    if (view === null) {
      this.readLo = 0;
      this.readHi = 0;
      return;
    }
    const offset = pa - frame * PAGE_4K;
    this.readLo = view.getUint32(offset, true);
    this.readHi = view.getUint32(offset + 4, true);
  }

  write8(pa: number, value: number): void {
    const frame = this.frameOf(pa, 1);
    this.writableView(frame, value & 0xff)?.setUint8(pa - frame * PAGE_4K, value);
  }

  write16(pa: number, value: number): void {
    const frame = this.frameOf(pa, 2);
    this.writableView(frame, value & 0xffff)?.setUint16(pa - frame * PAGE_4K, value, true);
  }

  write32(pa: number, value: number): void {
    const frame = this.frameOf(pa, 4);
    this.writableView(frame, value >>> 0)?.setUint32(pa - frame * PAGE_4K, value, true);
  }

  write64(pa: number, lo: number, hi: number): void {
    const frame = this.frameOf(pa, 8);
    const view = this.writableView(frame, (lo | hi) >>> 0);
    if (view === null) return;
    const offset = pa - frame * PAGE_4K;
    view.setUint32(offset, lo, true);
    view.setUint32(offset + 4, hi, true);
  }

  /** Every non-zero 8-byte-aligned word, sorted by physical address. */
  dump(): MemoryWord[] {
    const frames = Array.from(this.frames.keys()).sort((a, b) => a - b);
    const words: MemoryWord[] = [];
    for (const frame of frames) {
      const view = this.frames.get(frame);
      if (view === undefined) continue;
      for (let offset = 0; offset < PAGE_4K; offset += 8) {
        const lo = view.getUint32(offset, true);
        const hi = view.getUint32(offset + 4, true);
        if ((lo | hi) !== 0) words.push({ pa: frame * PAGE_4K + offset, value: hexFromHalves(lo, hi) });
      }
    }
    return words;
  }

  /**
   * The view to write through, or null when writing zero into a frame never written: that changes
   * nothing a reader can see, so it allocates nothing.
   */
  private writableView(frame: number, value: number): FrameView | null {
    const view = this.frameView(frame);
    if (view !== null) return view;
    return value === 0 ? null : this.frameForWrite(frame);
  }

  /** The frame holding [pa, pa + bytes); throws when the range leaves physical memory or one frame. */
  private frameOf(pa: number, bytes: number): number {
    const frame = Math.floor(pa / PAGE_4K);
    const offset = pa - frame * PAGE_4K;
    // one test for the common case; `(offset | 0) === offset` holds only for an integer offset below 2^31
    if ((offset | 0) === offset && offset + bytes <= PAGE_4K && pa >= 0 && pa + bytes <= this.size) return frame;
    if (!Number.isInteger(pa) || pa < 0 || pa + bytes > this.size) {
      throw new RangeError(`physical address ${pa} is outside ${this.maxPhyAddr}-bit physical memory`);
    }
    throw new RangeError(`a ${bytes}-byte access at 0x${pa.toString(16)} straddles a frame; split it first`);
  }
}
