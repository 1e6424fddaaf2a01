/**
 * What a catalog mutant is: a machine under test (the reference machine or system with one small,
 * plausible fault seeded into it) plus what a reader and the kill-matrix runner need to know about it.
 * A mutant is itself a `MachineUnderTest`, so every family can run on it unchanged.
 */
import type { Machine } from '../../src/machine/machine.ts';
import { processorMachine } from '../../src/machine/processor-machine.ts';
import type { ProcessorFactory } from '../../src/machine/processor.ts';
import type { SpaceSystemFactory } from '../../src/machine/system.ts';
import type { MachineUnderTest } from '../../src/properties/family.ts';

/** Where the fault sits: the piece of the reference machine or system that the mutant changes. */
export const MUTANT_LAYERS = ['ram', 'walker', 'tlb', 'kernel', 'gate', 'modules'] as const;
export type MutantLayer = (typeof MUTANT_LAYERS)[number];

export interface Mutant extends MachineUnderTest {
  /** `mutant:<short-name>`, unique in the catalog. */
  readonly name: string;
  readonly layer: MutantLayer;
  /** The real-world bug the mutant stands for, in a sentence or two. */
  readonly description: string;
  /** The property family meant to catch it (src/properties/registry.ts). */
  readonly family: string;
  /**
   * Why no observation can tell the mutant from the reference, when that is so; null otherwise. An
   * equivalent mutant stays in the catalog (it documents a choice the architecture leaves open) but does
   * not count in the mutation score.
   */
  readonly equivalent: string | null;
}

export interface MutantInfo {
  readonly name: string;
  readonly layer: MutantLayer;
  readonly description: string;
  readonly family: string;
  readonly equivalent?: string;
}

const PREFIX = 'mutant:';

function qualified(name: string): string {
  if (!/^[a-z0-9]+(-[a-z0-9]+)*$/.test(name)) throw new Error(`mutant name ${JSON.stringify(name)} must be kebab-case`);
  return PREFIX + name;
}

/** A walk-level mutant: the reference processor with one piece replaced, behind the batch contract. */
export function walkMutant(info: MutantInfo, factory: ProcessorFactory): Mutant {
  const name = qualified(info.name);
  const walk: Machine = processorMachine(name, factory);
  return { ...metadata(info), name, walk, system: null };
}

/** A space-level mutant: the reference system with one part replaced (kernel, gate or a module). */
export function systemMutant(info: MutantInfo, system: (name: string) => SpaceSystemFactory): Mutant {
  const name = qualified(info.name);
  return { ...metadata(info), name, walk: null, system: system(name) };
}

function metadata(info: MutantInfo): Omit<Mutant, 'name' | 'walk' | 'system'> {
  return { layer: info.layer, description: info.description, family: info.family, equivalent: info.equivalent ?? null };
}
