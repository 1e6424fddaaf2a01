/**
 * The quick check of the mutant catalog (models/mutants), part of npm test: every non-equivalent mutant
 * is still caught by the family meant for it, with the suite seed and a bounded budget, and every
 * equivalent one still passes it. A mutant that stops being caught is a gap the harness has just opened
 * (a weakened generator or property); the full kill matrix with times and shrunk sizes is `npm run mutants`.
 *
 * Only the first failure is wanted here, so fast-check does not shrink (`endOnFailure`). The budget is
 * in runs, not time: a loaded machine makes the check slower, never different.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MUTANT_LAYERS, mutantCatalog, type Mutant } from '../models/mutants/index.ts';
import { fastCheckSeed, runConfigFromEnv } from '../src/config/run-config.ts';
import { benchmarkFamilies } from '../src/mutants/families.ts';
import type { AnyFamily } from '../src/properties/family.ts';
import { familyProperty } from '../src/properties/property.ts';

const { seed, runs } = runConfigFromEnv();
/** Enough for the rarest catch of the catalog at the default seed (about 1700 runs) with a wide margin. */
const KILL_RUNS = Math.max(runs, 10_000);
/** An equivalent mutant must pass as many runs as a suite makes. */
const EQUIVALENT_RUNS = runs;

const families = benchmarkFamilies();

function familyOf(mutant: Mutant): AnyFamily {
  const family = families.find((f) => f.name === mutant.family);
  if (family === undefined) throw new Error(`${mutant.name} names unknown family ${mutant.family}`);
  return family;
}

function firstFailure(mutant: Mutant, numRuns: number): Promise<fc.RunDetails<[object]>> {
  return fc.check(familyProperty(familyOf(mutant), mutant), {
    seed: fastCheckSeed(seed),
    numRuns,
    endOnFailure: true,
  });
}

describe('the mutant catalog', () => {
  it('has at least 30 mutants over every layer, unique names, known families, reasons for equivalence', () => {
    expect(mutantCatalog.filter((m) => m.equivalent === null).length).toBeGreaterThanOrEqual(30);
    expect(new Set(mutantCatalog.map((m) => m.name)).size).toBe(mutantCatalog.length);
    for (const layer of MUTANT_LAYERS) expect(mutantCatalog.some((m) => m.layer === layer), layer).toBe(true);
    for (const m of mutantCatalog) {
      expect(m.name).toMatch(/^mutant:[a-z0-9-]+$/);
      expect(m.description.length, m.name).toBeGreaterThan(20);
      expect(familyOf(m).applies(m), `${m.family} applies to ${m.name}`).toBe(true);
      if (m.equivalent !== null) expect(m.equivalent.length, m.name).toBeGreaterThan(20);
    }
  });
});

describe('every catalog mutant is caught by the family meant for it', () => {
  const counted = mutantCatalog.filter((m) => m.equivalent === null);
  it.each(counted.map((m) => [m.name, m.family, m] as const))('%s is caught by %s', async (name, family, mutant) => {
    const details = await firstFailure(mutant, KILL_RUNS);
    expect(details.failed, `${name} passed ${details.numRuns} runs of ${family}`).toBe(true);
  });
});

describe('every equivalent mutant passes the family meant for it', () => {
  const equivalent = mutantCatalog.filter((m) => m.equivalent !== null);
  it.each(equivalent.map((m) => [m.name, m.family, m] as const))('%s passes %s', async (_name, _family, mutant) => {
    const details = await firstFailure(mutant, EQUIVALENT_RUNS);
    // A failure here means the mutant is not equivalent after all, or the specification is too strict.
    expect(details.failed, fc.defaultReportMessage(details) ?? '').toBe(false);
  });
});
