/**
 * The vitest configuration Stryker runs (stryker.config.json): the property suites and the reference
 * machine's unit tests, with the suite seed and run count pinned so that the mutation score does not
 * depend on the caller's environment. Left out: the mutant benchmark's own test (it checks the catalog,
 * not the reference machine), the QEMU suites (they check QEMU's MMU and depend on an external emulator)
 * and the variants' suites (they check the patent variants, which reuse parts of the reference machine:
 * a reference mutant they catch is not one the reference machine's own suites catch, and they took a
 * quarter of every surviving mutant's run).
 *
 * Stryker stops a mutant's run at the first failing test, so the files run cheapest first (unit tests,
 * then the walk-level suites, then the slower space-level ones) instead of vitest's slowest-first order:
 * the same tests decide, only sooner. And fast-check does not shrink (vitest.stryker.setup.ts).
 */
import { BaseSequencer, type TestSpecification } from 'vitest/node';
import { defineConfig } from 'vitest/config';

const CHEAPEST_FIRST = [
  'models/reference/',
  'properties/translation',
  'properties/faults',
  'properties/tlb-coherence',
  'properties/big-memory',
  'properties/walk-broken',
  'properties/switch',
  'properties/layout',
  'properties/isolation',
  'properties/integrity',
  'properties/space-broken',
];

function rank(file: TestSpecification): number {
  const i = CHEAPEST_FIRST.findIndex((prefix) => file.moduleId.includes(prefix));
  return i < 0 ? CHEAPEST_FIRST.length : i;
}

class CheapestFirstSequencer extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    return [...files].sort((a, b) => rank(a) - rank(b) || a.moduleId.localeCompare(b.moduleId));
  }
}

export default defineConfig({
  test: {
    include: ['properties/**/*.test.ts', 'models/reference/**/*.test.ts'],
    exclude: ['properties/mutants.test.ts', 'properties/qemu*.test.ts', 'properties/variants.test.ts', '**/node_modules/**'],
    env: { XLATCHECK_SEED: '20261121', XLATCHECK_RUNS: '200' },
    testTimeout: 120_000,
    hookTimeout: 60_000,
    sequence: { sequencer: CheapestFirstSequencer },
    setupFiles: ['vitest.stryker.setup.ts'],
  },
});
