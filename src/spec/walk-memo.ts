/**
 * Walks remembered by linear 4 KiB page. Every address of a 4 KiB page reads the same entries, so a walk
 * answers for its whole page; a context's walks stay valid until its registers or a word of its paging
 * structures change (paging-structures.ts), and a past epoch's never change. Only the entries' accessed
 * and dirty bits may be older than memory: they decide nothing in a walk (SDM 4.8), and an explanation
 * walks afresh (state.ts, withoutMemos).
 */
import type { PhysicalMemory } from './physical-memory.ts';
import { type PagingContext, type Translation, walk, type WalkResult } from './walk.ts';

export interface KnownWalk {
  readonly result: WalkResult;
  /** translationKey of the result, or null for a fault. */
  readonly key: string | null;
}

/** Linear 4 KiB page number -> the walk of any address in it. */
export type WalkMemo = Map<number, KnownWalk>;

/** What identifies a translation in a TLB: the page, its frame and its rights (not A/D bits). */
export function translationKey(t: Translation): string {
  return `${t.pageBase}/${t.pageSize}->${t.frame} w${+t.writable}u${+t.user}x${+t.executeDisabled}g${+t.global}`;
}

export function knownWalk(memo: WalkMemo, memory: PhysicalMemory, ctx: PagingContext, va: number): KnownWalk {
  const page = va >>> 12;
  let known = memo.get(page);
  if (known === undefined) {
    const result = walk(memory, ctx, va);
    known = { result, key: result.kind === 'translation' ? translationKey(result) : null };
    memo.set(page, known);
  }
  return known;
}
