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
import type { DataVariant, DataVariants } from './data-variants.ts';
import type { Outcome } from './outcome.ts';
import { pagingContext, type SpecState, withMemory } from './state.ts';
import { sameExceptMemory } from './state-equality.ts';
import { tablesOf } from './transition.ts';

const PAGE = 4096;

/** The concrete states a state stands for, in order. */
export function concreteStates(s: SpecState): SpecState[] {
  if (s.dataVariants === null) return [s];
  return s.dataVariants.variants.map((v) => withMemory(s, s.memory.withWords(v), null));
}

/**
 * The variant words by which the step's possible outcomes can tell the variants apart: words holding a
 * byte one of them reads on which variants differ, and variant words one of them writes. Empty: the step
 * may be worked out once for every variant.
 */
export function variantWordsTouched(s: SpecState, options: readonly Outcome[]): number[] {
  const v = s.dataVariants;
  if (v === null) return [];
  const touched = new Set<number>();
  for (const o of options) {
    for (const pa of o.reads) if (byteDiffers(s, v, pa)) touched.add(pa - (pa % 8));
    if (o.effects.writes !== null) for (const pa of o.effects.writes.pas) if (v.words.has(pa - (pa % 8))) touched.add(pa - (pa % 8));
  }
  return [...touched];
}

function byteDiffers(s: SpecState, v: DataVariants, pa: number): boolean {
  const word = pa - (pa % 8);
  if (!v.words.has(word)) return false;
  const shift = BigInt((pa - word) * 8);
  const byte = (s.memory.readWord(word) >> shift) & 0xffn;
  for (const variant of v.variants) {
    const value = variant.get(word);
    if (value !== undefined && ((value >> shift) & 0xffn) !== byte) return true;
  }
  return false;
}

/**
 * The state split by the values its variants hold at `words`: one state per distinct set of values, in
 * the order they first occur, with those words settled in its memory and its variants differing only
 * elsewhere (a concrete state if one variant is left). A step that tells variants apart only by those
 * words then sees one memory in each, and a few states replace one per variant.
 */
export function splitOn(s: SpecState, words: readonly number[]): SpecState[] {
  const v = s.dataVariants;
  if (v === null) return [s];
  const settled = new Set(words);
  const classes = new Map<string, DataVariant[]>();
  for (const variant of v.variants) {
    const key = words.map((w) => (variant.get(w) ?? s.memory.readWord(w)).toString(16)).join(',');
    const members = classes.get(key);
    if (members === undefined) classes.set(key, [variant]);
    else members.push(variant);
  }
  const rest = new Set([...v.words].filter((w) => !settled.has(w)));
  return [...classes.values()].map((members) => {
    const first = members[0] as DataVariant;
    const memory = s.memory.withWords(new Map(words.map((w) => [w, first.get(w) ?? s.memory.readWord(w)])));
    const remaining = members.map((m) => new Map([...m].filter(([w]) => !settled.has(w))));
    if (remaining.length === 1) return withMemory(s, memory.withWords(remaining[0] as DataVariant), null);
    return withMemory(s, memory, { words: rest, variants: remaining });
  });
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

const NO_DIFFERENCE: DataVariant = new Map();

/** A variant's words as text, in address order: equal variants have equal keys. */
function variantKey(v: DataVariant): string {
  return [...v].sort((a, b) => a[0] - b[0]).map(([w, value]) => `${w}=${value.toString(16)}`).join(',');
}

/**
 * The variants that make `base` (the group's first state) stand for every concrete state of the group,
 * each once, in order (state by state, then each state's own variants), or null past the limits. The
 * states must be the same except for memory and variants.
 */
function variantsOf(group: readonly SpecState[], limit: number): DataVariants | null {
  const base = group[0] as SpecState;
  const words = new Set<number>();
  const variants: DataVariant[] = [];
  const seen = new Set<string>();
  for (const st of group) {
    const differs = st === base ? [] : base.memory.differingWords(st.memory, MAX_VARIANT_WORDS);
    if (differs === null) return null;
    for (const own of st.dataVariants?.variants ?? [NO_DIFFERENCE]) {
      // The concrete state st.memory overlaid by `own`, as words where it differs from base's memory.
      const variant = new Map<number, bigint>();
      for (const w of differs) variant.set(w, st.memory.readWord(w));
      for (const [w, value] of own) variant.set(w, value);
      for (const [w, value] of variant) if (value === base.memory.readWord(w)) variant.delete(w);
      const key = variantKey(variant);
      if (seen.has(key)) continue;
      seen.add(key);
      variants.push(variant);
      for (const w of variant.keys()) words.add(w);
      if (variants.length > limit || words.size > MAX_VARIANT_WORDS) return null;
    }
  }
  return { words, variants };
}

/** Equal for states that are the same except for memory and variants (state-equality.ts, sameExceptMemory). */
function partsKey(s: SpecState): string {
  const r = s.registers;
  return `${r.cr0}:${r.cr3}:${r.cr4}:${r.efer}:${s.epochs.length}:${s.events.length}:${s.maySet.size}:${s.lastEpochIsCurrent}`;
}

/** The states in groups of states that are the same except for memory and variants, in order. */
function groupsOf(states: readonly SpecState[]): SpecState[][] {
  const groups: SpecState[][] = [];
  // A cheap key first: states with different keys are never the same except for memory.
  const byKey = new Map<string, SpecState[][]>();
  for (const st of states) {
    const key = partsKey(st);
    const candidates = byKey.get(key);
    const group = candidates?.find((g) => sameExceptMemory(g[0] as SpecState, st));
    if (group !== undefined) group.push(st);
    else {
      const created = [st];
      groups.push(created);
      if (candidates === undefined) byKey.set(key, [created]);
      else candidates.push(created);
    }
  }
  return groups;
}

/**
 * The states with those that differ only in data words kept as one state with variants, in order (each
 * concrete state once); each merged state stands for at most `limit` concrete states.
 */
export function mergeDataVariants(states: readonly SpecState[], limit: number): SpecState[] {
  if (states.length < 2) return [...states];
  const groups = groupsOf(states);
  if (groups.length === states.length) return [...states];
  const out: SpecState[] = [];
  for (const group of groups) {
    const base = group[0] as SpecState;
    const variants = group.length > 1 ? variantsOf(group, limit) : null;
    const merged: SpecState | null =
      variants === null
        ? null
        : variants.variants.length === 1
          ? withMemory(base, base.memory.withWords(variants.variants[0] as DataVariant), null)
          : withMemory(base, base.memory, variants);
    if (merged !== null && variantsHold(merged)) out.push(merged);
    else out.push(...group);
  }
  return out;
}
