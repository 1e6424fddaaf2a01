/**
 * What the architecture allows a TLB to still hold (SDM 4.10). The specification has no TLB; instead it
 * remembers every paging context it has been in (an epoch: memory and PDPTE registers between two
 * changes) and every invalidation since. A translation that was valid in some epoch may still be cached
 * ("stale") unless an invalidation that covers it happened after that epoch ended (SDM 4.10.2.3: a
 * processor may cache any translation that was valid, whether or not it was used; 4.10.4: what removes it).
 */
import type { PhysicalMemory } from './physical-memory.ts';
import type { PagingContext, Translation } from './walk.ts';
import { knownWalk, type WalkMemo } from './walk-memo.ts';

export type Invalidation =
  /** INVLPG, or a #PF on this address (SDM 4.10.4.1): entries whose page contains va. */
  | { readonly kind: 'page'; readonly va: number }
  /** INVLPG of an address the current structures map with a 2 or 4 MiB page: everything inside it. */
  | { readonly kind: 'region'; readonly base: number; readonly size: number }
  /** MOV to CR3 (SDM 4.10.4.1): every non-global entry. */
  | { readonly kind: 'non-global' }
  /** MOV to CR0 changing PG, MOV to CR4 changing PGE, PAE or PSE (SDM 4.10.4.1), a second-stage change: every entry. */
  | { readonly kind: 'all' };

export interface InvalidationEvent {
  readonly seq: number;
  readonly invalidation: Invalidation;
}

/** A past paging context; translations computed in it may survive in a TLB. */
export interface Epoch {
  readonly memory: PhysicalMemory;
  readonly paging: PagingContext;
  /** Sequence number at which the epoch ended; only invalidations at or after it remove its translations. */
  readonly endedAt: number;
  /**
   * The epoch's walks by linear 4 KiB page, as they are asked for. An epoch never changes, and the states
   * the specification follows at once share their epochs: without this, each of a few hundred states
   * walked each of dozens of epochs on every access. An epoch takes over the walks its context made while
   * it was current (transition.ts).
   */
  readonly translations: WalkMemo;
}

export function covers(inv: Invalidation, t: Translation): boolean {
  switch (inv.kind) {
    case 'all':
      return true;
    case 'non-global':
      return !t.global;
    case 'page':
      return t.pageBase <= inv.va && inv.va < t.pageBase + t.pageSize;
    case 'region':
      return t.pageBase < inv.base + inv.size && inv.base < t.pageBase + t.pageSize;
  }
}

export interface CachedTranslations {
  /** Translations of va that differ from the fresh walk's and that a TLB may still hold. */
  readonly stale: readonly Translation[];
  /**
   * Whether the fresh walk's own translation may already be cached from an earlier epoch. Then an access
   * may use the cached entry without walking, and need not set accessed or dirty bits that software
   * cleared in the meantime (SDM 4.8 and 4.10.4.3).
   */
  readonly freshCached: boolean;
}

function survives(epoch: Epoch, events: readonly InvalidationEvent[], t: Translation): boolean {
  return !events.some((e) => e.seq >= epoch.endedAt && covers(e.invalidation, t));
}

const NOTHING_CACHED: CachedTranslations = { stale: [], freshCached: false };

/** What a TLB may hold for va: past epochs' translations that no later invalidation covers. */
export function cachedTranslations(
  epochs: readonly Epoch[],
  events: readonly InvalidationEvent[],
  va: number,
  freshKey: string | null,
): CachedTranslations {
  // No past epoch (the usual case between two changes of context): nothing to allocate.
  if (epochs.length === 0) return NOTHING_CACHED;
  // Keys of the translations found so far: an epoch or two, so a list is cheaper than a set.
  const seen: string[] = [];
  const stale: Translation[] = [];
  let freshCached = false;
  for (const epoch of epochs) {
    const { result: t, key } = knownWalk(epoch.translations, epoch.memory, epoch.paging, va);
    if (key === null || t.kind !== 'translation') continue;
    if (seen.includes(key) || !survives(epoch, events, t)) continue;
    seen.push(key);
    if (key === freshKey) freshCached = true;
    else stale.push(t);
  }
  return { stale, freshCached };
}
