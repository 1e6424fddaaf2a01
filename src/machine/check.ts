/**
 * The runner: executes a trace on a machine, replays the walk-level specification beside it, and returns
 * the first divergence with an explanation (the walk the specification took, entry by entry, and what the
 * machine returned instead).
 */
import { hexFromBigInt, type Hex64 } from '../arch/word.ts';
import type { Outcome, OutcomeTags, WalkTrace } from '../spec/outcome.ts';
import { concreteStates, mergeDataVariants, splitOn, variantsHold, variantWordsTouched } from '../spec/variant-states.ts';
import { type SpecState, initialState, withoutMemos } from '../spec/state.ts';
import { advance, dedupe, outcomes } from '../spec/transition.ts';
import { formatStep, hexPhys } from './format.ts';
import type { Divergence, MemoryDifference } from './divergence.ts';
import type { Machine } from './machine.ts';
import { describeObservation, type MachineResult, type Observation, observationsEqual } from './observation.ts';
import type { MemoryWord, Step, Trace } from './trace.ts';
import { bigIntFromHex, isHex64 } from '../arch/word.ts';
import { PAGE_4K } from '../arch/entry-layout.ts';
import type { FrameWords } from '../spec/frame-words.ts';

/**
 * Bound on the specification states followed at once. States fork only when a store may have gone
 * through a stale translation to one of several frames. Past the bound the comparison is no longer exact,
 * so a later mismatch is reported as inconclusive rather than as a divergence (never a false finding).
 */
export const MAX_STATES = 256;

export interface CheckResult {
  readonly divergence: Divergence | null;
  /** True when the state bound was reached and a mismatch followed: neither a pass nor a finding. */
  readonly inconclusive: boolean;
  readonly result: MachineResult | null;
  /** Tags of the outcomes that matched, one list per step (for domain coverage). */
  readonly tags: readonly OutcomeTags[];
}

function divergence(d: Omit<Divergence, 'explanation'>, explanation: string): Divergence {
  return { ...d, explanation };
}

function machineError(kind: 'malformed-result' | 'machine-error', message: string): Divergence {
  return divergence({ kind, stepIndex: null, step: null, observed: null, allowed: [], walks: [], memory: [] }, message);
}

function wellFormed(result: unknown, steps: number): string | null {
  if (typeof result !== 'object' || result === null) return 'the machine returned no result object';
  const r = result as Partial<MachineResult>;
  if (!Array.isArray(r.observations)) return 'the machine returned no observations array';
  if (r.observations.length !== steps) return `the machine returned ${r.observations.length} observations for ${steps} steps`;
  if (!Array.isArray(r.memory)) return 'the machine returned no final memory array';
  for (const o of r.observations as unknown[]) {
    const kind = (o as { kind?: unknown } | null)?.kind;
    if (!['value', 'done', 'page-fault', 'general-protection'].includes(kind as string)) return `malformed observation ${JSON.stringify(o)}`;
    if (kind === 'value' && !isHex64((o as { value?: unknown }).value)) return `malformed value in ${JSON.stringify(o)}`;
  }
  for (const w of r.memory as unknown[]) if (!isHex64((w as { value?: unknown } | null)?.value)) return `malformed memory word ${JSON.stringify(w)}`;
  return null;
}

export function formatWalk(w: WalkTrace): string {
  const lines = [`  ${w.source} walk of ${'0x' + w.va.toString(16).padStart(8, '0')}:`];
  for (const e of w.entries) lines.push(`    ${e.level.padEnd(5)} [${hexPhys(e.pa)}] = ${hexFromBigInt(e.value)}   ${e.rule}`);
  lines.push(`    => ${w.verdict}`);
  return lines.join('\n');
}

function explainStep(index: number, step: Step, observed: Observation, allowed: Observation[], walks: WalkTrace[]): string {
  return [
    `step ${index}: ${formatStep(step)}`,
    `  machine returned: ${describeObservation(observed)}`,
    `  specification allows: ${allowed.map(describeObservation).join('  or  ')}`,
    ...walks.map(formatWalk),
  ].join('\n');
}

function uniqueObservations(list: Observation[]): Observation[] {
  return list.filter((o, i) => list.findIndex((p) => observationsEqual(o, p)) === i);
}

/** The machine's final memory as words by address (absent words are zero). */
function finalWords(observed: readonly { pa: number; value: Hex64 }[]): Map<number, bigint> {
  const words = new Map<number, bigint>();
  for (const w of observed) words.set(w.pa, bigIntFromHex(w.value));
  return words;
}

/** Whether the machine's word may be the specification's: equal, or with uncertain bits set (SDM 4.8). */
function wordMatches(expected: bigint, got: bigint, uncertain: bigint): boolean {
  const diff = expected ^ got;
  // An uncertain bit may be set by the machine, never cleared: the flags are sticky.
  return (diff & ~uncertain) === 0n && (diff & expected) === 0n;
}

/** Whether the final memory matches the state's, word for word (the usual case, without sorting anything). */
function memoryMatches(s: SpecState, actual: ReadonlyMap<number, bigint>): boolean {
  let nonZeroSeen = 0;
  for (const [pa, got] of actual) {
    const expected = s.memory.readWord(pa);
    if (expected !== 0n) nonZeroSeen++;
    if (!wordMatches(expected, got, s.maySet.get(pa) ?? 0n)) return false;
  }
  // A non-zero word of the specification's that the machine did not list is one the machine has as zero.
  return nonZeroSeen === s.memory.size;
}

/**
 * The words where the final memory cannot be the state's, in address order, read from the machine's list
 * as it is, without building a map: only when the addresses are strictly ascending (each once, as the
 * contract asks) and every non-zero word of the state's is listed. Null otherwise: then the map decides (a
 * later word at the same address replaces an earlier one; a word left out is a zero).
 */
function listedDifferences(s: SpecState, listed: readonly MemoryWord[]): MemoryDifference[] | null {
  const diffs: MemoryDifference[] = [];
  let previous = -1;
  let nonZeroSeen = 0;
  // Words in address order come frame by frame: each frame is looked up once.
  let frameBase = -1;
  let frame: FrameWords | undefined;
  for (const w of listed) {
    if (w.pa <= previous) return null;
    previous = w.pa;
    const base = w.pa - (w.pa % PAGE_4K);
    if (base !== frameBase) {
      frameBase = base;
      frame = s.memory.frame(base);
    }
    const expected = frame?.get(w.pa) ?? 0n;
    const got = bigIntFromHex(w.value);
    if (expected !== 0n) nonZeroSeen++;
    if (got === expected) continue;
    const uncertain = s.maySet.get(w.pa) ?? 0n;
    if (!wordMatches(expected, got, uncertain)) diffs.push(memoryDifference(w.pa, expected, got, uncertain));
  }
  return nonZeroSeen === s.memory.size ? diffs : null;
}

/**
 * Visits each word where the final memory does not match the state's, in no particular order, until
 * `visit` returns false.
 */
function eachDifference(s: SpecState, actual: ReadonlyMap<number, bigint>, visit: (pa: number, expected: bigint, got: bigint, uncertain: bigint) => boolean): void {
  const differs = (pa: number, expected: bigint, got: bigint): boolean => {
    if (expected === got) return false;
    const uncertain = s.maySet.get(pa) ?? 0n;
    return !wordMatches(expected, got, uncertain) && !visit(pa, expected, got, uncertain);
  };
  let nonZeroSeen = 0;
  for (const [pa, got] of actual) {
    const expected = s.memory.readWord(pa);
    if (expected !== 0n) nonZeroSeen++;
    if (differs(pa, expected, got)) return;
  }
  // Every non-zero word of the state's was in the machine's list (the usual case): none is missing.
  if (nonZeroSeen === s.memory.size) return;
  for (const pa of s.memory.addresses()) if (!actual.has(pa) && differs(pa, s.memory.readWord(pa), 0n)) return;
}

function memoryDifference(pa: number, expected: bigint, got: bigint, uncertain: bigint): MemoryDifference {
  return { pa, expected: hexFromBigInt(expected), observed: hexFromBigInt(got), uncertain: hexFromBigInt(uncertain) };
}

function memoryDifferences(s: SpecState, actual: ReadonlyMap<number, bigint>): MemoryDifference[] {
  const diffs: MemoryDifference[] = [];
  eachDifference(s, actual, (pa, expected, got, uncertain) => {
    diffs.push(memoryDifference(pa, expected, got, uncertain));
    return true;
  });
  return diffs.sort((a, b) => a.pa - b.pa);
}

/** Whether the final memory's word at pa cannot be the state's. */
function wordDiffers(s: SpecState, actual: ReadonlyMap<number, bigint>, pa: number): boolean {
  return !wordMatches(s.memory.readWord(pa), actual.get(pa) ?? 0n, s.maySet.get(pa) ?? 0n);
}

/** Beyond this many words where two states' memories differ, a state's differences are counted afresh. */
const RELATIVE_COUNT_WORDS = 256;

/**
 * The number of words where the final memory cannot be the state's, or a number at least `bound` if there
 * are that many. Relative to a state whose count is known when both share their uncertain bits: only the
 * words where their memories differ (few, found through the memories' shared frames) are looked at.
 */
function differenceCount(s: SpecState, actual: ReadonlyMap<number, bigint>, bound: number, known: { state: SpecState; count: number }): number {
  const words = known.state.maySet === s.maySet ? known.state.memory.differingWords(s.memory, RELATIVE_COUNT_WORDS) : null;
  if (words !== null) {
    let count = known.count;
    for (const pa of words) count += (wordDiffers(s, actual, pa) ? 1 : 0) - (wordDiffers(known.state, actual, pa) ? 1 : 0);
    return count;
  }
  let count = 0;
  // Counting stops as soon as the state cannot be closer than the best so far.
  eachDifference(s, actual, () => ++count < bound);
  return count;
}

/**
 * The differences from the state closest to the final memory (fewest words that cannot be the state's,
 * the first of equals), or null when one state matches. The first state is compared in full, the others
 * counted relative to it.
 */
function closestDifferences(finals: readonly SpecState[], actual: ReadonlyMap<number, bigint>): MemoryDifference[] | null {
  const first = finals[0];
  if (first === undefined) return [];
  const firstDifferences = memoryDifferences(first, actual);
  const known = { state: first, count: firstDifferences.length };
  let best = known;
  for (const s of finals.slice(1)) {
    if (best.count === 0) break;
    const count = differenceCount(s, actual, best.count, known);
    if (count < best.count) best = { state: s, count };
  }
  if (best.count === 0) return null;
  return best.state === first ? firstDifferences : memoryDifferences(best.state, actual);
}

function explainMemory(diffs: readonly MemoryDifference[]): string {
  return [
    `final memory differs in ${diffs.length} word(s) (accessed/dirty bits, or data):`,
    ...diffs.slice(0, 8).map((d) => `  [${hexPhys(d.pa)}] machine ${d.observed}, specification ${d.expected}${d.uncertain !== '0x0' ? ` (bits ${d.uncertain} free to be set)` : ''}`),
  ].join('\n');
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * Runs `trace` on `machine` and compares it with the specification. Never throws for machine misbehaviour.
 * The machine gets a copy of the trace (one that edits its input must not change what it is judged
 * against), and its result is read once into plain data (a getter that throws, or something that is not
 * data, is a malformed result, not a failure of xlatcheck).
 */
export async function checkTrace(machine: Machine, trace: Trace): Promise<CheckResult> {
  let raw: unknown;
  try {
    raw = await machine.run(structuredClone(trace));
  } catch (error) {
    return { divergence: machineError('machine-error', `machine ${machine.name} threw: ${messageOf(error)}`), result: null, tags: [], inconclusive: false };
  }
  let result: MachineResult;
  try {
    result = structuredClone(raw) as MachineResult;
  } catch (error) {
    const problem = `the machine's result cannot be read as plain data: ${messageOf(error)}`;
    return { divergence: machineError('malformed-result', problem), result: null, tags: [], inconclusive: false };
  }
  const problem = wellFormed(result, trace.steps.length);
  if (problem !== null) return { divergence: machineError('malformed-result', problem), result: null, tags: [], inconclusive: false };
  return { ...compare(trace, result), result };
}

/**
 * Follows one state through a step: appends the states it may lead to, given the observation, to `next`
 * and returns the outcomes that matched (of its first concrete state that matched, if it was split). A
 * state with data variants is worked out once unless the step can tell its variants apart
 * (variant-states.ts).
 */
function follow(s: SpecState, step: Step, observed: Observation, next: SpecState[]): readonly Outcome[] {
  const options = outcomes(s, step);
  const touched = variantWordsTouched(s, options);
  if (touched.length > 0) return followEach(splitOn(s, touched), step, observed, next);
  const matched = options.filter((o) => observationsEqual(o.observation, observed));
  const after = advance(s, matched);
  if (s.dataVariants !== null && !after.every(variantsHold)) return followEach(concreteStates(s), step, observed, next);
  next.push(...after);
  return matched;
}

function followEach(states: readonly SpecState[], step: Step, observed: Observation, next: SpecState[]): readonly Outcome[] {
  let first: readonly Outcome[] = [];
  for (const c of states) {
    const matched = follow(c, step, observed, next);
    if (first.length === 0) first = matched;
  }
  return first;
}

/** The concrete states the states stand for, each once (a variant may equal another state). */
function everyConcreteState(states: readonly SpecState[]): SpecState[] {
  return dedupe(states.flatMap(concreteStates), Number.POSITIVE_INFINITY);
}

function concreteCount(states: readonly SpecState[]): number {
  let n = 0;
  for (const s of states) n += s.dataVariants?.variants.length ?? 1;
  return n;
}

/**
 * The differences from the state closest to the final memory, or null when one state matches, through a
 * map of the machine's words; `checkFirst`: the first state was not compared with the list as it is.
 */
function finalDifferences(finals: readonly SpecState[], listed: readonly MemoryWord[], checkFirst: boolean): MemoryDifference[] | null {
  const actual = finalWords(listed);
  if (checkFirst && finals.length > 0 && memoryMatches(finals[0] as SpecState, actual)) return null;
  return closestDifferences(finals, actual);
}

/** Compares a machine's result with the specification, step by step, then the final memory. */
export function compare(trace: Trace, result: MachineResult): { divergence: Divergence | null; tags: OutcomeTags[]; inconclusive: boolean } {
  let states: SpecState[] = [initialState(trace)];
  const tags: OutcomeTags[] = [];
  let bounded = false;
  for (let i = 0; i < trace.steps.length; i++) {
    const step = trace.steps[i] as Step;
    const observed = result.observations[i] as Observation;
    const next: SpecState[] = [];
    for (const s of states) {
      const matched = follow(s, step, observed, next);
      if (matched.length > 0 && tags.length === i) tags.push((matched[0] as Outcome).tags);
    }
    if (next.length === 0 && bounded) return { divergence: null, tags, inconclusive: true };
    if (next.length === 0) {
      // What was allowed is gathered only now: on every step that matches, it would be thrown away.
      const options = everyConcreteState(states).flatMap((s) => outcomes(withoutMemos(s), step));
      const allowed = options.map((o) => o.observation);
      const walks = options.flatMap((o) => o.walks);
      const allowedUnique = uniqueObservations(allowed);
      const walksShown = walks.slice(0, 6);
      return {
        divergence: divergence(
          { kind: 'observation', stepIndex: i, step, observed, allowed: allowedUnique, walks: walksShown, memory: [] },
          explainStep(i, step, observed, allowedUnique, walksShown),
        ),
        tags,
        inconclusive: false,
      };
    }
    states = mergeDataVariants(dedupe(next, MAX_STATES + 1), MAX_STATES);
    if (concreteCount(states) > MAX_STATES) {
      bounded = true;
      states = states.flatMap(concreteStates).slice(0, MAX_STATES);
    }
  }
  const finals = everyConcreteState(states);
  // The usual case first: the first state matches, found without counting or sorting anything.
  const first = finals[0];
  const listed = first === undefined ? null : listedDifferences(first, result.memory);
  if (listed !== null && listed.length === 0) return { divergence: null, tags, inconclusive: false };
  // Several states, or a list out of order or without some word: through a map, the closest state.
  const diffs = listed !== null && finals.length === 1 ? listed : finalDifferences(finals, result.memory, listed === null);
  if (diffs === null) return { divergence: null, tags, inconclusive: false };
  if (bounded) return { divergence: null, tags, inconclusive: true };
  return {
    divergence: divergence(
      { kind: 'final-memory', stepIndex: null, step: null, observed: null, allowed: [], walks: [], memory: diffs },
      explainMemory(diffs),
    ),
    tags,
    inconclusive: false,
  };
}

export type { Divergence, DivergenceKind, MemoryDifference } from './divergence.ts';
