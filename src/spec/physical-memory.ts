/**
 * The specification's view of physical memory: an immutable map from 8-byte-aligned physical address to
 * the 64-bit little-endian word stored there. Absent words are zero. Every write returns a new memory,
 * so states that the nondeterministic specification forks never share mutable data.
 *
 * Words are grouped by 4 KiB frame and a write copies only the frame it touches (and the small index of
 * frames), not the whole memory: a long trace keeps one memory per step alive, and copying everything on
 * every store made the specification quadratic in the trace's length. A content hash, kept up to date
 * on every write, lets identical memories be recognised without comparing every word (equals()).
 */
import { PAGE_4K } from '../arch/entry-layout.ts';
import { wordHash } from './word-hash.ts';

type Frame = ReadonlyMap<number, bigint>;
/** Frame base -> its non-zero words, for the frames whose number falls in one bucket. */
type Bucket = ReadonlyMap<number, Frame>;

/**
 * Frames are spread over a fixed array of buckets by frame number, so a write copies the array (a few
 * hundred pointers), one bucket and one frame: constant work, however many frames the memory holds
 * (a long trace touches thousands, and copying an index of them all on every store was most of its cost).
 */
const BUCKETS = 256;

function frameOf(pa: number): number {
  return pa - (pa % PAGE_4K);
}

/** Arithmetic, not bit operators: frame bases lie above 4 GiB too. */
function bucketOf(frameBase: number): number {
  return (frameBase / PAGE_4K) % BUCKETS;
}

/** A memory under construction: buckets and frames are copied the first time a write touches them. */
class Draft {
  readonly buckets: (Bucket | undefined)[];
  /** Buckets and frames this draft owns (a handful: a step writes one or two words). */
  private readonly copied: object[] = [];
  hash: number;
  size: number;

  constructor(from: PhysicalMemory) {
    this.buckets = from.buckets.slice();
    this.hash = from.hash;
    this.size = from.size;
  }

  read(pa: number): bigint {
    const base = frameOf(pa);
    return this.buckets[bucketOf(base)]?.get(base)?.get(pa) ?? 0n;
  }

  /** The bucket at index b, writable (copied once per draft). */
  private bucketForWrite(b: number): Map<number, Frame> {
    let bucket = this.buckets[b] as Map<number, Frame> | undefined;
    if (bucket === undefined || !this.copied.includes(bucket)) {
      bucket = new Map(bucket ?? []);
      this.buckets[b] = bucket;
      this.copied.push(bucket);
    }
    return bucket;
  }

  write(pa: number, value: bigint): void {
    const old = this.read(pa);
    if (old === value) return;
    const base = frameOf(pa);
    const bucket = this.bucketForWrite(bucketOf(base));
    let frame = bucket.get(base) as Map<number, bigint> | undefined;
    if (frame === undefined || !this.copied.includes(frame)) {
      frame = new Map(frame ?? []);
      bucket.set(base, frame);
      this.copied.push(frame);
    }
    if (old !== 0n) {
      this.hash ^= wordHash(pa, old);
      this.size--;
    }
    if (value === 0n) {
      frame.delete(pa);
      if (frame.size === 0) bucket.delete(base);
    } else {
      frame.set(pa, value);
      this.hash ^= wordHash(pa, value);
      this.size++;
    }
  }
}

const NO_BUCKETS: readonly (Bucket | undefined)[] = Object.freeze(new Array<Bucket | undefined>(BUCKETS).fill(undefined));

function sameFrame(a: Frame, b: Frame | undefined): boolean {
  if (a === b) return true;
  if (b === undefined || a.size !== b.size) return false;
  for (const [pa, value] of a) if (b.get(pa) !== value) return false;
  return true;
}

function sameBucket(a: Bucket | undefined, b: Bucket | undefined): boolean {
  if (a === b) return true;
  if ((a?.size ?? 0) !== (b?.size ?? 0)) return false;
  for (const [base, frame] of a ?? []) if (!sameFrame(frame, b?.get(base))) return false;
  return true;
}

export class PhysicalMemory {
  private constructor(
    /** Frames by bucket (bucketOf). Never mutated once the memory exists. */
    readonly buckets: readonly (Bucket | undefined)[],
    /** XOR of wordHash over the non-zero words: equal memories have equal hashes. */
    readonly hash: number,
    /** Number of non-zero words. */
    readonly size: number,
  ) {}

  static empty(): PhysicalMemory {
    return new PhysicalMemory(NO_BUCKETS, 0, 0);
  }

  static fromWords(words: Iterable<readonly [number, bigint]>): PhysicalMemory {
    const draft = new Draft(PhysicalMemory.empty());
    for (const [pa, value] of words) draft.write(pa, value);
    return PhysicalMemory.of(draft);
  }

  private static of(draft: Draft): PhysicalMemory {
    return new PhysicalMemory(draft.buckets, draft.hash, draft.size);
  }

  readWord(pa: number): bigint {
    const base = frameOf(pa);
    return this.buckets[bucketOf(base)]?.get(base)?.get(pa) ?? 0n;
  }

  writeWord(pa: number, value: bigint): PhysicalMemory {
    if (this.readWord(pa) === value) return this;
    const draft = new Draft(this);
    draft.write(pa, value);
    return PhysicalMemory.of(draft);
  }

  readByte(pa: number): number {
    const wordPa = pa - (pa % 8);
    return Number((this.readWord(wordPa) >> BigInt((pa - wordPa) * 8)) & 0xffn);
  }

  /** Writes bytes[i] at pas[i] for every i, as one new memory. */
  writeBytes(pas: readonly number[], bytes: readonly number[]): PhysicalMemory {
    const draft = new Draft(this);
    pas.forEach((pa, i) => {
      const wordPa = pa - (pa % 8);
      const shift = BigInt((pa - wordPa) * 8);
      const old = draft.read(wordPa);
      draft.write(wordPa, (old & ~(0xffn << shift)) | (BigInt(bytes[i] ?? 0) << shift));
    });
    return PhysicalMemory.of(draft);
  }

  /**
   * Sets the given bits in each word (the processor's locked OR of accessed and dirty flags), as one new
   * memory, or this one if every bit was set already.
   */
  setBitsAll(updates: readonly { readonly pa: number; readonly bits: bigint }[]): PhysicalMemory {
    let draft: Draft | null = null;
    for (const { pa, bits } of updates) {
      const old = draft === null ? this.readWord(pa) : draft.read(pa);
      if ((old & bits) === bits) continue;
      draft ??= new Draft(this);
      draft.write(pa, old | bits);
    }
    return draft === null ? this : PhysicalMemory.of(draft);
  }

  /** The non-zero words of the 4 KiB frame at `base`, in no particular order. */
  wordsOfFrame(base: number): Iterable<bigint> {
    return this.buckets[bucketOf(base)]?.get(base)?.values() ?? [];
  }

  /** Whether the 4 KiB frame at `base` is the same object in both memories (so certainly the same). */
  sharesFrame(other: PhysicalMemory, base: number): boolean {
    const b = bucketOf(base);
    return this.buckets[b]?.get(base) === other.buckets[b]?.get(base);
  }

  /** Non-zero words sorted by physical address. */
  entries(): Array<[number, bigint]> {
    const out: Array<[number, bigint]> = [];
    for (const bucket of this.buckets) for (const frame of bucket?.values() ?? []) for (const entry of frame) out.push(entry);
    return out.sort((a, b) => a[0] - b[0]);
  }

  /** Same contents. Buckets and frames shared between the two memories (the usual case) are not compared. */
  equals(other: PhysicalMemory): boolean {
    if (this === other) return true;
    if (this.hash !== other.hash || this.size !== other.size) return false;
    for (let b = 0; b < BUCKETS; b++) if (!sameBucket(this.buckets[b], other.buckets[b])) return false;
    return true;
  }
}
