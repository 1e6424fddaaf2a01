/**
 * The shared-TLB variant (US5630087A): TLB entries shared between address spaces through a space mask,
 * kept across MOV to CR3 while paging-structure writes are snooped. Read: space-slots.ts, table-snoop.ts,
 * shared-tlb.ts, processor.ts (the sharing rule); mutants.ts holds its seeded faults.
 */
import { type ProcessorMachine, processorMachine } from '../../../src/machine/processor-machine.ts';
import { createSharedTlbProcessor } from './processor.ts';

export { createSharedTlbProcessor, SharedTlbProcessor, type SharedTlbProcessorOptions } from './processor.ts';
export { ALL_SPACES, SharedTlb } from './shared-tlb.ts';
export { SPACE_SLOTS, SpaceSlots } from './space-slots.ts';
export { SnoopingRam, TableSnoop } from './table-snoop.ts';

export const sharedTlbMachine: ProcessorMachine = processorMachine('variant:shared-tlb', createSharedTlbProcessor);
