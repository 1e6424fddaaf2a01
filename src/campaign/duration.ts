/**
 * Durations on the command line: a number and a unit, as in 500ms, 90s, 10m, 2h.
 */
import { UsageError } from '../config/run-config.ts';

const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
const MAX_MS = 7 * 24 * 3_600_000;

export function parseDuration(text: string, name = 'duration'): number {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m|h)$/.exec(text.trim());
  if (match === null) throw new UsageError(`${name} must be a number and a unit (ms, s, m or h), as in 90s, 10m or 2h; got ${JSON.stringify(text)}`);
  const ms = Math.round(Number(match[1]) * (UNITS[match[2] as string] as number));
  if (ms <= 0 || ms > MAX_MS) throw new UsageError(`${name} must be more than 0 and at most 7 days, got ${text.trim()}`);
  return ms;
}

export function formatDuration(ms: number): string {
  if (ms % 3_600_000 === 0) return `${ms / 3_600_000}h`;
  if (ms % 60_000 === 0) return `${ms / 60_000}m`;
  if (ms % 1000 === 0) return `${ms / 1000}s`;
  return `${ms}ms`;
}
