/**
 * What a scenario encoder knows while it expands actions (action-expander.ts): the control-register
 * bits it wrote, the root in CR3, the paging-structure words as it last wrote them, and the frames edits
 * moved pages to. It is all the encoder consults: a generator that asked the machine under test instead
 * would copy its bugs into the trace.
 *
 * Cloned before each action, so an action that does not fit the step budget leaves no trace in it.
 * @internal
 */
import { type ReachableRange, wordOf } from './data-seeding.ts';
import { type EntryBytes, entryIn, withEntryIn } from './entry-words.ts';

export class KernelModel {
  constructor(
    /** CR0.PG, CR0.WP, CR4.PGE. */
    public pg: boolean,
    public wp: boolean,
    public pge: boolean,
    /** CR4.PSE: read by 32-bit paging only (PAE always honours PS, and its encoder leaves this false). */
    public pse: boolean,
    /** The root CR3 selects. */
    public root: number,
    /** The hot set, resolved against the root in use when first needed. */
    public hot: number[] | null,
    /** Paging-structure words by physical address (8-byte words, whatever the entry width). */
    public readonly words: Map<number, bigint>,
    /** Ranges that edits made reachable (remaps, size swaps), besides the mapping set's own. */
    public readonly extras: ReachableRange[],
  ) {}

  clone(): KernelModel {
    return new KernelModel(this.pg, this.wp, this.pge, this.pse, this.root, this.hot === null ? null : [...this.hot], new Map(this.words), [...this.extras]);
  }

  /** The entry of `bytes` at `pa`. */
  entry(pa: number, bytes: EntryBytes): bigint {
    return entryIn(this.words.get(wordOf(pa)) ?? 0n, pa, bytes);
  }

  /** Writes the entry of `bytes` at `pa`; returns the word that holds it, as it now is. */
  setEntry(pa: number, bytes: EntryBytes, value: bigint): { readonly pa: number; readonly word: bigint } {
    const base = wordOf(pa);
    const word = withEntryIn(this.words.get(base) ?? 0n, pa, bytes, value);
    this.words.set(base, word);
    return { pa: base, word };
  }
}
