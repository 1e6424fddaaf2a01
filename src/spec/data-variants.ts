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
