/**
 * The side-by-side view of a divergence: the machine's observation at the first diverging step beside
 * the observations the specification allows and the walks behind them. Built from the live divergence
 * (while walk entries are still bigints that formatWalk can render); families whose details have another
 * shape get an empty comparison and are explained by their text alone.
 */
import { formatWalk } from '../machine/check.ts';
import { formatStep, hexPhys } from '../machine/format.ts';
import { describeObservation, type Observation } from '../machine/observation.ts';
import type { Step } from '../machine/trace.ts';
import type { WalkTrace } from '../spec/outcome.ts';
import type { FamilyDivergence } from '../properties/family.ts';
import type { Comparison } from './finding.ts';
import { toPlainJson } from './plain-json.ts';

export const EMPTY_COMPARISON: Comparison = {
  step: null,
  stepText: null,
  observed: null,
  observedText: null,
  expected: [],
  expectedText: [],
  walks: [],
};

interface StepDetails {
  readonly stepIndex: number | null;
  readonly step: Step | null;
  readonly observed: Observation | null;
  readonly allowed: readonly Observation[];
  readonly walks: readonly WalkTrace[];
}

interface MemoryDetails {
  readonly memory: readonly { readonly pa: number; readonly expected: string; readonly observed: string; readonly uncertain?: string }[];
}

function isMemoryDetails(details: unknown): details is MemoryDetails {
  if (typeof details !== 'object' || details === null) return false;
  const memory = (details as Record<string, unknown>).memory;
  return Array.isArray(memory) && memory.length > 0 && memory.every((w) => typeof w === 'object' && w !== null && 'pa' in w && 'expected' in w && 'observed' in w);
}

/** Final memory that differs: the words the specification expects beside the words the machine left. */
function memoryComparison(d: MemoryDetails): Comparison {
  const free = (u: string | undefined) => (u !== undefined && u !== '0x0' ? ` (bits ${u} free to be set)` : '');
  return {
    ...EMPTY_COMPARISON,
    stepText: 'final memory',
    observed: toPlainJson(d.memory.map((w) => ({ pa: w.pa, value: w.observed }))),
    observedText: d.memory.map((w) => `[${hexPhys(w.pa)}] = ${w.observed}`).join('\n'),
    expected: [toPlainJson(d.memory.map((w) => ({ pa: w.pa, value: w.expected })))],
    expectedText: d.memory.map((w) => `[${hexPhys(w.pa)}] = ${w.expected}${free(w.uncertain)}`),
  };
}

function isStepDetails(details: unknown): details is StepDetails {
  if (typeof details !== 'object' || details === null) return false;
  const d = details as Record<string, unknown>;
  return 'observed' in d && Array.isArray(d.allowed) && Array.isArray(d.walks) && 'step' in d;
}

/** Never throws: a comparison is a courtesy to the reader, the explanation is the record. */
function attempt<T>(f: () => T, fallback: T): T {
  try {
    return f();
  } catch {
    return fallback;
  }
}

export function comparisonOf(divergence: FamilyDivergence): Comparison {
  const d = divergence.details;
  if (isMemoryDetails(d)) return memoryComparison(d);
  if (!isStepDetails(d) || d.step === null) return EMPTY_COMPARISON;
  return {
    step: d.stepIndex,
    stepText: d.step === null ? null : attempt(() => formatStep(d.step as Step), null),
    observed: toPlainJson(d.observed),
    observedText: d.observed === null ? null : attempt(() => describeObservation(d.observed as Observation), null),
    expected: d.allowed.map(toPlainJson),
    expectedText: d.allowed.map((o) => attempt(() => describeObservation(o), JSON.stringify(toPlainJson(o)))),
    walks: d.walks.map((w) => attempt(() => formatWalk(w), JSON.stringify(toPlainJson(w)))),
  };
}
