/**
 * Variants of a state's data words. A store that may have gone through a stale translation writes one of
 * several frames, and the specification follows every choice (transition.ts, advance). When nothing reads
 * those bytes again the choices differ only in words that no walk reads, yet following each one
 * multiplied the work of every later step (a trace with four such stores kept sixteen states for hundreds
 * of steps). Such choices are kept as one state: the memory of the first choice, plus per choice the words
 * where its memory differs (variant-states.ts says when a state may keep them and how it splits).
 */

/** Word address (8-byte aligned, physical) -> the word's value in one choice. */
export type DataVariant = ReadonlyMap<number, bigint>;

export interface DataVariants {
  /** Every word address any variant sets. */
  readonly words: ReadonlySet<number>;
  /** One per concrete state, in the order the choices were made; the first is often empty. */
  readonly variants: readonly DataVariant[];
}

/** Whether any of the bytes lies in a word some variant sets. */
export function touchesVariantWords(v: DataVariants, pas: readonly number[]): boolean {
  for (const pa of pas) if (v.words.has(pa - (pa % 8))) return true;
  return false;
}

/** Every combination of one variant of `a` with one of `b` (their words are disjoint), a's order first. */
export function combineVariants(a: DataVariants, b: DataVariants): DataVariants {
  const variants: DataVariant[] = [];
  for (const x of a.variants) for (const y of b.variants) variants.push(x.size === 0 ? y : y.size === 0 ? x : new Map([...x, ...y]));
  return { words: new Set([...a.words, ...b.words]), variants };
}
