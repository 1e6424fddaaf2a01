/**
 * The hashed variant (US5446854A): a small TLB in front of a hashed translation table of translation
 * blocks and page frame descriptors with back pointers. Read: page-frame-descriptors.ts,
 * hashed-translation-table.ts, processor.ts; mutants.ts holds its seeded faults.
 */
import { type ProcessorMachine, processorMachine } from '../../../src/machine/processor-machine.ts';
import { createHashedProcessor } from './processor.ts';

export { DEFAULT_HASHED_GEOMETRY, HashedTranslationTable, type HashedGeometry, TB_PAGES } from './hashed-translation-table.ts';
export { PageFrameDescriptors } from './page-frame-descriptors.ts';
export { createHashedProcessor, HASHED_FRONT_TLB, HashedProcessor, type HashedProcessorOptions } from './processor.ts';

export const hashedMachine: ProcessorMachine = processorMachine('variant:hashed', createHashedProcessor);
