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
import { pagingContext, type SpecState, stateKey } from './state.ts';

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

function mergeBits(into: Map<number, bigint>, updates: readonly BitUpdate[]): void {
  for (const u of updates) into.set(u.pa, (into.get(u.pa) ?? 0n) | u.bits);
}

function changesContext(e: Effects): boolean {
  return e.writes !== null || e.registers !== null || e.pdptes !== null || e.stage2 !== null;
}

export function apply(s: SpecState, e: Effects, extraMaySet: readonly BitUpdate[] = []): SpecState {
  let { seq } = s;
  let epochs: readonly Epoch[] = s.epochs;
  // A change of memory or registers ends the current epoch: its translations may live on in a TLB.
  const ctx = pagingContext(s);
  if (ctx !== null && changesContext(e)) {
    epochs = [...epochs, { memory: s.memory, paging: ctx, endedAt: seq }];
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
  if (epochs.length === 0) events = [];

  let memory = s.memory;
  for (const u of e.setBits) memory = memory.setBits(u.pa, u.bits);
  const maySet = new Map(s.maySet);
  if (e.writes !== null) {
    memory = memory.writeBytes(e.writes.pas, e.writes.bytes);
    // A write of a word's low byte replaces whatever accessed/dirty bits the processor may have set.
    for (const pa of e.writes.pas) if (pa % 8 === 0) maySet.delete(pa);
  }
  mergeBits(maySet, e.maySet);
  mergeBits(maySet, extraMaySet);

  return {
    ...s,
    memory,
    registers: e.registers ?? s.registers,
    pdptes: e.pdptes?.pdptes ?? s.pdptes,
    pdptAddress: e.pdptes?.address ?? s.pdptAddress,
    stage2: e.stage2 === null ? s.stage2 : new Map([...s.stage2, [e.stage2.ipa, e.stage2.pa]]),
    epochs,
    events,
    seq,
    maySet,
  };
}

/** The states a step may lead to, given the outcomes that matched the machine's observation. */
export function advance(s: SpecState, matched: readonly Outcome[]): SpecState[] {
  if (matched.length === 1) return [apply(s, (matched[0] as Outcome).effects)];
  const uncertain = matched.flatMap((o) => [...o.effects.setBits, ...o.effects.maySet]);
  return matched.map((o) => apply(s, { ...o.effects, setBits: [] }, uncertain));
}

/** Keeps one state per distinct key, in order, and at most `limit`. */
export function dedupe(states: readonly SpecState[], limit: number): SpecState[] {
  if (states.length <= 1) return [...states];
  const seen = new Set<string>();
  const out: SpecState[] = [];
  for (const st of states) {
    const key = stateKey(st);
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(st);
    if (out.length === limit) break;
  }
  return out;
}
