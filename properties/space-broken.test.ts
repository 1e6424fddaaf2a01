/**
 * Honesty of the space-level families: each deliberately broken system (models/broken-system) must make
 * the family meant for it fail, for the reason it was broken for (the divergence kinds listed here), not
 * by accident. A family that cannot fail on the bug it targets is a defect of the harness.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { runConfigFromEnv } from '../src/config/run-config.ts';
import { checkFamily, PropertyFailure } from '../src/properties/property.ts';
import { brokenSpaceSystems as brokenSystems } from '../models/broken-system/index.ts';
import { builtinMachine } from '../models/registry.ts';
import { spaceFamilies } from '../src/properties/space-families.ts';

const referenceSpaceMachine = builtinMachine('reference');

const config = runConfigFromEnv();
// At least 100 runs even when the suite runs fewer: showing a family can fail needs enough cases.
const honesty = { ...config, runs: Math.max(config.runs, 100) };

/** The divergence kinds that show the bug each broken system carries. */
const EXPECTED_KINDS: Record<string, readonly string[]> = {
  'broken-system:no-preemption-disable': ['wrong-result'],
  'broken-system:result-outside-common': ['wrong-result'],
  'broken-system:shared-private-chunk': ['reach'],
  'broken-system:bios-missing': ['mapping', 'shared-chunk'],
  'broken-system:no-invlpg': ['stale-translation'],
};

const cases = brokenSystems.flatMap((b) => b.targets.map((target) => [b.name, target, b] as const));

describe('each deliberately broken system is caught by the family meant for it', () => {
  it('has a broken system for every space family, and the reference passes each family', async () => {
    for (const family of spaceFamilies) {
      expect(brokenSystems.some((b) => b.targets.includes(family.name)), family.name).toBe(true);
    }
    expect(brokenSystems.map((b) => b.name).sort()).toEqual(Object.keys(EXPECTED_KINDS).sort());
  });

  it.each(cases)('%s is caught by %s', async (name, target, broken) => {
    const family = spaceFamilies.find((f) => f.name === target)!;
    const details = await checkFamily(family, builtinMachine(broken.name), honesty);
    expect(details.failed, `${name} passed ${details.numRuns} runs of ${target}`).toBe(true);
    const error = details.errorInstance;
    expect(error).toBeInstanceOf(PropertyFailure);
    expect(EXPECTED_KINDS[name]).toContain((error as PropertyFailure).divergence.kind);
    // The same seed passes on the reference system: the failure is the broken part's.
    const reference = await checkFamily(family, referenceSpaceMachine, { ...honesty, runs: details.numRuns });
    expect(reference.failed, fc.defaultReportMessage(reference) ?? '').toBe(false);
  });
});
