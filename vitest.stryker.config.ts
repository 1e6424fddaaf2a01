/**
 * The vitest configuration Stryker runs (stryker.config.json): the property suites and the reference
 * machine's unit tests, with the suite seed and run count pinned so that the mutation score does not
 * depend on the caller's environment. The mutant benchmark's own test is left out: it checks the catalog,
 * not the reference machine.
 */
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['properties/**/*.test.ts', 'models/reference/**/*.test.ts'],
    exclude: ['properties/mutants.test.ts', '**/node_modules/**'],
    env: { XLATCHECK_SEED: '20261121', XLATCHECK_RUNS: '200' },
    testTimeout: 120_000,
    hookTimeout: 60_000,
  },
});
