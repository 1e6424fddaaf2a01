/**
 * A machine's documented deviations are classified before shrinking: a sighting is counted, not shrunk
 * (its list holds a shrunk example), and a new divergence is never shrunk into a known one.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { noAccessedDirtyMachine } from '../../models/broken/index.ts';
import type { Machine } from '../machine/machine.ts';
import type { AnyFamily } from '../properties/family.ts';
import type { Trace } from '../machine/trace.ts';
import { findFamily } from '../properties/registry.ts';
import { DEFAULT_LIMITS, type RunOutcome, runCase } from './run-case.ts';
import { StopFlag } from './stop-flag.ts';

const KNOWN = { id: 'test-deviation', rule: 'SDM 4.8', departs: 'the machine' };

/** An arbitrary that counts the shrinks fast-check asks of it. */
class CountingShrinks<T> extends fc.Arbitrary<T> {
  shrinks = 0;
  constructor(private readonly inner: fc.Arbitrary<T>) {
    super();
  }
  generate(mrng: fc.Random, biasFactor: number | undefined): fc.Value<T> {
    return this.inner.generate(mrng, biasFactor);
  }
  canShrinkWithoutContext(value: unknown): value is T {
    return this.inner.canShrinkWithoutContext(value);
  }
  shrink(value: T, context: unknown): fc.Stream<fc.Value<T>> {
    this.shrinks++;
    return this.inner.shrink(value, context);
  }
}

function translation(): AnyFamily {
  const family = findFamily('translation');
  if (family === undefined) throw new Error('no translation family');
  return family;
}

/** The first run of the translation family on which `machine` diverges. */
async function firstFinding(machine: Machine, family: AnyFamily = translation()): Promise<RunOutcome> {
  const ctx = { campaignSeed: 5, machine: { name: machine.name, walk: machine, system: null }, machineRecord: { spec: machine.name, name: machine.name }, limits: DEFAULT_LIMITS, stop: new StopFlag() };
  for (let index = 0; index < 200; index++) {
    const outcome = await runCase(family, index, ctx);
    if (outcome.finding !== null) return outcome;
  }
  throw new Error(`${machine.name} never diverged`);
}

const stepsOf = (o: RunOutcome): number => ((o.finding?.case as { trace?: Trace } | undefined)?.trace ?? (o.finding?.case as Trace)).steps.length;

describe('known deviations in a campaign', () => {
  it('are counted in their bucket without shrinking', async () => {
    const known: Machine = { ...noAccessedDirtyMachine, knownDeviation: () => KNOWN };
    const o = await firstFinding(known);
    expect(o.finding?.divergence.kind).toBe('known-deviation');
    expect(o.finding?.shrink).toEqual({ evaluations: 0, cut: 'known-deviation' });
  });

  it('are not walked through their shrink candidates', async () => {
    // Passing every candidate still makes fast-check build the shrink tree of the case, which cost QEMU
    // campaigns more than half their time.
    const counting = new CountingShrinks(translation().arbitrary() as fc.Arbitrary<unknown>);
    const family: AnyFamily = { ...translation(), arbitrary: () => counting };
    const o = await firstFinding({ ...noAccessedDirtyMachine, knownDeviation: () => KNOWN }, family);
    expect(o.finding?.divergence.kind).toBe('known-deviation');
    expect(counting.shrinks).toBe(0);
  });

  it('never replace the new divergence being shrunk', async () => {
    // Every case smaller than the first failure "shows a known deviation": shrinking must keep the new one.
    const plain = await firstFinding(noAccessedDirtyMachine);
    expect(plain.finding?.divergence.kind).not.toBe('known-deviation');
    let original = -1;
    const knownWhenSmaller: Machine = {
      ...noAccessedDirtyMachine,
      knownDeviation: (trace) => {
        if (original < 0) original = trace.steps.length;
        return trace.steps.length < original ? KNOWN : null;
      },
    };
    const o = await firstFinding(knownWhenSmaller);
    expect(o.finding?.divergence.kind).not.toBe('known-deviation');
    expect(stepsOf(o)).toBe(original);
    expect(stepsOf(plain)).toBeLessThan(original);
  });
});
