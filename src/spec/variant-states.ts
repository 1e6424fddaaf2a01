/**
 * When a state keeps data variants (data-variants.ts), and how it splits into its concrete states.
 *
 * A state with variants stands for one concrete state per variant: its memory overlaid by the variant's
 * words. Every other part (registers, epochs, events, uncertain bits) is shared, so a step may be worked
 * out once on the shared memory as long as it cannot tell the variants apart. That holds while every
 * variant word
 *   - lies outside the frames of the current context's paging structures (paging-structures.ts), so no
 *     walk reads it (epochs ended while the variants existed had the same frames or others checked the
 *     same way; epochs ended before were never written by the variants),
 *   - holds no bit the processor may or may not have set (maySet), and
 *   - is not written by the step (Effects.writes), and no byte the step reads as data (Outcome.reads)
 *     differs between variants.
 * When a step breaks one of these, the state is split first and the step runs on each concrete state,
 * exactly as if the variants had never been merged.
 */
import { combineVariants, type DataVariant, type DataVariants, touchesVariantWords } from './data-variants.ts';
import type { Outcome } from './outcome.ts';
import { pagingContext, type SpecState } from './state.ts';
import { sameExceptMemory } from './state-equality.ts';
import { tablesOf } from './transition.ts';

const PAGE = 4096;

/** The concrete states a state stands for, in order. */
export function concreteStates(s: SpecState): SpecState[] {
  if (s.dataVariants === null) return [s];
  return s.dataVariants.variants.map((v) => ({ ...s, memory: s.memory.withWords(v), dataVariants: null }));
}

/**
 * Whether the step's possible outcomes can tell the variants apart: one reads a byte on which variants
 * differ, or writes a variant word.
 */
export function outcomesTouchVariants(s: SpecState, options: readonly Outcome[]): boolean {
  const v = s.dataVariants;
  if (v === null) return false;
  for (const o of options) {
    if (readsDifferingByte(s, v, o.reads)) return true;
    if (o.effects.writes !== null && touchesVariantWords(v, o.effects.writes.pas)) return true;
  }
  return false;
}

function readsDifferingByte(s: SpecState, v: DataVariants, pas: readonly number[]): boolean {
  for (const pa of pas) {
    const word = pa - (pa % 8);
    if (!v.words.has(word)) continue;
    const shift = BigInt((pa - word) * 8);
    const byte = (s.memory.readWord(word) >> shift) & 0xffn;
    for (const variant of v.variants) {
      const value = variant.get(word);
      if (value !== undefined && ((value >> shift) & 0xffn) !== byte) return true;
    }
  }
  return false;
}

/** Whether the state may keep its variants after a step: no variant word is a structure or uncertain word. */
export function variantsHold(s: SpecState): boolean {
  const v = s.dataVariants;
  if (v === null) return true;
  const ctx = pagingContext(s);
  const frames = ctx === null ? null : tablesOf(s, ctx);
  for (const w of v.words) {
    if (s.maySet.has(w)) return false;
    if (frames !== null && frames.has(w - (w % PAGE))) return false;
  }
  return true;
}

/** Beyond this many differing words, two states are kept apart: comparing them would cost more. */
const MAX_VARIANT_WORDS = 64;

/**
 * The variants that make `base` stand for itself and `others` too, or null if they differ in anything
 * but memory or share no variants. Each member's memory differs from base's only at `words`.
 */
function variantsOf(base: SpecState, others: readonly SpecState[]): DataVariants | null {
  const words = new Set<number>();
  for (const st of others) {
    const differs = base.memory.differingWords(st.memory, MAX_VARIANT_WORDS);
    if (differs === null) return null;
    for (const w of differs) words.add(w);
  }
  if (words.size > MAX_VARIANT_WORDS) return null;
  const variants: DataVariant[] = [new Map()];
  for (const st of others) {
    const differs = new Map<number, bigint>();
    for (const w of words) {
      const value = st.memory.readWord(w);
      if (value !== base.memory.readWord(w)) differs.set(w, value);
    }
    variants.push(differs);
  }
  return { words, variants };
}

/** Equal for states that are the same except for memory (state-equality.ts, sameExceptMemory). */
function partsKey(s: SpecState): string {
  const r = s.registers;
  return `${r.cr0}:${r.cr3}:${r.cr4}:${r.efer}:${s.epochs.length}:${s.events.length}:${s.maySet.size}:${s.lastEpochIsCurrent}:${s.dataVariants?.variants.length ?? 0}`;
}

/**
 * The states with those that differ only in data words kept as one state with variants, in order; each
 * merged state stands for at most `limit` concrete states. States that share their variants (the
 * successors of one state with variants) merge with the combination of both.
 */
export function mergeDataVariants(states: readonly SpecState[], limit: number): SpecState[] {
  if (states.length < 2) return [...states];
  const groups: SpecState[][] = [];
  // A cheap key first: states with different keys are never the same except for memory.
  const byKey = new Map<string, SpecState[][]>();
  for (const st of states) {
    const key = partsKey(st);
    const candidates = byKey.get(key);
    const group = candidates?.find((g) => sameExceptMemory(g[0] as SpecState, st));
    if (group !== undefined) group.push(st);
    else {
      groups.push([st]);
      if (candidates === undefined) byKey.set(key, [groups[groups.length - 1] as SpecState[]]);
      else candidates.push(groups[groups.length - 1] as SpecState[]);
    }
  }
  if (groups.length === states.length) return [...states];
  const out: SpecState[] = [];
  for (const group of groups) {
    const base = group[0] as SpecState;
    const fork = group.length > 1 ? variantsOf(base, group.slice(1)) : null;
    const shared = base.dataVariants;
    const combined = fork === null || (shared !== null && [...fork.words].some((w) => shared.words.has(w))) ? null : shared === null ? fork : combineVariants(shared, fork);
    const merged: SpecState | null = combined === null || combined.variants.length > limit ? null : { ...base, dataVariants: combined };
    if (merged !== null && variantsHold(merged)) out.push(merged);
    else out.push(...group);
  }
  return out;
}
