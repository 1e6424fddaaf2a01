/**
 * Defines the vitest property of one family against the reference machine, with the suite seed and run
 * count (src/config/run-config.ts). fast-check prints `{ seed, path }` and the readable shrunk case when
 * it fails.
 */
import { test } from '@fast-check/vitest';
import { fastCheckSeed, runConfigFromEnv } from '../../src/config/run-config.ts';
import { findMachine } from '../../models/registry.ts';
import { checkAgreement, readableArbitrary } from '../../src/properties/property.ts';
import { findFamily } from '../../src/properties/registry.ts';

export function defineFamilySuite(familyName: string, machineName = 'reference'): void {
  const family = findFamily(familyName);
  const entry = findMachine(machineName);
  if (family === undefined || entry === undefined) throw new Error(`no family ${familyName} or machine ${machineName}`);
  const { seed, runs } = runConfigFromEnv();
  test.prop([readableArbitrary(family)], { seed: fastCheckSeed(seed), numRuns: runs })(
    `${familyName}: ${machineName} agrees with the specification (${family.description})`,
    (c) => checkAgreement(family, entry.machine, c),
  );
}
