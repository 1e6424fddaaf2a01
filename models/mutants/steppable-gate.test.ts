/**
 * The gate mutants change one step of SteppableGate; this checks that SteppableGate itself, unchanged,
 * is the reference gate: a system built with it passes the families that watch the gate.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fastCheckSeed, runConfigFromEnv } from '../../src/config/run-config.ts';
import { familyProperty } from '../../src/properties/property.ts';
import { integrityFamily, switchFamily } from '../../src/properties/space-families.ts';
import { createReferenceProcessor } from '../reference/index.ts';
import { createSpaceSystem } from '../reference/system/index.ts';
import { SteppableGate } from './steppable-gate.ts';

const system = createSpaceSystem('steppable-gate', createReferenceProcessor, {
  gate: (kernel, modules, preemption, inodeCacheSpace) => new SteppableGate(kernel, modules, preemption, inodeCacheSpace),
});
const machine = { name: 'steppable-gate', walk: null, system };
const { seed } = runConfigFromEnv();

describe('SteppableGate', () => {
  it.each([integrityFamily, switchFamily].map((f) => [f.name, f] as const))('passes %s like the reference gate', async (_name, family) => {
    const details = await fc.check(familyProperty(family, machine), { seed: fastCheckSeed(seed), numRuns: 100 });
    expect(details.failed, fc.defaultReportMessage(details) ?? '').toBe(false);
  });
});
