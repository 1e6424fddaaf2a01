/**
 * Every property family, by name. The suites, the campaign runner and the mutant benchmark look
 * families up here.
 */
import type { AnyFamily } from './family.ts';
import { spaceFamilies } from './space-families.ts';
import { variantFamilies } from './variant-families.ts';
import { walkFamilies } from './walk-families.ts';

export const allFamilies: readonly AnyFamily[] = [...walkFamilies, ...variantFamilies, ...spaceFamilies];

export function familyNames(): string[] {
  return allFamilies.map((f) => f.name);
}

export function findFamily(name: string): AnyFamily | undefined {
  return allFamilies.find((f) => f.name === name);
}
