/**
 * The mutant catalog: seeded faults in the reference machine and system, each a small named deviation a
 * real implementation could plausibly have, each naming the property family meant to catch it. The
 * kill-matrix runner (src/mutants) measures how fast and how cleanly the harness catches each one; a
 * mutant no family catches is a gap in the harness, never a reason to drop the mutant.
 *
 * Layers: sparse RAM (ram.ts), the walker (walker-*.ts), the TLB (tlb.ts), and, at space level, the
 * kernel, the gate and the modules (system-*.ts; gate steps in steppable-gate.ts).
 */
import { type Mutant, type MutantLayer, MUTANT_LAYERS } from './mutant.ts';
import { ramMutants } from './ram.ts';
import { gateMutants } from './system-gate.ts';
import { kernelMutants } from './system-kernel.ts';
import { moduleMutants } from './system-modules.ts';
import { tlbMutants } from './tlb.ts';
import { walkerAddressMutants } from './walker-address.ts';
import { walkerReservedMutants } from './walker-reserved.ts';
import { walkerRightsMutants } from './walker-rights.ts';
import { walkerStatusBitMutants } from './walker-status-bits.ts';

export { type Mutant, type MutantInfo, type MutantLayer, MUTANT_LAYERS, systemMutant, walkMutant } from './mutant.ts';
export { SteppableGate } from './steppable-gate.ts';

export const mutantCatalog: readonly Mutant[] = checkedCatalog([
  ...ramMutants,
  ...walkerAddressMutants,
  ...walkerReservedMutants,
  ...walkerRightsMutants,
  ...walkerStatusBitMutants,
  ...tlbMutants,
  ...kernelMutants,
  ...gateMutants,
  ...moduleMutants,
]);

export function findMutant(name: string): Mutant | undefined {
  const full = name.startsWith('mutant:') ? name : `mutant:${name}`;
  return mutantCatalog.find((m) => m.name === full);
}

export function mutantsOfLayer(layer: MutantLayer): Mutant[] {
  return mutantCatalog.filter((m) => m.layer === layer);
}

/** Names are unique and every layer is listed in its order; a duplicate is a catalog bug. */
function checkedCatalog(mutants: Mutant[]): readonly Mutant[] {
  const seen = new Set<string>();
  for (const m of mutants) {
    if (seen.has(m.name)) throw new Error(`mutant catalog: ${m.name} is listed twice`);
    seen.add(m.name);
  }
  return Object.freeze(mutants.sort((a, b) => MUTANT_LAYERS.indexOf(a.layer) - MUTANT_LAYERS.indexOf(b.layer)));
}
