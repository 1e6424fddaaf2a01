/**
 * When two specification states are the same, so that the runner follows one of them (transition.ts,
 * dedupe). States reached by different choices often share most of their parts, so parts are compared
 * by identity first and by content only when they are different objects; a cheap fingerprint sorts out
 * most pairs that differ without comparing anything. The sequence counter is left out on purpose: epochs
 * and events are compared by their sequence numbers, and only their order relative to each other and to
 * future events matters.
 */
import type { Epoch, Invalidation, InvalidationEvent } from './invalidation.ts';
import type { PagingContext } from './walk.ts';
import type { SpecState } from './state.ts';

/** Equal states have equal fingerprints. */
export function stateFingerprint(s: SpecState): string {
  const r = s.registers;
  return `${s.memory.hash}:${s.memory.size}:${r.cr0}:${r.cr3}:${r.cr4}:${r.efer}:${s.epochs.length}:${s.events.length}:${s.maySet.size}:${s.dataVariants?.variants.length ?? 1}`;
}

function sameList<T>(a: readonly T[], b: readonly T[], same: (x: T, y: T) => boolean): boolean {
  if (a === b) return true;
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (!same(a[i] as T, b[i] as T)) return false;
  return true;
}

function sameMap<K, V>(a: ReadonlyMap<K, V>, b: ReadonlyMap<K, V>): boolean {
  if (a === b) return true;
  if (a.size !== b.size) return false;
  for (const [k, v] of a) if (b.get(k) !== v) return false;
  return true;
}

const sameBigInts = (a: readonly bigint[], b: readonly bigint[]): boolean => sameList(a, b, (x, y) => x === y);

function samePaging(a: PagingContext, b: PagingContext): boolean {
  return (
    a === b ||
    (a.mode === b.mode &&
      a.cr3 === b.cr3 &&
      a.pse === b.pse &&
      a.pdptAddress === b.pdptAddress &&
      a.maxPhyAddr === b.maxPhyAddr &&
      a.nxe === b.nxe &&
      a.pge === b.pge &&
      sameBigInts(a.pdptes, b.pdptes) &&
      sameMap(a.stage2, b.stage2))
  );
}

function sameEpoch(a: Epoch, b: Epoch): boolean {
  return a === b || (a.endedAt === b.endedAt && samePaging(a.paging, b.paging) && a.memory.equals(b.memory));
}

function sameInvalidation(a: Invalidation, b: Invalidation): boolean {
  if (a.kind !== b.kind) return false;
  if (a.kind === 'page' && b.kind === 'page') return a.va === b.va;
  if (a.kind === 'region' && b.kind === 'region') return a.base === b.base && a.size === b.size;
  return true;
}

function sameEvent(a: InvalidationEvent, b: InvalidationEvent): boolean {
  return a === b || (a.seq === b.seq && sameInvalidation(a.invalidation, b.invalidation));
}

/** Same state, memory and data variants aside (variant-states.ts merges states that differ only there). */
export function sameExceptMemory(a: SpecState, b: SpecState): boolean {
  const r = a.registers;
  const q = b.registers;
  return (
    r.cr0 === q.cr0 &&
    r.cr3 === q.cr3 &&
    r.cr4 === q.cr4 &&
    r.efer === q.efer &&
    a.pdptAddress === b.pdptAddress &&
    a.lastEpochIsCurrent === b.lastEpochIsCurrent &&
    sameBigInts(a.pdptes, b.pdptes) &&
    sameMap(a.stage2, b.stage2) &&
    sameMap(a.maySet, b.maySet) &&
    sameList(a.events, b.events, sameEvent) &&
    sameList(a.epochs, b.epochs, sameEpoch)
  );
}

/**
 * Same state. Data variants count as the same only when shared: comparing the sets of concrete states
 * they stand for is left to the merge (keeping two equal states costs speed, never exactness).
 */
export function sameState(a: SpecState, b: SpecState): boolean {
  return a.dataVariants === b.dataVariants && sameExceptMemory(a, b) && a.memory.equals(b.memory);
}
