/**
 * Divergence details are live values (the specification's walks carry bigint entries); a finding file
 * must be plain JSON. bigint becomes the project's Hex64 text, and anything JSON cannot hold is dropped,
 * the way JSON.stringify would drop it, so the stored form reads back as exactly what was hashed.
 */
import { hexFromBigInt } from '../arch/word.ts';

export function toPlainJson(value: unknown): unknown {
  if (typeof value === 'bigint') return hexFromBigInt(value);
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return value;
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  if (Array.isArray(value)) return value.map((v) => (plainable(v) ? toPlainJson(v) : null));
  if (typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) if (plainable(v)) out[k] = toPlainJson(v);
    return out;
  }
  return null;
}

function plainable(v: unknown): boolean {
  return v !== undefined && typeof v !== 'function' && typeof v !== 'symbol';
}

/** JSON with object keys sorted at every level: the same value always gives the same text. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(toPlainJson(value)));
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value !== null && typeof value === 'object') {
    const record = value as Record<string, unknown>;
    return Object.fromEntries(Object.keys(record).sort().map((k) => [k, sortKeys(record[k])]));
  }
  return value;
}
