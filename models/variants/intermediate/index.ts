/**
 * The intermediate-address variant (US5784707A): two-stage translation, virtual -> intermediate ->
 * physical, with big virtual pages backed by scattered small physical frames. Read: stage2-table.ts,
 * stage2-ram.ts, processor.ts; mutants.ts holds its seeded faults.
 */
import { type ProcessorMachine, processorMachine } from '../../../src/machine/processor-machine.ts';
import { createIntermediateProcessor } from './processor.ts';

export { createIntermediateProcessor, IntermediateProcessor, type IntermediateProcessorOptions } from './processor.ts';
export { Stage2Ram } from './stage2-ram.ts';
export { Stage2Table } from './stage2-table.ts';

export const intermediateMachine: ProcessorMachine = processorMachine('variant:intermediate', createIntermediateProcessor);
