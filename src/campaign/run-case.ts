/**
 * One run of a campaign: run i's case is the first case fast-check generates for the family's arbitrary
 * with run i's seed. If the machine diverges, fast-check shrinks it; shrinking is bounded by a number of
 * evaluations (deterministic, so the same seed gives the same finding) and, as a backstop for slow
 * machines, by time and by the campaign's stop flag. Past a bound the property passes every further
 * candidate, which ends shrinking at once with the smallest failure so far.
 */
import fc from 'fast-check';
import { buildFinding } from '../findings/build-finding.ts';
import type { Finding, FindingMachine, ShrinkCut } from '../findings/finding.ts';
import type { AnyFamily, FamilyDivergence, MachineUnderTest, Verdict } from '../properties/family.ts';
import { countTags, type CoverageCounts } from '../report/coverage.ts';
import { runSeed } from './run-seed.ts';
import type { StopFlag } from './stop-flag.ts';

export interface CaseLimits {
  /** Evaluations spent shrinking one failure. */
  readonly shrinkEvaluations: number;
  /** A backstop: shrinking of one failure stops after this long, whatever the evaluations left. */
  readonly shrinkTimeMs: number;
}

export const DEFAULT_LIMITS: CaseLimits = { shrinkEvaluations: 1000, shrinkTimeMs: 20_000 };

export interface RunContext {
  readonly campaignSeed: number;
  readonly machine: MachineUnderTest;
  readonly machineRecord: FindingMachine;
  readonly limits: CaseLimits;
  readonly stop: StopFlag;
}

export interface RunOutcome {
  readonly index: number;
  readonly property: string;
  /** Domain coverage of the generated case (shrink candidates are not counted). */
  readonly coverage: CoverageCounts;
  readonly finding: Finding | null;
  /** The generated case was decided neither way (the specification's state bound, check.ts MAX_STATES). */
  readonly inconclusive: boolean;
}

/** A family that throws is a bug in xlatcheck, not in the machine; it still becomes a finding, never a crash. */
export function harnessError(family: AnyFamily, error: unknown): FamilyDivergence {
  const message = error instanceof Error ? error.message : String(error);
  const firstLine = message.split('\n')[0] ?? message;
  return {
    kind: 'harness-error',
    explanation: `the ${family.name} family threw while checking this case (a bug in xlatcheck, not in the machine): ${message}`,
    signature: `harness-error: ${firstLine}`,
    details: { message },
  };
}

export async function safeCheck(family: AnyFamily, machine: MachineUnderTest, c: unknown): Promise<Verdict> {
  try {
    return await family.check(machine, c);
  } catch (error) {
    return { divergence: harnessError(family, error), tags: [] };
  }
}

/**
 * A family's arbitrary, built once per thread: building one costs a fair part of a walk-level run, and an
 * arbitrary is an immutable description, so every run can share it without changing what it generates.
 */
const arbitraries = new WeakMap<AnyFamily, fc.Arbitrary<unknown>>();

export function arbitraryOf(family: AnyFamily): fc.Arbitrary<unknown> {
  let arbitrary = arbitraries.get(family);
  if (arbitrary === undefined) {
    arbitrary = family.arbitrary() as fc.Arbitrary<unknown>;
    arbitraries.set(family, arbitrary);
  }
  return arbitrary;
}

/** The case of run `index`, regenerated without running it (for findings of runs that never answered). */
export function generatedCase(family: AnyFamily, campaignSeed: number, index: number): unknown {
  return fc.sample(arbitraryOf(family), { seed: runSeed(campaignSeed, index), numRuns: 1 })[0];
}

class ShrinkBudget {
  evaluations = 0;
  cut: ShrinkCut | null = null;
  private deadline = Number.POSITIVE_INFINITY;
  private refused = false;

  constructor(
    private readonly limits: CaseLimits,
    private readonly stop: StopFlag,
  ) {}

  start(): void {
    this.deadline = Date.now() + this.limits.shrinkTimeMs;
  }

  /** No shrinking at all, for this reason. */
  refuse(reason: ShrinkCut): void {
    this.refused = true;
    this.cut = reason;
  }

  /** Whether one more shrink candidate may be evaluated; records why not. */
  allows(): boolean {
    if (this.refused) return false;
    // The deterministic bound first: when it and a clock bound both hold, the record stays reproducible.
    const reason: ShrinkCut | null =
      this.evaluations >= this.limits.shrinkEvaluations ? 'evaluations' : this.stop.raised ? 'stopped' : Date.now() > this.deadline ? 'time' : null;
    if (reason === null) {
      this.evaluations++;
      return true;
    }
    this.cut ??= reason;
    return false;
  }
}

const isKnownDeviation = (v: Verdict): boolean => v.divergence?.kind === 'known-deviation';

/**
 * Run `index`: the first case is checked on its own (fast-check with endOnFailure, so it does not walk
 * the case's shrink tree); only a new divergence is then shrunk, by a second fast-check run with the same
 * seed, which generates the same first case and reuses its verdict instead of checking it again. A known
 * deviation is not shrunk at all: walking its shrink candidates only to pass each one cost QEMU campaigns
 * a tenth of their time (smaller-shrinks.ts orders every candidate).
 */
export async function runCase(family: AnyFamily, index: number, ctx: RunContext): Promise<RunOutcome> {
  const seed = runSeed(ctx.campaignSeed, index);
  const budget = new ShrinkBudget(ctx.limits, ctx.stop);
  // `as`: TypeScript would narrow these to null, not seeing the property's callback assign them.
  let first = null as Verdict | null;
  let failing = null as { c: unknown; divergence: FamilyDivergence } | null;
  let checkedFirst = null as Verdict | null;
  const firstVerdict = async (c: unknown): Promise<Verdict> => (checkedFirst ??= await safeCheck(family, ctx.machine, c));
  const property = fc.asyncProperty(arbitraryOf(family), async (c: unknown) => {
    const shrinking = first !== null;
    if (shrinking && !budget.allows()) return true;
    const verdict = shrinking ? await safeCheck(family, ctx.machine, c) : await firstVerdict(c);
    if (!shrinking) first = verdict;
    else if (isKnownDeviation(verdict) && first !== null && !isKnownDeviation(first)) {
      // A smaller case that shows only a known deviation is not the new divergence being shrunk: taking
      // it would turn a new finding into a known one.
      return true;
    }
    if (verdict.divergence === null) return true;
    failing = { c, divergence: verdict.divergence };
    return false;
  });
  let details = await fc.check(property, { seed, numRuns: 1, endOnFailure: true });
  const coverage: CoverageCounts = {};
  countTags(checkedFirst?.tags ?? [], coverage);
  const inconclusive = checkedFirst?.inconclusive === true;
  if (!details.failed) return { index, property: family.name, coverage, finding: null, inconclusive };
  // A documented deviation is counted in its bucket, not shrunk again (finding.ts, ShrinkCut).
  if (checkedFirst !== null && isKnownDeviation(checkedFirst)) budget.refuse('known-deviation');
  else {
    first = null;
    budget.start();
    details = await fc.check(property, { seed, numRuns: 1 });
  }
  // fast-check adopts every failing candidate it meets, so the last failure seen is its counterexample.
  const failure = failing ?? {
    c: details.counterexample?.[0],
    divergence: harnessError(family, details.errorInstance),
  };
  const finding = buildFinding({
    family,
    machine: ctx.machineRecord,
    origin: { kind: 'generated' },
    run: { campaignSeed: ctx.campaignSeed, index, seed, path: details.counterexamplePath ?? '' },
    shrink: { evaluations: budget.evaluations, cut: budget.cut },
    divergence: failure.divergence,
    case: failure.c,
  });
  return { index, property: family.name, coverage, finding, inconclusive };
}
