/**
 * The 4-byte entries of a 32-bit paging trace as numbers: every value a word ever holds (as
 * TraceWords.valuesAt gives them: the image's, 0 when it has none, then each physical write) cut into its
 * low half, the entry at the word's address, and its high half, the entry 4 bytes up. The halves are read
 * straight from the hex: the closure reads every entry of every directory and table it reaches, and
 * parsing each word into a bigint first (BigInt of a hex string) cost more than all the rest of it.
 */
import { type Hex64, storeHexHalves } from '../../src/arch/word.ts';
import type { MemoryWord, Trace } from '../../src/machine/trace.ts';
import { lowerBound, type TraceWords } from './trace-words.ts';

/** A word's distinct low halves and distinct high halves, each in the order its values come. */
interface WordHalves {
  readonly low: readonly number[];
  readonly high: readonly number[];
}

const NEVER_WRITTEN_ZERO: WordHalves = { low: [0], high: [0] };
const ZERO = '0x0' as Hex64;
/** One value's halves, as storeHexHalves leaves them. */
const HALVES = new Uint32Array(2);

export class EntryHalves32 {
  private readonly image: readonly MemoryWord[];
  /** The values physical writes give each word, in step order. */
  private readonly writes = new Map<number, Hex64[]>();
  private readonly halves = new Map<number, WordHalves>();

  constructor(trace: Trace, words: TraceWords) {
    this.image = words.image;
    for (const s of trace.steps) {
      if (s.op !== 'write-phys') continue;
      const values = this.writes.get(s.pa);
      if (values === undefined) this.writes.set(s.pa, [s.value]);
      else values.push(s.value);
    }
  }

  /** The values the entry at `pa` (4-byte aligned) ever holds, without duplicates: entryValues. */
  valuesAt(pa: number): readonly number[] {
    const offset = pa % 8;
    const word = this.word(pa - offset);
    return offset === 0 ? word.low : word.high;
  }

  private word(pa: number): WordHalves {
    const done = this.halves.get(pa);
    if (done !== undefined) return done;
    const written = this.writes.get(pa);
    const low: number[] = [];
    const high: number[] = [];
    let k = lowerBound(this.image, pa);
    if (k === this.image.length || (this.image[k] as MemoryWord).pa !== pa) {
      if (written === undefined) return NEVER_WRITTEN_ZERO;
      addHalves(low, high, ZERO);
    }
    for (; k < this.image.length && (this.image[k] as MemoryWord).pa === pa; k++) addHalves(low, high, (this.image[k] as MemoryWord).value);
    for (const h of written ?? []) addHalves(low, high, h);
    const halves = { low, high };
    this.halves.set(pa, halves);
    return halves;
  }
}

function addHalves(low: number[], high: number[], h: Hex64): void {
  storeHexHalves(HALVES, 0, h);
  const lo = HALVES[0] as number;
  const hi = HALVES[1] as number;
  if (!low.includes(lo)) low.push(lo);
  if (!high.includes(hi)) high.push(hi);
}
