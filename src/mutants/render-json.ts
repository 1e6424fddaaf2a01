/**
 * The kill matrix as JSON for machines: the matrix as computed, with fractions (milliseconds, shares)
 * rounded to three decimals, and a format tag and version so that a consumer can refuse a file it does
 * not know.
 */
import type { KillMatrix } from './kill-matrix.ts';

export const KILL_MATRIX_FORMAT = 'xlatcheck-kill-matrix';
export const KILL_MATRIX_VERSION = 1;

function rounded(_key: string, value: unknown): unknown {
  return typeof value === 'number' && !Number.isInteger(value) ? Math.round(value * 1000) / 1000 : value;
}

export function renderJson(m: KillMatrix): string {
  return JSON.stringify({ format: KILL_MATRIX_FORMAT, version: KILL_MATRIX_VERSION, ...m }, rounded, 2) + '\n';
}
