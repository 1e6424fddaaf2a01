/**
 * The families the benchmark runs: every registered family, plus the space-level ones (which the
 * registry may not list yet), each once, walk level first.
 */
import type { AnyFamily } from '../properties/family.ts';
import { allFamilies } from '../properties/registry.ts';
import { spaceFamilies } from '../properties/space-families.ts';

export function benchmarkFamilies(): AnyFamily[] {
  const byName = new Map<string, AnyFamily>();
  for (const family of [...allFamilies, ...spaceFamilies]) if (!byName.has(family.name)) byName.set(family.name, family);
  return [...byName.values()].sort((a, b) => levelRank(a) - levelRank(b));
}

function levelRank(family: AnyFamily): number {
  return family.level === 'walk' ? 0 : 1;
}
