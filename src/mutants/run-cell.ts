/**
 * One cell of the kill matrix: a family run against a mutant with a fixed seed, under a budget of runs
 * and time, until the first failure; then fast-check shrinks it. The clock only measures: cases come from
 * the seed alone, so a cell finds the same counterexample whatever the machine's speed (unless the time
 * budget cuts the run short, which the result says).
 */
import fc from 'fast-check';
import { fastCheckSeed } from '../config/run-config.ts';
import type { AnyFamily, MachineUnderTest } from '../properties/family.ts';
import { checkCase, PropertyFailure, readableArbitrary } from '../properties/property.ts';
import { type CaseSize, caseSize } from './case-size.ts';
import { stepsAfterDeletion } from './step-deletion.ts';

export interface CellBudget {
  readonly seed: number;
  /** Most runs before the family gives up on the mutant. */
  readonly runs: number;
  /** Most milliseconds for the whole cell, shrinking included. */
  readonly timeLimitMs: number;
}

export interface CellResult {
  readonly family: string;
  readonly killed: boolean;
  /** Runs up to and including the first failure; when not killed, the runs made. */
  readonly runs: number;
  /** Milliseconds from the start of the cell to the first failure (before shrinking); null if none. */
  readonly timeToKillMs: number | null;
  /** Milliseconds for the whole cell, shrinking included. */
  readonly totalMs: number;
  /** The budget ran out (time) before the runs did, or during shrinking. */
  readonly interrupted: boolean;
  readonly shrinks: number;
  /** Size of the shrunk counterexample; null when not killed. */
  readonly shrunk: CaseSize | null;
  /**
   * Steps left when single steps are deleted from the shrunk trace while it still fails (step-deletion.ts):
   * a diagnostic of the shrinker; null when not killed or not a trace.
   */
  readonly stepsNeeded: number | null;
  /** The divergence of the shrunk counterexample: its kind and bucket signature. */
  readonly divergence: { readonly kind: string; readonly signature: string } | null;
  /** The readable shrunk counterexample and fast-check's replay path. */
  readonly counterexample: string | null;
  readonly replayPath: string | null;
}

export async function runCell(family: AnyFamily, machine: MachineUnderTest, budget: CellBudget): Promise<CellResult> {
  let calls = 0;
  // An object rather than two `let`s: the predicate closure writes it, and TypeScript narrows locals.
  const first: { run: number; at: number | null } = { run: 0, at: null };
  const start = performance.now();
  const property = fc.asyncProperty(readableArbitrary(family), async (c) => {
    calls++;
    try {
      await checkCase(family, machine, c);
    } catch (error) {
      if (first.at === null) {
        first.run = calls;
        first.at = performance.now() - start;
      }
      throw error;
    }
  });
  const details = await fc.check(property, {
    seed: fastCheckSeed(budget.seed),
    numRuns: budget.runs,
    interruptAfterTimeLimit: budget.timeLimitMs,
    markInterruptAsFailure: false,
  });
  const totalMs = performance.now() - start;
  const base = { family: family.name, totalMs, interrupted: details.interrupted, shrinks: details.numShrinks };
  if (!details.failed || first.at === null || details.counterexample === null) {
    return { ...base, killed: false, runs: details.numRuns, timeToKillMs: null, shrunk: null, stepsNeeded: null, divergence: null, counterexample: null, replayPath: null };
  }
  const [shrunkCase] = details.counterexample;
  const failure = details.errorInstance instanceof PropertyFailure ? details.errorInstance : null;
  return {
    ...base,
    killed: true,
    runs: first.run,
    timeToKillMs: first.at,
    shrunk: caseSize(shrunkCase),
    stepsNeeded: await stepsAfterDeletion(family, machine, shrunkCase),
    divergence: failure === null ? { kind: 'exception', signature: String(details.errorInstance) } : { kind: failure.divergence.kind, signature: failure.divergence.signature },
    counterexample: family.format(shrunkCase),
    replayPath: details.counterexamplePath,
  };
}
