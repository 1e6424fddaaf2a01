/**
 * Checks shared by the public builders: impossible constraints are rejected when the arbitrary is built,
 * with a message naming the builder and the field, never discovered halfway through a run.
 * @internal
 */

export class ArbitraryConstraintError extends Error {
  override readonly name = 'ArbitraryConstraintError';
}

export function reject(builder: string, message: string): never {
  throw new ArbitraryConstraintError(`${builder}: ${message}`);
}

export function requireIntegerIn(builder: string, field: string, value: number, min: number, max: number): number {
  if (!Number.isInteger(value) || value < min || value > max)
    reject(builder, `${field} must be an integer from ${min} to ${max} (got ${String(value)})`);
  return value;
}

export function requireOrdered(builder: string, lowField: string, low: number, highField: string, high: number): void {
  if (low > high) reject(builder, `${lowField} (${low}) must not exceed ${highField} (${high})`);
}

/** Weights are non-negative integers, and at least one is positive. */
export function requireWeights<K extends string>(builder: string, field: string, weights: Readonly<Record<K, number>>): Readonly<Record<K, number>> {
  const entries = Object.entries(weights) as [K, number][];
  for (const [key, w] of entries)
    if (!Number.isInteger(w) || w < 0) reject(builder, `${field}.${key} must be a non-negative integer (got ${String(w)})`);
  if (!entries.some(([, w]) => w > 0)) reject(builder, `${field} must give at least one option a positive weight`);
  return weights;
}

/** Merges user weights over defaults, refusing unknown keys (a typo would otherwise be silently ignored). */
export function mergeWeights<K extends string>(
  builder: string,
  field: string,
  defaults: Readonly<Record<K, number>>,
  given: Partial<Record<K, number>> | undefined,
): Readonly<Record<K, number>> {
  if (given !== undefined)
    for (const key of Object.keys(given))
      if (!(key in defaults)) reject(builder, `${field} has an unknown key "${key}" (known: ${Object.keys(defaults).join(', ')})`);
  return requireWeights(builder, field, { ...defaults, ...given });
}
