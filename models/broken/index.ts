/**
 * Deliberately broken machines: the reference machine with exactly one piece substituted or overridden.
 * Each must be caught by the property families listed in its `targets`; a suite that passes on one of them
 * is not testing what it claims. (The larger seeded-fault catalog for mutation scoring lives elsewhere.)
 */
import type { Machine } from '../../src/machine/machine.ts';
import { cr3KeepsNonGlobalMachine } from './cr3-keeps-nonglobal.ts';
import { largeOffsetMaskMachine } from './large-offset-mask.ts';
import { noAccessedDirtyMachine } from './no-accessed-dirty.ts';
import { noInvlpgMachine } from './no-invlpg.ts';
import { truncatedPaMachine } from './truncated-pa.ts';

/** Property families (properties/) that a broken machine is meant to fail. */
export type BrokenTarget = 'translation' | 'tlb-coherence' | 'faults' | 'big-memory';

export interface BrokenMachine {
  readonly machine: Machine;
  readonly targets: BrokenTarget[];
}

export const brokenMachines: readonly BrokenMachine[] = [
  { machine: noInvlpgMachine, targets: ['tlb-coherence'] },
  { machine: truncatedPaMachine, targets: ['big-memory', 'translation'] },
  { machine: largeOffsetMaskMachine, targets: ['translation'] },
  { machine: cr3KeepsNonGlobalMachine, targets: ['tlb-coherence'] },
  { machine: noAccessedDirtyMachine, targets: ['translation'] },
];

export { cr3KeepsNonGlobalMachine, largeOffsetMaskMachine, noAccessedDirtyMachine, noInvlpgMachine, truncatedPaMachine };
export { Cr3KeepsNonGlobalProcessor } from './cr3-keeps-nonglobal.ts';
export { ShortLargeOffsetWalker } from './large-offset-mask.ts';
export { NoAccessedDirtyWalker } from './no-accessed-dirty.ts';
export { NoInvlpgProcessor } from './no-invlpg.ts';
export { TruncatingWalker } from './truncated-pa.ts';
