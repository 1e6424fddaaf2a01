/**
 * The specification's view of physical memory: an immutable map from 8-byte-aligned physical address to
 * the 64-bit little-endian word stored there. Absent words are zero. Every write returns a new memory,
 * so states that the nondeterministic specification forks never share mutable data.
 */
export class PhysicalMemory {
  private constructor(private readonly words: ReadonlyMap<number, bigint>) {}

  static empty(): PhysicalMemory {
    return new PhysicalMemory(new Map());
  }

  static fromWords(words: Iterable<readonly [number, bigint]>): PhysicalMemory {
    const map = new Map<number, bigint>();
    for (const [pa, value] of words) if (value !== 0n) map.set(pa, value);
    return new PhysicalMemory(map);
  }

  readWord(pa: number): bigint {
    return this.words.get(pa) ?? 0n;
  }

  writeWord(pa: number, value: bigint): PhysicalMemory {
    const next = new Map(this.words);
    if (value === 0n) next.delete(pa);
    else next.set(pa, value);
    return new PhysicalMemory(next);
  }

  readByte(pa: number): number {
    const wordPa = pa - (pa % 8);
    return Number((this.readWord(wordPa) >> BigInt((pa - wordPa) * 8)) & 0xffn);
  }

  /** Writes bytes[i] at pas[i] for every i, as one new memory. */
  writeBytes(pas: readonly number[], bytes: readonly number[]): PhysicalMemory {
    const next = new Map(this.words);
    pas.forEach((pa, i) => {
      const wordPa = pa - (pa % 8);
      const shift = BigInt((pa - wordPa) * 8);
      const old = next.get(wordPa) ?? 0n;
      const value = (old & ~(0xffn << shift)) | (BigInt(bytes[i] ?? 0) << shift);
      if (value === 0n) next.delete(wordPa);
      else next.set(wordPa, value);
    });
    return new PhysicalMemory(next);
  }

  /** Sets the given bits in a word (the processor's locked OR of accessed and dirty flags). */
  setBits(pa: number, bits: bigint): PhysicalMemory {
    const old = this.readWord(pa);
    return (old & bits) === bits ? this : this.writeWord(pa, old | bits);
  }

  /** Non-zero words sorted by physical address. */
  entries(): Array<[number, bigint]> {
    return [...this.words.entries()].sort((a, b) => a[0] - b[0]);
  }

  /** A canonical string of the contents, used to merge identical specification states. */
  key(): string {
    this.cachedKey ??= this.entries()
      .map(([pa, v]) => `${pa}:${v.toString(16)}`)
      .join(',');
    return this.cachedKey;
  }

  private cachedKey: string | undefined;
}
