/**
 * The non-zero words of one 4 KiB frame of the specification's memory (physical-memory.ts): their
 * addresses in ascending order and their values, in two arrays. A write copies its frame first, and
 * copying two arrays is two block copies, where copying a Map re-inserted every entry one by one (and
 * allocated an entry pair for each): that copy was an eighth of everything the comparison allocated.
 */
export class FrameWords {
  private constructor(
    private readonly pas: number[],
    private readonly values: bigint[],
  ) {}

  static empty(): FrameWords {
    return new FrameWords([], []);
  }

  /** From words in any order; a later word at the same address replaces an earlier one; zeros dropped. */
  static of(words: ReadonlyMap<number, bigint>): FrameWords {
    const sorted = [...words].filter(([, v]) => v !== 0n).sort((a, b) => a[0] - b[0]);
    return new FrameWords(
      sorted.map(([pa]) => pa),
      sorted.map(([, v]) => v),
    );
  }

  /** From addresses in ascending order (each once) and their values, taken as they are; zeros dropped. */
  static ofSorted(pas: number[], values: bigint[]): FrameWords {
    if (!values.includes(0n)) return new FrameWords(pas, values);
    const keep = values.map((v) => v !== 0n);
    return new FrameWords(
      pas.filter((_, i) => keep[i]),
      values.filter((_, i) => keep[i]),
    );
  }

  copy(): FrameWords {
    return new FrameWords(this.pas.slice(), this.values.slice());
  }

  get size(): number {
    return this.pas.length;
  }

  /** Index of pa, or -(index where it would go) - 1. */
  private find(pa: number): number {
    let low = 0;
    let high = this.pas.length - 1;
    while (low <= high) {
      const mid = (low + high) >>> 1;
      const at = this.pas[mid] as number;
      if (at === pa) return mid;
      if (at < pa) low = mid + 1;
      else high = mid - 1;
    }
    return -low - 1;
  }

  get(pa: number): bigint | undefined {
    const i = this.find(pa);
    return i >= 0 ? this.values[i] : undefined;
  }

  /** Sets a non-zero word. Only on a copy that nothing else shares (a draft's). */
  set(pa: number, value: bigint): void {
    const i = this.find(pa);
    if (i >= 0) this.values[i] = value;
    else {
      this.pas.splice(-i - 1, 0, pa);
      this.values.splice(-i - 1, 0, value);
    }
  }

  /** Removes a word. Only on a copy that nothing else shares (a draft's). */
  delete(pa: number): void {
    const i = this.find(pa);
    if (i < 0) return;
    this.pas.splice(i, 1);
    this.values.splice(i, 1);
  }

  /** Addresses in ascending order. */
  addresses(): readonly number[] {
    return this.pas;
  }

  /** Values, in the order of the addresses. */
  words(): readonly bigint[] {
    return this.values;
  }

  equals(other: FrameWords): boolean {
    if (this === other) return true;
    if (this.pas.length !== other.pas.length) return false;
    for (let i = 0; i < this.pas.length; i++) if (this.pas[i] !== other.pas[i] || this.values[i] !== other.values[i]) return false;
    return true;
  }

  /** Addresses whose words differ between the two frames (absent words are zero), appended to `out`. */
  differences(other: FrameWords | undefined, out: number[]): void {
    const a = this.pas;
    const b = other?.pas ?? [];
    let i = 0;
    let j = 0;
    while (i < a.length || j < b.length) {
      const pa = j >= b.length || (i < a.length && (a[i] as number) < (b[j] as number)) ? (a[i] as number) : (b[j] as number);
      const mine = a[i] === pa ? this.values[i++] : undefined;
      const theirs = b[j] === pa ? other?.values[j++] : undefined;
      if (mine !== theirs) out.push(pa);
    }
  }
}
