/**
 * The final memory: whether a machine's final words may be a specification state's, and where they cannot
 * be. A word matches when it is equal, or differs only by accessed/dirty bits the processor may or may not
 * have set (SDM 4.8); with several states, the closest one's differences are reported.
 */
import { PAGE_4K } from '../arch/entry-layout.ts';
import { bigIntFromHex, type Hex64, hexFromBigInt } from '../arch/word.ts';
import type { FrameWords } from '../spec/frame-words.ts';
import type { SpecState } from '../spec/state.ts';
import type { MemoryDifference } from './divergence.ts';
import type { MemoryWord } from './trace.ts';

/** The machine's final memory as words by address (absent words are zero). */
function finalWords(observed: readonly { pa: number; value: Hex64 }[]): Map<number, bigint> {
  const words = new Map<number, bigint>();
  for (const w of observed) words.set(w.pa, bigIntFromHex(w.value));
  return words;
}

/** Whether the machine's word may be the specification's: equal, or with uncertain bits set (SDM 4.8). */
function wordMatches(expected: bigint, got: bigint, uncertain: bigint): boolean {
  const diff = expected ^ got;
  // An uncertain bit may be set by the machine, never cleared: the flags are sticky.
  return (diff & ~uncertain) === 0n && (diff & expected) === 0n;
}

/**
 * The words where the final memory cannot be the state's, in address order, read from the machine's list
 * as it is, without building a map: only when the addresses are strictly ascending (each once, as the
 * contract asks) and every non-zero word of the state's is listed. Null otherwise: then the map decides (a
 * later word at the same address replaces an earlier one; a word left out is a zero).
 */
function listedDifferences(s: SpecState, listed: readonly MemoryWord[]): MemoryDifference[] | null {
  const diffs: MemoryDifference[] = [];
  let previous = -1;
  let nonZeroSeen = 0;
  // Words in address order come frame by frame: each frame is looked up once.
  let frameBase = -1;
  let frame: FrameWords | undefined;
  for (const w of listed) {
    if (w.pa <= previous) return null;
    previous = w.pa;
    const base = w.pa - (w.pa % PAGE_4K);
    if (base !== frameBase) {
      frameBase = base;
      frame = s.memory.frame(base);
    }
    const expected = frame?.get(w.pa) ?? 0n;
    const got = bigIntFromHex(w.value);
    if (expected !== 0n) nonZeroSeen++;
    if (got === expected) continue;
    const uncertain = s.maySet.get(w.pa) ?? 0n;
    if (!wordMatches(expected, got, uncertain)) diffs.push(memoryDifference(w.pa, expected, got, uncertain));
  }
  return nonZeroSeen === s.memory.size ? diffs : null;
}

/**
 * Visits each word where the final memory does not match the state's, in no particular order, until
 * `visit` returns false.
 */
function eachDifference(s: SpecState, actual: ReadonlyMap<number, bigint>, visit: (pa: number, expected: bigint, got: bigint, uncertain: bigint) => boolean): void {
  const differs = (pa: number, expected: bigint, got: bigint): boolean => {
    if (expected === got) return false;
    const uncertain = s.maySet.get(pa) ?? 0n;
    return !wordMatches(expected, got, uncertain) && !visit(pa, expected, got, uncertain);
  };
  let nonZeroSeen = 0;
  for (const [pa, got] of actual) {
    const expected = s.memory.readWord(pa);
    if (expected !== 0n) nonZeroSeen++;
    if (differs(pa, expected, got)) return;
  }
  // Every non-zero word of the state's was in the machine's list (the usual case): none is missing.
  if (nonZeroSeen === s.memory.size) return;
  for (const pa of s.memory.addresses()) if (!actual.has(pa) && differs(pa, s.memory.readWord(pa), 0n)) return;
}

function memoryDifference(pa: number, expected: bigint, got: bigint, uncertain: bigint): MemoryDifference {
  return { pa, expected: hexFromBigInt(expected), observed: hexFromBigInt(got), uncertain: hexFromBigInt(uncertain) };
}

function memoryDifferences(s: SpecState, actual: ReadonlyMap<number, bigint>): MemoryDifference[] {
  const diffs: MemoryDifference[] = [];
  eachDifference(s, actual, (pa, expected, got, uncertain) => {
    diffs.push(memoryDifference(pa, expected, got, uncertain));
    return true;
  });
  return diffs.sort((a, b) => a.pa - b.pa);
}

/** Whether the final memory's word at pa cannot be the state's. */
function wordDiffers(s: SpecState, actual: ReadonlyMap<number, bigint>, pa: number): boolean {
  return !wordMatches(s.memory.readWord(pa), actual.get(pa) ?? 0n, s.maySet.get(pa) ?? 0n);
}

/** Beyond this many words where two states' memories differ, a state's differences are counted afresh. */
const RELATIVE_COUNT_WORDS = 256;

/**
 * The number of words where the final memory cannot be the state's, or a number at least `bound` if there
 * are that many. Relative to a state whose count is known when both share their uncertain bits: only the
 * words where their memories differ (few, found through the memories' shared frames) are looked at.
 */
function differenceCount(s: SpecState, actual: ReadonlyMap<number, bigint>, bound: number, known: { state: SpecState; count: number }): number {
  const words = known.state.maySet === s.maySet ? known.state.memory.differingWords(s.memory, RELATIVE_COUNT_WORDS) : null;
  if (words !== null) {
    let count = known.count;
    for (const pa of words) count += (wordDiffers(s, actual, pa) ? 1 : 0) - (wordDiffers(known.state, actual, pa) ? 1 : 0);
    return count;
  }
  let count = 0;
  // Counting stops as soon as the state cannot be closer than the best so far.
  eachDifference(s, actual, () => ++count < bound);
  return count;
}

/**
 * The differences from the state closest to the final memory (fewest words that cannot be the state's,
 * the first of equals), or null when one state matches. The first state is compared in full, the others
 * counted relative to it.
 */
function closestDifferences(finals: readonly SpecState[], actual: ReadonlyMap<number, bigint>): MemoryDifference[] | null {
  const first = finals[0];
  if (first === undefined) return [];
  const firstDifferences = memoryDifferences(first, actual);
  const known = { state: first, count: firstDifferences.length };
  let best = known;
  for (const s of finals.slice(1)) {
    if (best.count === 0) break;
    const count = differenceCount(s, actual, best.count, known);
    if (count < best.count) best = { state: s, count };
  }
  if (best.count === 0) return null;
  return best.state === first ? firstDifferences : memoryDifferences(best.state, actual);
}



/**
 * Where the final memory cannot be any of the final states: the differences from the closest state, or
 * null when one matches. The usual case first: the first state, on the machine's list as it is.
 */
export function finalMemoryDifferences(finals: readonly SpecState[], listed: readonly MemoryWord[]): MemoryDifference[] | null {
  const first = finals[0];
  const fromList = first === undefined ? null : listedDifferences(first, listed);
  if (fromList !== null && fromList.length === 0) return null;
  // Several states, or a list out of order or without some word: through a map, the closest state.
  return fromList !== null && finals.length === 1 ? fromList : closestDifferences(finals, finalWords(listed));
}
