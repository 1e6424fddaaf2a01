/**
 * The specification's view of physical memory: an immutable map from 8-byte-aligned physical address to
 * the 64-bit little-endian word stored there. Absent words are zero. Every write returns a new memory,
 * so states that the nondeterministic specification forks never share mutable data.
 *
 * Words are grouped by 4 KiB frame and a write copies only the frame it touches (and the small index of
 * frames), not the whole memory: a long trace keeps one memory per step alive, and copying everything on
 * every store made the specification quadratic in the trace's length. A content hash lets identical
 * memories be recognised without comparing every word (equals()). It is computed only when first asked
 * for (a comparison that follows one state never asks) and then kept up to date by every write.
 */
import { PAGE_4K } from '../arch/entry-layout.ts';
import { FrameWords } from './frame-words.ts';
import { wordHash } from './word-hash.ts';

type Frame = FrameWords;
/** Frame base -> its non-zero words, for the frames whose number falls in one bucket. */
type Bucket = ReadonlyMap<number, Frame>;

/**
 * Frames are spread over a fixed array of buckets by frame number, so a write copies one bucket and one
 * frame: constant work, however many frames the memory holds (a long trace touches thousands, and
 * copying an index of them all on every store was most of its cost). The buckets sit in GROUPS groups of
 * GROUP_SIZE, so that a write copies two short arrays of pointers, not one of all the buckets.
 */
const GROUP_SIZE = 16;
const GROUPS = 16;
const BUCKETS = GROUPS * GROUP_SIZE;
type Group = readonly (Bucket | undefined)[];

function frameOf(pa: number): number {
  return pa - (pa % PAGE_4K);
}

/** Arithmetic, not bit operators: frame bases lie above 4 GiB too. */
function bucketOf(frameBase: number): number {
  return (frameBase / PAGE_4K) % BUCKETS;
}

/** A memory under construction: groups, buckets and frames are copied the first time a write touches them. */
class Draft {
  readonly groups: (Group | undefined)[];
  /**
   * Groups, buckets and frames this draft owns: a handful when a step writes one or two words, thousands
   * when a trace's image is loaded (a list searched on every write made that quadratic).
   */
  private readonly copied = new Set<object>();
  /** Null while the memory written from has not computed its hash: then neither does this one. */
  hash: number | null;
  size: number;

  constructor(from: PhysicalMemory) {
    this.groups = from.groups.slice();
    this.hash = from.knownHashOrNull();
    this.size = from.size;
  }

  read(pa: number): bigint {
    const base = frameOf(pa);
    const b = bucketOf(base);
    return this.groups[Math.floor(b / GROUP_SIZE)]?.[b % GROUP_SIZE]?.get(base)?.get(pa) ?? 0n;
  }

  /** The bucket at index b, writable (it and its group copied once per draft). */
  private bucketForWrite(b: number): Map<number, Frame> {
    const g = Math.floor(b / GROUP_SIZE);
    let group = this.groups[g] as (Bucket | undefined)[] | undefined;
    if (group === undefined || !this.copied.has(group)) {
      group = group === undefined ? new Array<Bucket | undefined>(GROUP_SIZE).fill(undefined) : group.slice();
      this.groups[g] = group;
      this.copied.add(group);
    }
    let bucket = group[b % GROUP_SIZE] as Map<number, Frame> | undefined;
    if (bucket === undefined || !this.copied.has(bucket)) {
      bucket = new Map(bucket ?? []);
      group[b % GROUP_SIZE] = bucket;
      this.copied.add(bucket);
    }
    return bucket;
  }

  /** Writes the word made of two unsigned 32-bit halves. */
  writeHalves(pa: number, lo: number, hi: number): void {
    this.write(pa, (BigInt(hi) << 32n) | BigInt(lo));
  }

  write(pa: number, value: bigint): void {
    const old = this.read(pa);
    if (old === value) return;
    const base = frameOf(pa);
    const bucket = this.bucketForWrite(bucketOf(base));
    let frame = bucket.get(base);
    if (frame === undefined || !this.copied.has(frame)) {
      frame = frame === undefined ? FrameWords.empty() : frame.copy();
      bucket.set(base, frame);
      this.copied.add(frame);
    }
    if (old !== 0n) {
      if (this.hash !== null) this.hash ^= wordHash(pa, old);
      this.size--;
    }
    if (value === 0n) {
      frame.delete(pa);
      if (frame.size === 0) bucket.delete(base);
    } else {
      frame.set(pa, value);
      if (this.hash !== null) this.hash ^= wordHash(pa, value);
      this.size++;
    }
  }
}

function ascending(pas: readonly number[]): boolean {
  for (let i = 1; i < pas.length; i++) if ((pas[i] as number) < (pas[i - 1] as number)) return false;
  return true;
}

const LOW_32 = 0xffffffffn;

/** A 32-bit half with byte `index` (0..3) replaced, as an unsigned number. */
function withByte(half: number, index: number, byte: number): number {
  const shift = 8 * index;
  return ((half & ~(0xff << shift)) | (byte << shift)) >>> 0;
}

const NO_GROUPS: readonly (Group | undefined)[] = Object.freeze(new Array<Group | undefined>(GROUPS).fill(undefined));

function sameFrame(a: Frame, b: Frame | undefined): boolean {
  return b !== undefined && a.equals(b);
}

function sameBucket(a: Bucket | undefined, b: Bucket | undefined): boolean {
  if (a === b) return true;
  if ((a?.size ?? 0) !== (b?.size ?? 0)) return false;
  for (const [base, frame] of a ?? []) if (!sameFrame(frame, b?.get(base))) return false;
  return true;
}

export class PhysicalMemory {
  private constructor(
    /** Frames by bucket (bucketOf), in groups of GROUP_SIZE buckets. Never mutated once the memory exists. */
    readonly groups: readonly (Group | undefined)[],
    /** The content hash, or null until asked for. */
    private knownHash: number | null,
    /** Number of non-zero words. */
    readonly size: number,
  ) {}

  /** XOR of wordHash over the non-zero words: equal memories have equal hashes. */
  get hash(): number {
    if (this.knownHash === null) {
      let hash = 0;
      for (const group of this.groups)
        for (const bucket of group ?? [])
          for (const frame of bucket?.values() ?? []) {
            const pas = frame.addresses();
            const values = frame.words();
            for (let i = 0; i < pas.length; i++) hash ^= wordHash(pas[i] as number, values[i] as bigint);
          }
      this.knownHash = hash;
    }
    return this.knownHash;
  }

  /** The hash if it was computed (a draft keeps it up to date only then). */
  knownHashOrNull(): number | null {
    return this.knownHash;
  }

  static empty(): PhysicalMemory {
    return new PhysicalMemory(NO_GROUPS, 0, 0);
  }

  /**
   * The memory holding the words, later ones replacing earlier ones at the same address. Built directly
   * (a trace's image has thousands of words), its hash left until asked for.
   */
  static fromWords(words: Iterable<readonly [number, bigint]>): PhysicalMemory {
    const pas: number[] = [];
    const values: bigint[] = [];
    for (const [pa, value] of words) {
      pas.push(pa);
      values.push(value);
    }
    return PhysicalMemory.fromArrays(pas, values);
  }

  /**
   * The memory holding values[i] at pas[i], a later word replacing an earlier one at the same address.
   * A trace's image comes sorted by address, and is then cut into frames without sorting or maps.
   */
  static fromArrays(pas: readonly number[], values: readonly bigint[]): PhysicalMemory {
    // An image in address order (the usual case) is read as it is; otherwise through a stable sort.
    let order: number[] | null = null;
    if (!ascending(pas)) {
      order = pas.map((_, i) => i);
      order.sort((a, b) => (pas[a] as number) - (pas[b] as number) || a - b);
    }
    const at = (k: number): number => (order === null ? k : (order[k] as number));
    const buckets = new Array<Map<number, Frame> | undefined>(BUCKETS).fill(undefined);
    let size = 0;
    for (let k = 0; k < pas.length; ) {
      const base = frameOf(pas[at(k)] as number);
      const framePas: number[] = [];
      const frameValues: bigint[] = [];
      for (; k < pas.length && frameOf(pas[at(k)] as number) === base; k++) {
        const i = at(k);
        // Equal addresses are adjacent, in input order: the later one replaces the earlier.
        if (framePas[framePas.length - 1] === pas[i]) frameValues[frameValues.length - 1] = values[i] as bigint;
        else {
          framePas.push(pas[i] as number);
          frameValues.push(values[i] as bigint);
        }
      }
      const frame = FrameWords.ofSorted(framePas, frameValues);
      if (frame.size === 0) continue;
      (buckets[bucketOf(base)] ??= new Map()).set(base, frame);
      size += frame.size;
    }
    const groups: (Group | undefined)[] = [];
    for (let g = 0; g < GROUPS; g++) {
      const group = buckets.slice(g * GROUP_SIZE, (g + 1) * GROUP_SIZE);
      groups.push(group.every((bucket) => bucket === undefined) ? undefined : group);
    }
    return new PhysicalMemory(groups, null, size);
  }

  private static of(draft: Draft): PhysicalMemory {
    return new PhysicalMemory(draft.groups, draft.hash, draft.size);
  }

  private bucket(b: number): Bucket | undefined {
    return this.groups[Math.floor(b / GROUP_SIZE)]?.[b % GROUP_SIZE];
  }

  readWord(pa: number): bigint {
    const base = frameOf(pa);
    return this.bucket(bucketOf(base))?.get(base)?.get(pa) ?? 0n;
  }

  writeWord(pa: number, value: bigint): PhysicalMemory {
    if (this.readWord(pa) === value) return this;
    const draft = new Draft(this);
    draft.write(pa, value);
    return PhysicalMemory.of(draft);
  }

  /** This memory with the given words replaced, as one new memory. */
  withWords(words: ReadonlyMap<number, bigint>): PhysicalMemory {
    if (words.size === 0) return this;
    const draft = new Draft(this);
    for (const [pa, value] of words) draft.write(pa, value);
    return PhysicalMemory.of(draft);
  }

  /**
   * Writes bytes[i] at pas[i] for every i, as one new memory. Bytes of one word are merged first, into
   * its two 32-bit halves: a BigInt shift and mask per byte allocated several BigInts each.
   */
  writeBytes(pas: readonly number[], bytes: readonly number[]): PhysicalMemory {
    // No closure here: tsx names every closure it creates (a call per store).
    const draft = new Draft(this);
    let wordPa = -1;
    let lo = 0;
    let hi = 0;
    for (let i = 0; i < pas.length; i++) {
      const pa = pas[i] as number;
      const at = pa - (pa % 8);
      if (at !== wordPa) {
        if (wordPa >= 0) draft.writeHalves(wordPa, lo, hi);
        wordPa = at;
        const word = draft.read(at);
        lo = Number(word & LOW_32);
        hi = Number(word >> 32n);
      }
      const offset = pa - at;
      const byte = (bytes[i] ?? 0) & 0xff;
      if (offset < 4) lo = withByte(lo, offset, byte);
      else hi = withByte(hi, offset - 4, byte);
    }
    if (wordPa >= 0) draft.writeHalves(wordPa, lo, hi);
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

  /** The words of the 4 KiB frame at `base`, or undefined if they are all zero. */
  frame(base: number): FrameWords | undefined {
    return this.bucket(bucketOf(base))?.get(base);
  }

  /** The non-zero words of the 4 KiB frame at `base`, in no particular order. */
  wordsOfFrame(base: number): Iterable<bigint> {
    return this.bucket(bucketOf(base))?.get(base)?.words() ?? [];
  }

  /** Whether the 4 KiB frame at `base` is the same object in both memories (so certainly the same). */
  sharesFrame(other: PhysicalMemory, base: number): boolean {
    const b = bucketOf(base);
    return this.bucket(b)?.get(base) === other.bucket(b)?.get(base);
  }

  /** The addresses of the non-zero words, in no particular order. */
  *addresses(): Iterable<number> {
    for (const group of this.groups) for (const bucket of group ?? []) for (const frame of bucket?.values() ?? []) yield* frame.addresses();
  }

  /** Non-zero words sorted by physical address. */
  entries(): Array<[number, bigint]> {
    const out: Array<[number, bigint]> = [];
    for (const group of this.groups)
      for (const bucket of group ?? [])
        for (const frame of bucket?.values() ?? []) frame.addresses().forEach((pa, i) => out.push([pa, frame.words()[i] as bigint]));
    return out.sort((a, b) => a[0] - b[0]);
  }

  /**
   * The addresses of the words whose values differ between the two memories, or null if there are more
   * than `limit`. Groups, buckets and frames the memories share are skipped without being read.
   */
  differingWords(other: PhysicalMemory, limit: number): number[] | null {
    const out: number[] = [];
    for (let g = 0; g < GROUPS; g++) {
      if (this.groups[g] === other.groups[g]) continue;
      for (let b = g * GROUP_SIZE; b < (g + 1) * GROUP_SIZE; b++) {
        const mine = this.bucket(b);
        const theirs = other.bucket(b);
        if (mine === theirs) continue;
        for (const base of new Set([...(mine?.keys() ?? []), ...(theirs?.keys() ?? [])])) {
          const a = mine?.get(base);
          const c = theirs?.get(base);
          if (a === c) continue;
          (a ?? FrameWords.empty()).differences(c, out);
          if (out.length > limit) return null;
        }
      }
    }
    return out;
  }

  /** Same contents. Buckets and frames shared between the two memories (the usual case) are not compared. */
  equals(other: PhysicalMemory): boolean {
    if (this === other) return true;
    if (this.hash !== other.hash || this.size !== other.size) return false;
    for (let g = 0; g < GROUPS; g++) {
      if (this.groups[g] === other.groups[g]) continue;
      for (let b = g * GROUP_SIZE; b < (g + 1) * GROUP_SIZE; b++) if (!sameBucket(this.bucket(b), other.bucket(b))) return false;
    }
    return true;
  }
}
