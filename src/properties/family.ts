/**
 * A property family: a generator of cases, and a check that runs a case on a machine under test and
 * says whether it departs from the specification. The vitest suites (properties/), the campaign runner
 * and the mutant benchmark all run families through this one interface.
 */
import type fc from 'fast-check';
import type { Machine } from '../machine/machine.ts';
import type { Trace } from '../machine/trace.ts';
import type { OutcomeTags } from '../spec/outcome.ts';

/** Everything a family may need from a machine under test; a machine offers the levels it implements. */
export interface MachineUnderTest {
  readonly name: string;
  /** The walk-level batch contract (traces in, observations out). */
  readonly walk: Machine | null;
  /**
   * The space-level system (kernel, gate, modules on a processor), for the isolation, integrity, layout
   * and switch families. Its type belongs to those families; null when the machine has none.
   */
  readonly system: unknown;
}

/** A departure from the specification, as a value: what kind, a readable account, and details as JSON. */
export interface FamilyDivergence {
  readonly kind: string;
  readonly explanation: string;
  /** A short stable text naming the first diverging observation, for bucketing findings. */
  readonly signature: string;
  readonly details: unknown;
}

/** What a cross-space call case exercised: the call kind, and whether the scheduler preempted around it. */
export interface CallTags {
  readonly call: string;
  readonly preemption: 'none' | 'outside-call' | 'inside-call';
}

/** A kind of adaptation a machine made to a trace to run it (QEMU: relocation into guest RAM, ...). */
export interface AdaptationTag {
  readonly adaptation: string;
}

/** A domain-coverage fact: a walk-level step's outcome, a space-level call, or an adaptation. */
export type CoverageTag = OutcomeTags | CallTags | AdaptationTag;

export interface Verdict {
  readonly divergence: FamilyDivergence | null;
  /** Domain-coverage facts about what the case exercised. */
  readonly tags: readonly CoverageTag[];
  /**
   * True when the case could be decided neither way (the specification's state bound was reached
   * before a mismatch); campaigns count these. Absent means false.
   */
  readonly inconclusive?: boolean;
}

export type Level = 'walk' | 'space';

export interface Family<Case> {
  readonly name: string;
  readonly level: Level;
  readonly description: string;
  /** Cases, shrinking toward small readable ones. */
  arbitrary(): fc.Arbitrary<Case>;
  /** Runs a case; never throws for machine misbehaviour (that is a divergence of kind machine-error). */
  check(machine: MachineUnderTest, c: Case): Promise<Verdict>;
  /**
   * Optional: the trace check() will run on the machine's walk-level contract for this case (adapted as
   * the machine adapts it), so that a campaign can run the traces of several cases in one batch first.
   */
  walkTrace?(machine: MachineUnderTest, c: Case): Trace | null;
  /** Whether the machine offers what this family needs. */
  applies(machine: MachineUnderTest): boolean;
  /** A readable rendering of a case, for failing properties and findings. */
  format(c: Case): string;
  /** Cases as plain JSON, and back with validation (throws a one-line error on a bad case). */
  toJson(c: Case): unknown;
  fromJson(json: unknown): Case;
}

// Families are stored in heterogeneous lists; the case type is known only inside each family.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyFamily = Family<any>;
