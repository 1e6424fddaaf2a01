/**
 * The hashed translation structure of US5446854A, built from the page tables on a miss:
 *
 *   hash list            translation blocks (TB)                          translation entries (TE)
 *   bucket h  ---> TB: base VA, page size, next ---> TB ...               8 per TB, one per page of its range:
 *                  (range = 8 pages of its size)                          valid, flags, back pointer -> PFD
 *
 * A TB describes a contiguous piece of virtual memory: 8 pages of one size from a base aligned to
 * 8 pages (32 KiB of 4 KiB pages, 16 MiB of 2 MiB pages, 32 MiB of 4 MiB pages). The hash index is
 * computed from the base alone, so TBs of every size share the chains and a TB is matched on base AND
 * size. A TE gets its physical address through its back pointer: the page frame descriptor's base plus
 * the offset (page-frame-descriptors.ts); the PFD lists its TEs, so recycling a PFD drops them.
 *
 * A lookup tries each candidate size of the paging mode (4 KiB first). Invalidation follows the
 * architecture (SDM 4.10.4.1), as the TLB's does: a page of every size, the 4 KiB pages inside a large
 * page, the non-global entries, everything. A TB whose last TE goes is unlinked from its chain and freed.
 * Pools are small on purpose (16 TBs, 2 PFDs): every third distinct frame recycles a descriptor, so the
 * recycling path (and its back pointers) runs in nearly every generated trace; the cost shows in the
 * benchmark's TLB-miss figure.
 */
import { TLB_FLAG } from '../../reference/index.ts';
import { ALL_SIZES, SIZE_4K, SIZE_BYTES, type SizeCode } from '../page-sizes.ts';
import { PageFrameDescriptors } from './page-frame-descriptors.ts';

const NONE = -1;
/** Pages per translation block. */
export const TB_PAGES = 8;
const FRAMES_OF_SIZE: readonly number[] = SIZE_BYTES.map((b) => b / 4096);

export interface HashedGeometry {
  readonly buckets: number;
  readonly blocks: number;
  readonly descriptors: number;
}

export const DEFAULT_HASHED_GEOMETRY: HashedGeometry = { buckets: 16, blocks: 16, descriptors: 2 };

export class HashedTranslationTable {
  /** Hash list: first TB of each chain. */
  readonly bucketHead: Int32Array;
  /** TB header: base VA, size code, next TB in the chain, bucket, live TE count (0: free). */
  readonly tbBase: Float64Array;
  readonly tbSize: Uint8Array;
  readonly tbNext: Int32Array;
  readonly tbBucket: Int32Array;
  readonly tbLive: Uint8Array;
  /** TEs, TB_PAGES per TB (TE index = tb * TB_PAGES + page): valid, flags, back pointer, PFD list link. */
  readonly teValid: Uint8Array;
  readonly teFlags: Int32Array;
  readonly tePfd: Int32Array;
  readonly teNextInPfd: Int32Array;
  readonly pfds: PageFrameDescriptors;
  private readonly bucketMask: number;
  private nextVictim = 0;

  constructor(readonly geometry: HashedGeometry = DEFAULT_HASHED_GEOMETRY, pfds?: PageFrameDescriptors) {
    const { buckets, blocks, descriptors } = geometry;
    if ((buckets & (buckets - 1)) !== 0 || buckets < 1) throw new RangeError(`hash buckets must be a power of two, got ${buckets}`);
    this.bucketHead = new Int32Array(buckets).fill(NONE);
    this.tbBase = new Float64Array(blocks);
    this.tbSize = new Uint8Array(blocks);
    this.tbNext = new Int32Array(blocks).fill(NONE);
    this.tbBucket = new Int32Array(blocks).fill(NONE);
    this.tbLive = new Uint8Array(blocks);
    const entries = blocks * TB_PAGES;
    this.teValid = new Uint8Array(entries);
    this.teFlags = new Int32Array(entries);
    this.tePfd = new Int32Array(entries).fill(NONE);
    this.teNextInPfd = new Int32Array(entries).fill(NONE);
    this.pfds = pfds ?? new PageFrameDescriptors(descriptors);
    this.bucketMask = buckets - 1;
  }

  /** Base VA of the TB of `size` that covers va. */
  blockBase(va: number, size: SizeCode): number {
    const span = SIZE_BYTES[size]! * TB_PAGES;
    return va - (va % span);
  }

  /** The hash index of a TB base: from the base VA alone, whatever the page size. */
  hash(base: number): number {
    const block = Math.floor(base / (4096 * TB_PAGES));
    return (block ^ (block >>> 7) ^ (block >>> 13)) & this.bucketMask;
  }

  /** Whether TB `tb` is the block (base, size). */
  protected blockMatches(tb: number, base: number, size: SizeCode): boolean {
    return this.tbBase[tb] === base && this.tbSize[tb] === size;
  }

  /** The TB (base, size) on its chain, or -1. */
  findBlock(base: number, size: SizeCode): number {
    for (let tb = this.bucketHead[this.hash(base)]!; tb !== NONE; tb = this.tbNext[tb]!) if (this.blockMatches(tb, base, size)) return tb;
    return NONE;
  }

  /** The TE translating va at `size`, or -1. */
  probe(va: number, size: SizeCode): number {
    const base = this.blockBase(va, size);
    const tb = this.findBlock(base, size);
    if (tb === NONE) return NONE;
    const te = tb * TB_PAGES + Math.floor((va - base) / SIZE_BYTES[size]!);
    return this.teValid[te] === 1 ? te : NONE;
  }

  /** Tries each candidate size in turn; the first TE found, or -1. */
  lookup(va: number, sizes: readonly SizeCode[]): number {
    for (const size of sizes) {
      const te = this.probe(va, size);
      if (te >= 0) return te;
    }
    return NONE;
  }

  /** The size of TE `te`'s page. */
  sizeOf(te: number): SizeCode {
    return this.tbSize[Math.floor(te / TB_PAGES)] as SizeCode;
  }

  /** Physical frame of the first 4 KiB of TE `te`'s page: its PFD's base (the back pointer). */
  frameOf(te: number): number {
    return this.pfds.base[this.tePfd[te]!]!;
  }

  /** Caches the translation of the page of `size` holding va, onto the physical frame `frame`. */
  insert(va: number, size: SizeCode, frame: number, flags: number): void {
    // The descriptor first: recycling one drops TEs, which may free blocks.
    const pfd = this.pfds.acquire(frame, FRAMES_OF_SIZE[size]!, (p) => this.dropEntriesOf(p));
    const base = this.blockBase(va, size);
    let tb = this.findBlock(base, size);
    if (tb === NONE) tb = this.allocateBlock(base, size);
    const te = tb * TB_PAGES + Math.floor((va - base) / SIZE_BYTES[size]!);
    if (this.teValid[te] === 1) this.unlinkEntry(te);
    else {
      this.teValid[te] = 1;
      this.tbLive[tb]!++;
    }
    this.teFlags[te] = flags;
    this.linkEntry(te, pfd);
  }

  /** Removes the TEs, of every size, whose page holds va. */
  invalidatePage(va: number): void {
    for (const size of ALL_SIZES) this.invalidateSize(va, size);
  }

  invalidateSize(va: number, size: SizeCode): void {
    const te = this.probe(va, size);
    if (te >= 0) this.dropEntry(te);
  }

  /** Removes every 4 KiB TE inside [base, base + bytes). */
  invalidateSmallWithin(base: number, bytes: number): void {
    for (let tb = 0; tb < this.tbLive.length; tb++) {
      if (this.tbLive[tb] === 0 || this.tbSize[tb] !== SIZE_4K) continue;
      const b = this.tbBase[tb]!;
      for (let i = 0; i < TB_PAGES; i++) {
        const va = b + i * 4096;
        const te = tb * TB_PAGES + i;
        if (va >= base && va < base + bytes && this.teValid[te] === 1) this.dropEntry(te);
      }
    }
  }

  /** MOV to CR3: every non-global TE. */
  flushNonGlobal(): void {
    for (let te = 0; te < this.teValid.length; te++) if (this.teValid[te] === 1 && (this.teFlags[te]! & TLB_FLAG.GLOBAL) === 0) this.dropEntry(te);
  }

  flushAll(): void {
    this.bucketHead.fill(NONE);
    this.tbNext.fill(NONE);
    this.tbBucket.fill(NONE);
    this.tbLive.fill(0);
    this.teValid.fill(0);
    this.tePfd.fill(NONE);
    this.teNextInPfd.fill(NONE);
    this.pfds.clear();
  }

  /** Number of TBs in use (for tests). */
  get blocksInUse(): number {
    let n = 0;
    for (const live of this.tbLive) if (live > 0) n++;
    return n;
  }

  /** A free TB, or the round-robin victim with its TEs dropped; linked at the head of its chain. */
  private allocateBlock(base: number, size: SizeCode): number {
    let tb = this.tbLive.indexOf(0);
    if (tb < 0) {
      tb = this.nextVictim;
      this.nextVictim = (this.nextVictim + 1) % this.tbLive.length;
      for (let i = 0; i < TB_PAGES; i++) if (this.teValid[tb * TB_PAGES + i] === 1) this.dropEntry(tb * TB_PAGES + i);
    }
    this.tbBase[tb] = base;
    this.tbSize[tb] = size;
    const bucket = this.hash(base);
    this.tbBucket[tb] = bucket;
    this.tbNext[tb] = this.bucketHead[bucket]!;
    this.bucketHead[bucket] = tb;
    return tb;
  }

  /** Drops one TE: off its PFD's list, invalid; the TB is freed when it was its last. */
  protected dropEntry(te: number): void {
    this.unlinkEntry(te);
    this.teValid[te] = 0;
    const tb = Math.floor(te / TB_PAGES);
    this.tbLive[tb]!--;
    if (this.tbLive[tb] === 0) this.unlinkBlock(tb);
  }

  /** Every TE on a PFD's list (the PFD is about to describe other memory). */
  protected dropEntriesOf(pfd: number): void {
    while (this.pfds.head[pfd] !== NONE) this.dropEntry(this.pfds.head[pfd]!);
  }

  private linkEntry(te: number, pfd: number): void {
    this.tePfd[te] = pfd;
    this.teNextInPfd[te] = this.pfds.head[pfd]!;
    this.pfds.head[pfd] = te;
  }

  private unlinkEntry(te: number): void {
    const pfd = this.tePfd[te]!;
    if (pfd === NONE) return;
    let at = this.pfds.head[pfd]!;
    if (at === te) this.pfds.head[pfd] = this.teNextInPfd[te]!;
    else {
      while (at !== NONE && this.teNextInPfd[at] !== te) at = this.teNextInPfd[at]!;
      if (at !== NONE) this.teNextInPfd[at] = this.teNextInPfd[te]!;
    }
    this.tePfd[te] = NONE;
    this.teNextInPfd[te] = NONE;
  }

  /** Takes a freed TB off its hash chain. */
  protected unlinkBlock(tb: number): void {
    const bucket = this.tbBucket[tb]!;
    if (bucket === NONE) return;
    if (this.bucketHead[bucket] === tb) this.bucketHead[bucket] = this.tbNext[tb]!;
    else {
      let at = this.bucketHead[bucket]!;
      while (at !== NONE && this.tbNext[at] !== tb) at = this.tbNext[at]!;
      if (at !== NONE) this.tbNext[at] = this.tbNext[tb]!;
    }
    this.tbNext[tb] = NONE;
    this.tbBucket[tb] = NONE;
  }
}
