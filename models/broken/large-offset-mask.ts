/**
 * Broken on purpose: the offset inside a 2 MiB page is masked with 0xFFFFF instead of 0x1FFFFF, so the
 * upper 1 MiB of every large page aliases its lower 1 MiB. Caught by the translation properties with
 * 2 MiB mappings. The walker and the TLB hit path both take the offset from `largeOffset`.
 */
import type { Machine } from '../../src/machine/machine.ts';
import { processorMachine } from '../../src/machine/processor-machine.ts';
import { PaeWalker, ReferenceProcessor } from '../reference/index.ts';

export class ShortLargeOffsetWalker extends PaeWalker {
  override largeOffset(va: number): number {
    return va & 0xfffff;
  }
}

export const largeOffsetMaskMachine: Machine = processorMachine(
  'broken:large-offset-mask',
  (options) => new ReferenceProcessor({ ...options, createWalker: (context) => new ShortLargeOffsetWalker(context) }),
);
