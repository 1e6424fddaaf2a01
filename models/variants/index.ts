/**
 * Machines after the related patents: the same architecture as the reference machine (the same contract,
 * the same specification), organised differently inside. Each is the reference processor with its
 * translation caching or its memory replaced by the structure its patent describes:
 *
 *   tsb/           US5479627A  a translation storage buffer behind a small TLB, probed per page size
 *   hashed/        US5446854A  a hash list of translation blocks and page frame descriptors
 *   intermediate/  US5784707A  two-stage translation, virtual -> intermediate -> physical
 *   shared-tlb/    US5630087A  TLB entries shared between address spaces through a space mask
 *
 * `variants` lists them with the property families they run; `variantMutants` lists each variant's
 * seeded faults with the families meant to catch them (like models/broken).
 */
import type { Machine } from '../../src/machine/machine.ts';
import type { ProcessorMachine } from '../../src/machine/processor-machine.ts';
import { hashedMachine } from './hashed/index.ts';
import { hashedMutants } from './hashed/mutants.ts';
import { intermediateMachine } from './intermediate/index.ts';
import { intermediateMutants } from './intermediate/mutants.ts';
import { sharedTlbMachine } from './shared-tlb/index.ts';
import { sharedTlbMutants } from './shared-tlb/mutants.ts';
import { tsbMachine } from './tsb/index.ts';
import { tsbMutants } from './tsb/mutants.ts';

/** The walk-level families every variant runs: the four of the reference, and 32-bit paging. */
export const COMMON_VARIANT_FAMILIES = ['translation', 'tlb-coherence', 'faults', 'big-memory', 'paging-32'] as const;

export interface VariantEntry {
  readonly machine: ProcessorMachine;
  /** The related patent the variant follows. */
  readonly patent: string;
  readonly description: string;
  /** Property families (src/properties) that apply to it and that it must pass. */
  readonly families: readonly string[];
}

export interface VariantMutant {
  readonly machine: Machine;
  /** Property families meant to catch it. */
  readonly targets: readonly string[];
}

export const variants: readonly VariantEntry[] = [
  {
    machine: tsbMachine,
    patent: 'US5479627A',
    description: 'translation storage buffer behind a small TLB, probed once per candidate page size',
    families: COMMON_VARIANT_FAMILIES,
  },
  {
    machine: hashedMachine,
    patent: 'US5446854A',
    description: 'hashed translation blocks and page frame descriptors with back pointers, built from the page tables on a miss',
    families: COMMON_VARIANT_FAMILIES,
  },
  {
    machine: intermediateMachine,
    patent: 'US5784707A',
    description: 'two-stage translation: virtual -> intermediate -> physical, big pages over scattered small frames',
    families: [...COMMON_VARIANT_FAMILIES, 'two-stage'],
  },
  {
    machine: sharedTlbMachine,
    patent: 'US5630087A',
    description: 'TLB entries shared between address spaces through a space mask, kept across MOV to CR3',
    families: COMMON_VARIANT_FAMILIES,
  },
];

export const variantMutants: readonly VariantMutant[] = [...tsbMutants, ...hashedMutants, ...intermediateMutants, ...sharedTlbMutants];

export { hashedMachine, intermediateMachine, sharedTlbMachine, tsbMachine };
