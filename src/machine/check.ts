/**
 * The runner: executes a trace on a machine, replays the walk-level specification beside it, and returns
 * the first divergence with an explanation (the walk the specification took, entry by entry, and what the
 * machine returned instead).
 */
import { hexFromBigInt, isHex64 } from '../arch/word.ts';
import type { Outcome, OutcomeTags, WalkTrace } from '../spec/outcome.ts';
import { concreteStates, mergeDataVariants, splitOn, variantsHold, variantWordsTouched } from '../spec/variant-states.ts';
import { type SpecState, initialState, withoutMemos } from '../spec/state.ts';
import { advance, dedupe, outcomes } from '../spec/transition.ts';
import { formatStep, hexPhys } from './format.ts';
import type { Divergence, MemoryDifference } from './divergence.ts';
import type { Machine } from './machine.ts';
import { describeObservation, type MachineResult, type Observation, observationsEqual } from './observation.ts';
import type { Step, Trace } from './trace.ts';
import { finalMemoryDifferences } from './final-memory.ts';

/**
 * Bound on the specification states followed at once. States fork only when a store may have gone
 * through a stale translation to one of several frames. Past the bound the comparison is no longer exact,
 * so a later mismatch is reported as inconclusive rather than as a divergence (never a false finding).
 */
export const MAX_STATES = 256;

/** Why a case was decided neither way, as every report and message says it. */
export const UNDECIDED = `the specification's bound of ${MAX_STATES} followed states was reached, then a mismatch`;

export interface CheckResult {
  readonly divergence: Divergence | null;
  /** True when the state bound was reached and a mismatch followed: neither a pass nor a finding. */
  readonly inconclusive: boolean;
  readonly result: MachineResult | null;
  /** Tags of the outcomes that matched, one list per step (for domain coverage). */
  readonly tags: readonly OutcomeTags[];
}

/** What compare() found. */
export interface Comparison {
  readonly divergence: Divergence | null;
  readonly tags: OutcomeTags[];
  readonly inconclusive: boolean;
  /**
   * The step after which the states were cut to MAX_STATES (null: never). Steps up to it were judged
   * exactly; past it a mismatch is only inconclusive.
   */
  readonly boundedAfter: number | null;
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

/** Compares a machine's result with the specification, step by step, then the final memory. */
export function compare(trace: Trace, result: MachineResult): Comparison {
  let states: SpecState[] = [initialState(trace)];
  const tags: OutcomeTags[] = [];
  let bounded = false;
  let boundedAfter: number | null = null;
  for (let i = 0; i < trace.steps.length; i++) {
    const step = trace.steps[i] as Step;
    const observed = result.observations[i] as Observation;
    const next: SpecState[] = [];
    for (const s of states) {
      const matched = follow(s, step, observed, next);
      if (matched.length > 0 && tags.length === i) tags.push((matched[0] as Outcome).tags);
    }
    if (next.length === 0 && bounded) return { divergence: null, tags, inconclusive: true, boundedAfter };
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
        boundedAfter,
      };
    }
    states = mergeDataVariants(dedupe(next, MAX_STATES + 1), MAX_STATES);
    if (concreteCount(states) > MAX_STATES) {
      if (!bounded) boundedAfter = i;
      bounded = true;
      states = states.flatMap(concreteStates).slice(0, MAX_STATES);
    }
  }
  const diffs = finalMemoryDifferences(everyConcreteState(states), result.memory);
  if (diffs === null) return { divergence: null, tags, inconclusive: false, boundedAfter };
  if (bounded) return { divergence: null, tags, inconclusive: true, boundedAfter };
  return {
    divergence: divergence(
      { kind: 'final-memory', stepIndex: null, step: null, observed: null, allowed: [], walks: [], memory: diffs },
      explainMemory(diffs),
    ),
    tags,
    inconclusive: false,
    boundedAfter,
  };
}

export type { Divergence, DivergenceKind, MemoryDifference } from './divergence.ts';
