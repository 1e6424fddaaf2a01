/**
 * Turns a family into a fast-check property against one machine. A failing case throws an error whose
 * message is the readable shrunk case and the divergence explanation; fast-check adds the seed and path
 * that replay it (`{ seed, path }`).
 */
import fc from 'fast-check';
import { fastCheckSeed, type RunConfig } from '../config/run-config.ts';
import { UNDECIDED } from '../machine/check.ts';
import type { AnyFamily, FamilyDivergence, MachineUnderTest, Verdict } from './family.ts';

export class PropertyFailure extends Error {
  constructor(
    readonly family: string,
    readonly divergence: FamilyDivergence,
    readonly rendered: string,
  ) {
    super(`${family}: ${divergence.kind}\n${divergence.explanation}\n\nshrunk case:\n${rendered}`);
  }
}

/** Makes fast-check print a case with the family's readable format instead of raw JSON. */
export function readable<C extends object>(family: AnyFamily, c: C): C {
  return Object.defineProperty({ ...c }, fc.toStringMethod, { value: () => '\n' + family.format(c), enumerable: false });
}

export function readableArbitrary(family: AnyFamily): fc.Arbitrary<object> {
  return (family.arbitrary() as fc.Arbitrary<object>).map((c) => readable(family, c));
}

/**
 * A case the specification decided neither way: past its bound of followed states, the machine's
 * observation matched none it kept (src/machine/check.ts). No finding, but no agreement either.
 */
export class UndecidedCase extends Error {
  constructor(
    readonly family: string,
    readonly rendered: string,
  ) {
    super(`${family}: decided neither way: ${UNDECIDED}\n\ncase:\n${rendered}`);
  }
}

/**
 * The check of one case when looking for divergences (a broken machine caught, a mutant killed): throws
 * for a divergence only. A case decided neither way resolves: it catches nothing.
 */
export async function checkCase(family: AnyFamily, machine: MachineUnderTest, c: unknown): Promise<void> {
  await withoutDivergence(family, machine, c);
}

/** The verdict of one case, after throwing for a divergence. */
async function withoutDivergence(family: AnyFamily, machine: MachineUnderTest, c: unknown): Promise<Verdict> {
  const verdict = await family.check(machine, c);
  if (verdict.divergence !== null) throw new PropertyFailure(family.name, verdict.divergence, family.format(c));
  return verdict;
}

/**
 * The check of one case when a suite claims that the machine agrees with the specification: a divergence
 * throws, and so does a case decided neither way, which would otherwise pass as agreement.
 */
export async function checkAgreement(family: AnyFamily, machine: MachineUnderTest, c: unknown): Promise<void> {
  const verdict = await withoutDivergence(family, machine, c);
  if (verdict.inconclusive === true) throw new UndecidedCase(family.name, family.format(c));
}

export function familyProperty(family: AnyFamily, machine: MachineUnderTest): fc.IAsyncProperty<[object]> {
  return fc.asyncProperty(readableArbitrary(family), (c) => checkCase(family, machine, c));
}

/** Runs a family against a machine; used to show that a broken machine is caught. */
export function checkFamily(family: AnyFamily, machine: MachineUnderTest, config: RunConfig): Promise<fc.RunDetails<[object]>> {
  return fc.check(familyProperty(family, machine), { seed: fastCheckSeed(config.seed), numRuns: config.runs });
}
