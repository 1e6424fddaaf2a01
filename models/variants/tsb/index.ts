/**
 * The TSB variant (US5479627A): a small TLB in front of a translation storage buffer probed once per
 * candidate page size. Read: translation-storage-buffer.ts, processor.ts; mutants.ts holds its seeded faults.
 */
import { type ProcessorMachine, processorMachine } from '../../../src/machine/processor-machine.ts';
import { createTsbProcessor } from './processor.ts';

export { createTsbProcessor, TSB_ENTRIES, TSB_FRONT_TLB, TsbProcessor, type TsbProcessorOptions } from './processor.ts';
export { TranslationStorageBuffer } from './translation-storage-buffer.ts';

export const tsbMachine: ProcessorMachine = processorMachine('variant:tsb', createTsbProcessor);
