/**
 * The seed and run count of property suites: fixed defaults, overridable from the environment
 * (XLATCHECK_SEED, XLATCHECK_RUNS). Invalid values are a user error, never zero runs passing silently.
 */
export const DEFAULT_SEED = 20261121;
export const DEFAULT_RUNS = 200;
export const MAX_RUNS = 1_000_000;

export class UsageError extends Error {}

export interface RunConfig {
  /** Unsigned 32-bit campaign seed; fast-check receives it as a signed 32-bit integer. */
  readonly seed: number;
  /** Runs per property. */
  readonly runs: number;
}

function parseInteger(text: string, name: string): number {
  const trimmed = text.trim();
  if (!/^-?\d+$/.test(trimmed)) throw new UsageError(`${name} must be an integer, got ${JSON.stringify(text)}`);
  return Number(trimmed);
}

export function parseSeed(text: string, name = 'seed'): number {
  const v = parseInteger(text, name);
  if (v < 0 || v > 0xffffffff) throw new UsageError(`${name} must be in [0, 4294967295], got ${text.trim()}`);
  return v;
}

export function parseRuns(text: string, name = 'runs'): number {
  const v = parseInteger(text, name);
  if (v < 1 || v > MAX_RUNS) throw new UsageError(`${name} must be in [1, ${MAX_RUNS}], got ${text.trim()}`);
  return v;
}

export function runConfigFromEnv(env: NodeJS.ProcessEnv = process.env): RunConfig {
  const seed = env.XLATCHECK_SEED === undefined ? DEFAULT_SEED : parseSeed(env.XLATCHECK_SEED, 'XLATCHECK_SEED');
  const runs = env.XLATCHECK_RUNS === undefined ? DEFAULT_RUNS : parseRuns(env.XLATCHECK_RUNS, 'XLATCHECK_RUNS');
  return { seed, runs };
}

/** fast-check takes a signed 32-bit seed. */
export function fastCheckSeed(seed: number): number {
  return seed | 0;
}
