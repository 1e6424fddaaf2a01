/**
 * Seeded faults in sparse physical RAM (models/reference/ram.ts). Every access of the processor goes
 * through `frameView` / `frameForWrite`, so a RAM that maps frame numbers wrongly changes data accesses,
 * page-table reads and accessed/dirty updates alike.
 */
import { PAGE_4K } from '../../src/arch/entry-layout.ts';
import { ReferenceProcessor, SparseRam, type FrameView } from '../reference/index.ts';
import { type Mutant, walkMutant } from './mutant.ts';

/** A RAM whose frame numbers pass through `key` before they reach the frame map. */
abstract class RekeyedRam extends SparseRam {
  protected abstract key(frame: number): number;

  override frameView(frame: number): FrameView | null {
    return super.frameView(this.key(frame));
  }

  override frameForWrite(frame: number): FrameView {
    return super.frameForWrite(this.key(frame));
  }
}

const FRAMES_PER_4G = 2 ** 32 / PAGE_4K;

/** `pa >>> 0` somewhere on the way to the frame map: memory above 4 GiB wraps onto the bottom 4 GiB. */
class TruncatingRam extends RekeyedRam {
  protected key(frame: number): number {
    return frame % FRAMES_PER_4G;
  }
}

/** The frame number kept in a 32-bit field: frames F and F + 2^32 (16 TiB apart) are one frame. */
class FrameNumber32Ram extends RekeyedRam {
  protected key(frame: number): number {
    return frame % 2 ** 32;
  }
}

/** The physical-address mask built one bit short: the top half of memory aliases the bottom half. */
class ShortMaskRam extends RekeyedRam {
  protected key(frame: number): number {
    return frame % 2 ** (this.maxPhyAddr - 1 - 12);
  }
}

/**
 * The "never allocate a frame for a zero" shortcut applied to every frame: a zero written over data is
 * lost. The processor's stores write through frame views, so this hits physical writes (page-table
 * edits whose high half becomes 0, for instance) rather than data stores.
 */
class ZeroWriteDroppingRam extends SparseRam {
  override write8(pa: number, value: number): void {
    if ((value & 0xff) !== 0) super.write8(pa, value);
  }
  override write16(pa: number, value: number): void {
    if ((value & 0xffff) !== 0) super.write16(pa, value);
  }
  override write32(pa: number, value: number): void {
    if (value >>> 0 !== 0) super.write32(pa, value);
  }
  override write64(pa: number, lo: number, hi: number): void {
    if ((lo | hi) >>> 0 !== 0) super.write64(pa, lo, hi);
  }
}

function withRam(create: (maxPhyAddr: number) => SparseRam) {
  return (options: { maxPhyAddr?: number }) => new ReferenceProcessor({ ...options, createRam: create });
}

export const ramMutants: readonly Mutant[] = [
  walkMutant(
    {
      name: 'ram-truncate-above-4g',
      layer: 'ram',
      description: 'Physical addresses are truncated to 32 bits in RAM (a `>>> 0` on the address): a frame above 4 GiB is the frame 4 GiB lower.',
      family: 'big-memory',
    },
    withRam((m) => new TruncatingRam(m)),
  ),
  walkMutant(
    {
      name: 'ram-frame-number-32-bits',
      layer: 'ram',
      description: 'The frame number is kept in a 32-bit field: frames 2^32 apart (pa at or above 2^44, MAXPHYADDR 45 and up) are aliased.',
      family: 'big-memory',
    },
    withRam((m) => new FrameNumber32Ram(m)),
  ),
  walkMutant(
    {
      name: 'ram-mask-one-bit-short',
      layer: 'ram',
      description: 'The physical-address mask is built as 2^(MAXPHYADDR-1)-1: two frames, one in each half of memory, are one frame.',
      family: 'big-memory',
    },
    withRam((m) => new ShortMaskRam(m)),
  ),
  walkMutant(
    {
      name: 'ram-zero-write-dropped',
      layer: 'ram',
      description: 'A physical write of zero is skipped even into a frame that holds data, so an edit that clears a word (the high half of an entry moved below 4 GiB) is lost.',
      family: 'big-memory',
    },
    withRam((m) => new ZeroWriteDroppingRam(m)),
  ),
];
