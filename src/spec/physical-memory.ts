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

function frameOf(pa: number): number {
  return pa - (pa % PAGE_4K);
}

/** A memory under construction: frames are copied the first time a write touches them. */
class Draft {
  readonly frames: Map<number, Frame>;
  private readonly copied = new Set<number>();
  hash: number;
  size: number;

  constructor(from: PhysicalMemory) {
    this.frames = new Map(from.frameIndex);
    this.hash = from.hash;
    this.size = from.size;
  }

  read(pa: number): bigint {
    return this.frames.get(frameOf(pa))?.get(pa) ?? 0n;
  }

  write(pa: number, value: bigint): void {
    const old = this.read(pa);
    if (old === value) return;
    const base = frameOf(pa);
    let frame = this.frames.get(base) as Map<number, bigint> | undefined;
    if (frame === undefined || !this.copied.has(base)) {
      frame = new Map(frame ?? []);
      this.frames.set(base, frame);
      this.copied.add(base);
    }
    if (old !== 0n) {
      this.hash ^= wordHash(pa, old);
      this.size--;
    }
    if (value === 0n) {
      frame.delete(pa);
      if (frame.size === 0) this.frames.delete(base);
    } else {
      frame.set(pa, value);
      this.hash ^= wordHash(pa, value);
      this.size++;
    }
  }
}

export class PhysicalMemory {
  private constructor(
    /** Frame base -> the non-zero words of that frame. Never mutated once the memory exists. */
    readonly frameIndex: ReadonlyMap<number, Frame>,
    /** XOR of wordHash over the non-zero words: equal memories have equal hashes. */
    readonly hash: number,
    /** Number of non-zero words. */
    readonly size: number,
  ) {}

  static empty(): PhysicalMemory {
    return new PhysicalMemory(new Map(), 0, 0);
  }

  static fromWords(words: Iterable<readonly [number, bigint]>): PhysicalMemory {
    const draft = new Draft(PhysicalMemory.empty());
    for (const [pa, value] of words) draft.write(pa, value);
    return PhysicalMemory.of(draft);
  }

  private static of(draft: Draft): PhysicalMemory {
    return new PhysicalMemory(draft.frames, draft.hash, draft.size);
  }

  readWord(pa: number): bigint {
    return this.frameIndex.get(frameOf(pa))?.get(pa) ?? 0n;
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

  /** Sets the given bits in a word (the processor's locked OR of accessed and dirty flags). */
  setBits(pa: number, bits: bigint): PhysicalMemory {
    const old = this.readWord(pa);
    return (old & bits) === bits ? this : this.writeWord(pa, old | bits);
  }

  /** The non-zero words of the 4 KiB frame at `base`, in no particular order. */
  wordsOfFrame(base: number): Iterable<bigint> {
    return this.frameIndex.get(base)?.values() ?? [];
  }

  /** Non-zero words sorted by physical address. */
  entries(): Array<[number, bigint]> {
    const out: Array<[number, bigint]> = [];
    for (const frame of this.frameIndex.values()) for (const entry of frame) out.push(entry);
    return out.sort((a, b) => a[0] - b[0]);
  }

  /** Same contents. Frames shared between the two memories (the usual case) are not compared word by word. */
  equals(other: PhysicalMemory): boolean {
    if (this === other) return true;
    if (this.hash !== other.hash || this.size !== other.size || this.frameIndex.size !== other.frameIndex.size) return false;
    for (const [base, frame] of this.frameIndex) {
      const theirs = other.frameIndex.get(base);
      if (theirs === frame) continue;
      if (theirs === undefined || theirs.size !== frame.size) return false;
      for (const [pa, value] of frame) if (theirs.get(pa) !== value) return false;
    }
    return true;
  }
}
