/**
 * Seeded faults in the TSB machine's own structure, each a plausible bug of a TSB and each meant to be
 * caught by the family named beside it:
 *
 * - tag-ignores-size (translation): the candidate tag is compared without its size, so a 4 KiB entry
 *   whose page number equals a 2 MiB probe's target (page 3 of 4 KiB vs page 3 of 2 MiB: both pointer
 *   and tag 3) is taken for the 2 MiB translation.
 * - invlpg-probes-4k-only (tlb-coherence): INVLPG computes the pointer assuming only the 4 KiB size, so
 *   a 2 MiB entry survives the invalidation of its page.
 * - cr3-keeps-tsb (tlb-coherence): MOV to CR3 flushes the TLB but not the TSB, so a non-global
 *   translation of the old address space comes back from the TSB.
 * - four-mib-half-frame (paging-32): for a 4 MiB page the TSB stores the frame of the 2 MiB half the walk
 *   was for, as if it were the page's first frame, so a refill for the other half is 2 MiB off.
 */
import type { Machine } from '../../../src/machine/machine.ts';
import { processorMachine } from '../../../src/machine/processor-machine.ts';
import type { WalkResult } from '../../reference/index.ts';
import { SIZE_4K, type SizeCode } from '../page-sizes.ts';
import { TsbProcessor, type TsbProcessorOptions } from './processor.ts';
import { TranslationStorageBuffer } from './translation-storage-buffer.ts';

class SizeBlindTsb extends TranslationStorageBuffer {
  override matches(slot: number, target: number, _size: SizeCode): boolean {
    return this.tag[slot] === target; // the fault: the size is not compared
  }
}

class Invlpg4kOnlyProcessor extends TsbProcessor {
  protected override invalidateTsbPage(va: number): void {
    this.tsb.invalidateSize(va, SIZE_4K); // the fault: the other sizes are not probed
  }
}

class Cr3KeepsTsbProcessor extends TsbProcessor {
  protected override onWriteCr3(): void {
    this.tlb.flushNonGlobal(); // the fault: the TSB keeps its non-global entries
  }
}

class HalfFrameProcessor extends TsbProcessor {
  protected override tsbFrame(out: WalkResult): number {
    return out.pageFrame; // the fault: the walked half's frame, not the page's
  }
}

function machine(name: string, create: (options: TsbProcessorOptions) => TsbProcessor): Machine {
  return processorMachine(`variant:tsb/${name}`, (options) => create(options));
}

export const tsbMutants: readonly { readonly machine: Machine; readonly targets: readonly string[] }[] = [
  { machine: machine('tag-ignores-size', (o) => new TsbProcessor({ ...o, createTsb: (n) => new SizeBlindTsb(n) })), targets: ['translation'] },
  { machine: machine('invlpg-probes-4k-only', (o) => new Invlpg4kOnlyProcessor(o)), targets: ['tlb-coherence'] },
  { machine: machine('cr3-keeps-tsb', (o) => new Cr3KeepsTsbProcessor(o)), targets: ['tlb-coherence'] },
  { machine: machine('four-mib-half-frame', (o) => new HalfFrameProcessor(o)), targets: ['paging-32'] },
];
