/**
 * The reference machine: an x86 PAE processor (control registers, PDPTE registers, a bounded TLB, the
 * page walker) over sparse physical RAM of up to 2^52 bytes. It is the machine every property suite runs
 * by default, the base that the seeded-fault mutants (models/broken and later catalogs) change one piece
 * of, and the MMU the multi-space system (kernel, gate, modules) runs on.
 *
 * Read top to bottom: entry.ts (entry decode), ram.ts, control-registers.ts, pdpte-registers.ts,
 * permissions.ts, page-fault.ts, walker.ts, entry-32.ts and walker-32.ts (32-bit paging with PSE and
 * PSE-36, used when CR4.PAE = 0), tlb.ts, cpu.ts.
 */
import type { Machine } from '../../src/machine/machine.ts';
import { processorMachine } from '../../src/machine/processor-machine.ts';
import { ReferenceProcessor, type ReferenceProcessorOptions } from './cpu.ts';

export { ControlRegisters } from './control-registers.ts';
export { ReferenceProcessor, type ReferenceProcessorOptions } from './cpu.ts';
export { pageFaultErrorCode, WalkError, type WalkFailure } from './page-fault.ts';
export { PaeTableBuilder, type PageAttributes } from './page-table-builder.ts';
export { hugePde, Paging32TableBuilder } from './page-table-builder-32.ts';
export { PdpteRegisters } from './pdpte-registers.ts';
export { Access, accessAllowed, PERMISSION } from './permissions.ts';
export { type FrameView, SparseRam } from './ram.ts';
export { DEFAULT_TLB_GEOMETRY, FRAMES_PER_LARGE_PAGE, NO_LARGE_VIEWS, Tlb, TLB_FLAG, TLB_INVALID_TAG, type TlbEntry, type TlbGeometry } from './tlb.ts';
export { PaeWalker, type WalkerContext, WalkResult } from './walker.ts';
export { Paging32Walker } from './walker-32.ts';

export function createReferenceProcessor(options: ReferenceProcessorOptions = {}): ReferenceProcessor {
  return new ReferenceProcessor(options);
}

export const referenceMachine: Machine = processorMachine('reference', createReferenceProcessor);
