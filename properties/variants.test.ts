/**
 * The machines after the related patents (models/variants): each passes every property family that
 * applies to it at the suite seed, and each seeded fault in a variant's own structure is caught by the
 * family meant for it, with a replayable, readable counterexample.
 */
import { test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { variantMutants, variants } from '../models/variants/index.ts';
import { fastCheckSeed, runConfigFromEnv } from '../src/config/run-config.ts';
import type { AnyFamily, MachineUnderTest } from '../src/properties/family.ts';
import { checkCase, checkFamily, readableArbitrary } from '../src/properties/property.ts';
import { variantFamilies } from '../src/properties/variant-families.ts';
import { walkFamilies } from '../src/properties/walk-families.ts';

const config = runConfigFromEnv();
const families: readonly AnyFamily[] = [...walkFamilies, ...variantFamilies];

function family(name: string): AnyFamily {
  const found = families.find((f) => f.name === name);
  if (found === undefined) throw new Error(`no family ${name}`);
  return found;
}

const underTest = (walk: MachineUnderTest['walk'] & object): MachineUnderTest => ({ name: walk.name, walk, system: null });

describe.each(variants.map((v) => [v.machine.name, v] as const))('%s', (_name, variant) => {
  const machine = underTest(variant.machine);

  it('runs exactly the families that apply to it', () => {
    expect(families.filter((f) => f.applies(machine)).map((f) => f.name).sort()).toEqual([...variant.families].sort());
  });

  for (const name of variant.families) {
    const f = family(name);
    test.prop([readableArbitrary(f)], { seed: fastCheckSeed(config.seed), numRuns: config.runs })(
      `${name}: agrees with the specification`,
      (c) => checkCase(f, machine, c),
    );
  }
});

describe('each variant mutant is caught by the families meant for it', () => {
  const cases = variantMutants.flatMap((m) => m.targets.map((target) => [m.machine.name, target, m] as const));

  it('every variant has at least three mutants in its own structure', () => {
    for (const v of variants) {
      const prefix = `${v.machine.name}/`;
      expect(variantMutants.filter((m) => m.machine.name.startsWith(prefix)).length, v.machine.name).toBeGreaterThanOrEqual(3);
    }
  });

  it.each(cases)('%s is caught by %s', async (_name, target, m) => {
    const details = await checkFamily(family(target), underTest(m.machine), config);
    expect(details.failed, `${m.machine.name} passed ${details.numRuns} runs of ${target}`).toBe(true);
    expect(details.counterexamplePath).not.toBeNull();
    expect(String(details.errorInstance)).toMatch(/shrunk case:\n.*trace \(MAXPHYADDR \d+\)[\s\S]*steps \(\d+\):/);
  });
});
