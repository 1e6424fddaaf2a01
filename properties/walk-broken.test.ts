/**
 * Honesty of the walk-level families: each deliberately broken machine must be caught by every family
 * meant for it. A family that cannot fail on the bug it targets is a defect of the harness.
 */
import { describe, expect, it } from 'vitest';
import { builtinMachines } from '../models/registry.ts';
import { runConfigFromEnv } from '../src/config/run-config.ts';
import { checkFamily } from '../src/properties/property.ts';
import { findFamily } from '../src/properties/registry.ts';

const config = runConfigFromEnv();
const cases = builtinMachines()
  .filter((entry) => entry.machine.walk !== null)
  .flatMap((entry) => entry.targets.map((target) => ({ entry, target })));

describe('each deliberately broken machine is caught by the families meant for it', () => {
  it('has broken machines to check', () => {
    expect(cases.length).toBeGreaterThanOrEqual(5);
  });
  it.each(cases.map((c) => [c.entry.machine.name, c.target, c] as const))('%s is caught by %s', async (_name, target, c) => {
    const family = findFamily(target);
    expect(family, `family ${target}`).toBeDefined();
    const details = await checkFamily(family!, c.entry.machine, config);
    expect(details.failed, `${c.entry.machine.name} passed ${details.numRuns} runs of ${target}`).toBe(true);
    // The failure replays: fast-check gives the seed and shrink path, the message the readable shrunk trace.
    expect(details.counterexamplePath).not.toBeNull();
    expect(String(details.errorInstance)).toMatch(/shrunk case:\n.*trace \(MAXPHYADDR \d+\)[\s\S]*steps \(\d+\):/);
  });
});
