/**
 * Broken on purpose: MOV to CR3 flushes nothing, so translations of the previous address space survive a
 * switch. Caught by the TLB-coherence properties (a non-global translation used after MOV to CR3).
 */
import type { Machine } from '../../src/machine/machine.ts';
import { processorMachine } from '../../src/machine/processor-machine.ts';
import { ReferenceProcessor } from '../reference/index.ts';

export class Cr3KeepsNonGlobalProcessor extends ReferenceProcessor {
  protected override onWriteCr3(): void {
    // the fault: the non-global entries should go here
  }
}

export const cr3KeepsNonGlobalMachine: Machine = processorMachine(
  'broken:cr3-keeps-nonglobal',
  (options) => new Cr3KeepsNonGlobalProcessor(options),
);
