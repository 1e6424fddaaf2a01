/**
 * `npm test`: validates the seed and run count from the environment, prints them, and runs every suite
 * with vitest. `--coverage` adds code coverage into reports/coverage.
 */
import { spawnSync } from 'node:child_process';
import { runConfigFromEnv, UsageError } from '../config/run-config.ts';

function main(): number {
  let config;
  try {
    config = runConfigFromEnv();
  } catch (error) {
    if (error instanceof UsageError) {
      process.stderr.write(`xlatcheck: ${error.message}\n`);
      return 2;
    }
    throw error;
  }
  const coverage = process.argv.includes('--coverage');
  process.stdout.write(
    `xlatcheck property suites: seed ${config.seed}, ${config.runs} runs per property` +
      ` (override with XLATCHECK_SEED and XLATCHECK_RUNS)\n`,
  );
  const args = ['vitest', 'run', ...(coverage ? ['--coverage'] : [])];
  const env = { ...process.env, XLATCHECK_SEED: String(config.seed), XLATCHECK_RUNS: String(config.runs) };
  const child = spawnSync('npx', args, { stdio: 'inherit', env });
  if (child.error) {
    process.stderr.write(`xlatcheck: could not start vitest: ${child.error.message}\n`);
    return 2;
  }
  return child.status ?? 1;
}

process.exitCode = main();
