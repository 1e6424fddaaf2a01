/**
 * The specification as a nondeterministic state machine: `outcomes` lists what a step may do, `advance`
 * applies the outcomes a machine's observation matched. When an observation matches several outcomes the
 * specification cannot tell which happened, so their required accessed/dirty updates become uncertain.
 */
import type { Step } from '../machine/trace.ts';
import { accessOutcomes } from './access.ts';
import { invlpgOutcome, mapStage2Outcome, movCrOutcome, writePhysOutcome } from './control.ts';
import type { Epoch, InvalidationEvent } from './invalidation.ts';
import type { BitUpdate, Effects, Outcome } from './outcome.ts';
import { tableFrames, touchesFrames } from './paging-structures.ts';
import { contextOfParts, pagingContext, type SpecState } from './state.ts';
import { sameState, stateFingerprint } from './state-equality.ts';
import type { PagingContext } from './walk.ts';

export function outcomes(s: SpecState, step: Step): Outcome[] {
  switch (step.op) {
    case 'load':
    case 'fetch':
    case 'store':
      return accessOutcomes(s, step);
    case 'mov-cr0':
    case 'mov-cr3':
    case 'mov-cr4':
      return [movCrOutcome(s, step)];
    case 'invlpg':
      return [invlpgOutcome(s, step)];
    case 'write-phys':
      return [writePhysOutcome(s, step)];
    case 'map-stage2':
      return [mapStage2Outcome(s, step)];
  }
}

/**
 * The uncertain bits after a step: copied only if the step changes them. Most steps do not, and the map
 * grows with every entry a faulting or cached walk touched, so copying it on every step was quadratic.
 */
function nextMaySet(s: SpecState, e: Effects, extra: readonly BitUpdate[]): ReadonlyMap<number, bigint> {
  let out: Map<number, bigint> | null = null;
  // A write of a word's low byte replaces whatever accessed/dirty bits the processor may have set.
  if (e.writes !== null && s.maySet.size > 0)
    for (const pa of e.writes.pas)
      if (pa % 8 === 0 && s.maySet.has(pa)) {
        out ??= new Map(s.maySet);
        out.delete(pa);
      }
  out = addMaySet(s.maySet, out, e.maySet);
  out = addMaySet(s.maySet, out, extra);
  return out ?? s.maySet;
}

/** Adds the updates' bits to `out`, a copy of `from` made the first time a bit is new. */
function addMaySet(from: ReadonlyMap<number, bigint>, out: Map<number, bigint> | null, updates: readonly BitUpdate[]): Map<number, bigint> | null {
  for (const u of updates) {
    const old = (out ?? from).get(u.pa) ?? 0n;
    if ((old | u.bits) === old) continue;
    out ??= new Map(from);
    out.set(u.pa, old | u.bits);
  }
  return out;
}

function changesContext(e: Effects): boolean {
  return e.writes !== null || e.registers !== null || e.pdptes !== null || e.stage2 !== null;
}

/** Paging-structure frames of a state's context, computed once for all states that share them. */
export function tablesOf(s: SpecState, ctx: PagingContext): ReadonlySet<number> {
  s.structures.frames ??= tableFrames(s.memory, ctx);
  return s.structures.frames;
}

/** The effects change memory outside the paging structures only: every translation stays as it was. */
function changesDataOnly(s: SpecState, ctx: PagingContext, e: Effects): boolean {
  return e.registers === null && e.pdptes === null && e.stage2 === null && e.writes !== null && !touchesFrames(tablesOf(s, ctx), e.writes.pas);
}

/**
 * Epochs whose translations no TLB can hold any more: after a MOV to CR3 (a non-global invalidation), an
 * epoch without global translations (CR4.PGE = 0 then, SDM 4.10.2.4) is gone; then the events older than
 * every remaining epoch can no longer remove anything (invalidation.ts: only events at or after an
 * epoch's end count).
 */
function prune(epochs: readonly Epoch[], events: readonly InvalidationEvent[]): { epochs: readonly Epoch[]; events: readonly InvalidationEvent[] } {
  // No event: nothing ended any epoch, and no event is too old to matter (the usual case; no copies).
  if (events.length === 0) return { epochs, events };
  let lastFlush = -1;
  for (let i = events.length - 1; i >= 0 && lastFlush < 0; i--) if ((events[i] as InvalidationEvent).invalidation.kind === 'non-global') lastFlush = (events[i] as InvalidationEvent).seq;
  const live = lastFlush < 0 ? epochs : epochs.filter((epoch) => epoch.paging.pge || epoch.endedAt > lastFlush);
  if (live.length === 0) return { epochs: [], events: [] };
  const oldest = (live[0] as Epoch).endedAt;
  let from = 0;
  while (from < events.length && (events[from] as InvalidationEvent).seq < oldest) from++;
  return { epochs: live.length === epochs.length ? epochs : live, events: from === 0 ? events : events.slice(from) };
}

/**
 * Whether the structure cache (context, frames, walks) stays valid: accessed/dirty updates and writes
 * outside the structures leave it as it was, and with paging off it holds nothing a write could change.
 */
function keepsStructures(ctx: PagingContext | null, e: Effects, dataOnly: boolean): boolean {
  if (e.registers !== null || e.pdptes !== null || e.stage2 !== null) return false;
  return ctx === null || dataOnly || e.writes === null;
}

export function apply(s: SpecState, e: Effects, extraMaySet: readonly BitUpdate[] = []): SpecState {
  let { seq, lastEpochIsCurrent } = s;
  let epochs: readonly Epoch[] = s.epochs;
  // A change of memory or registers ends the current epoch: its translations may live on in a TLB.
  const ctx = pagingContext(s);
  const dataOnly = ctx !== null && changesDataOnly(s, ctx, e);
  if (ctx !== null && changesContext(e)) {
    // The walks made in the context so far are the ended epoch's: same structures, same translations.
    const ended: Epoch = { memory: s.memory, paging: ctx, endedAt: seq, translations: s.structures.walks };
    // An epoch that translates exactly as the one ending now is dominated by it: it ended earlier, so
    // every invalidation that spares it spares the new one too.
    epochs = lastEpochIsCurrent ? [...epochs.slice(0, -1), ended] : [...epochs, ended];
    lastEpochIsCurrent = dataOnly;
    seq++;
  }
  let events: readonly InvalidationEvent[] = s.events;
  for (const invalidation of e.invalidations) {
    if (invalidation.kind === 'all') {
      // Nothing cached survives: forget the past.
      epochs = [];
      events = [];
    } else events = [...events, { seq, invalidation }];
    seq++;
  }
  const before = epochs;
  ({ epochs, events } = prune(epochs, events));
  if (epochs.length === 0 || epochs[epochs.length - 1] !== before[before.length - 1]) lastEpochIsCurrent = false;

  let memory = s.memory.setBitsAll(e.setBits);
  if (e.writes !== null) memory = memory.writeBytes(e.writes.pas, e.writes.bytes);
  const maySet = nextMaySet(s, e, extraMaySet);
  const registers = e.registers ?? s.registers;
  const pdptes = e.pdptes?.pdptes ?? s.pdptes;
  const pdptAddress = e.pdptes?.address ?? s.pdptAddress;
  const stage2 = e.stage2 === null ? s.stage2 : new Map([...s.stage2, [e.stage2.ipa, e.stage2.pa]]);
  let structures = s.structures;
  if (!keepsStructures(ctx, e, dataOnly)) {
    // The context left (or whose structures changed) is remembered, and the next one taken up again if
    // its structures are untouched since it was left (structure-caches.ts).
    s.caches.remember(s.structures, s.memory);
    structures = s.caches.recall(contextOfParts(registers, stage2, pdptes, pdptAddress, s.maxPhyAddr), memory);
  }
  // Nothing changed (a load whose accessed bits were set already): the state itself, not a copy of it.
  if (
    memory === s.memory &&
    maySet === s.maySet &&
    epochs === s.epochs &&
    events === s.events &&
    seq === s.seq &&
    lastEpochIsCurrent === s.lastEpochIsCurrent &&
    registers === s.registers &&
    pdptes === s.pdptes &&
    pdptAddress === s.pdptAddress &&
    stage2 === s.stage2 &&
    structures === s.structures
  )
    return s;

  return {
    maxPhyAddr: s.maxPhyAddr,
    memory,
    registers,
    pdptes,
    pdptAddress,
    stage2,
    epochs,
    lastEpochIsCurrent,
    events,
    seq,
    maySet,
    structures,
    caches: s.caches,
    dataVariants: s.dataVariants,
  };
}

/** The effects with no bit that must be set (an object literal in full: spreads copy slowly). */
function withoutSetBits(e: Effects): Effects {
  return { setBits: [], maySet: e.maySet, writes: e.writes, invalidations: e.invalidations, registers: e.registers, pdptes: e.pdptes, stage2: e.stage2 };
}

/** The states a step may lead to, given the outcomes that matched the machine's observation. */
export function advance(s: SpecState, matched: readonly Outcome[]): SpecState[] {
  if (matched.length === 1) return [apply(s, (matched[0] as Outcome).effects)];
  const uncertain = matched.flatMap((o) => [...o.effects.setBits, ...o.effects.maySet]);
  return matched.map((o) => apply(s, withoutSetBits(o.effects), uncertain));
}

/** Keeps one state per distinct key, in order, and at most `limit`. */
export function dedupe(states: readonly SpecState[], limit: number): SpecState[] {
  if (states.length <= 1) return [...states];
  const seen = new Map<string, SpecState[]>();
  const out: SpecState[] = [];
  for (const st of states) {
    const fingerprint = stateFingerprint(st);
    const alike = seen.get(fingerprint);
    if (alike?.some((other) => sameState(other, st))) continue;
    if (alike === undefined) seen.set(fingerprint, [st]);
    else alike.push(st);
    out.push(st);
    if (out.length === limit) break;
  }
  return out;
}
