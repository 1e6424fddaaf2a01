import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'models/**/*.test.ts', 'properties/**/*.test.ts', 'fuzz/**/*.test.ts', 'reliability/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 60_000,
    pool: 'forks',
    globalSetup: ['vitest.global-setup.ts'],
    coverage: {
      provider: 'v8',
      include: ['src/**/*.ts', 'models/**/*.ts'],
      exclude: ['**/*.test.ts', 'src/cli/**'],
      reportsDirectory: 'reports/coverage',
      reporter: ['text-summary', 'html', 'lcov', 'json-summary'],
      thresholds: { lines: 80, functions: 80, branches: 70, statements: 80 },
    },
  },
});
