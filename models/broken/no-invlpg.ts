/**
 * Broken on purpose: INVLPG does nothing, so a translation the kernel edited and invalidated stays in the
 * TLB. Caught by the TLB-coherence properties (a stale outcome after the required invalidation).
 */
import type { Machine } from '../../src/machine/machine.ts';
import { processorMachine } from '../../src/machine/processor-machine.ts';
import { ReferenceProcessor } from '../reference/index.ts';

export class NoInvlpgProcessor extends ReferenceProcessor {
  override invlpg(_va: number): void {
    // the fault: no invalidation at all
  }
}

export const noInvlpgMachine: Machine = processorMachine('broken:no-invlpg', (options) => new NoInvlpgProcessor(options));
