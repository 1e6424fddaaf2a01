/**
 * Seeded faults in the shared TLB's sharing rule, each meant to be caught by the family named:
 *
 * - mask-too-wide (translation): a non-global entry is filled with every space's bit, as if it were
 *   global, so another space that maps the address elsewhere uses it after MOV to CR3.
 * - share-ignores-frame (translation): the address identification compares the page and the rights but
 *   not the physical frame, so a space's walk joins an entry for another space's frame.
 * - no-snoop (tlb-coherence): writes to paging structures do not drop the entries kept across MOV to
 *   CR3, so after an edit and a MOV to CR3 (the invalidation the architecture requires) a kept entry is
 *   stale.
 * - slot-reuse-keeps-bit (translation): a space slot handed to a new CR3 keeps its bit in the masks, so
 *   the new space inherits the old one's entries.
 */
import type { Machine } from '../../../src/machine/machine.ts';
import { processorMachine } from '../../../src/machine/processor-machine.ts';
import { SharedTlbProcessor, type SharedTlbProcessorOptions } from './processor.ts';
import { ALL_SPACES, SharedTlb } from './shared-tlb.ts';

class WideMaskTlb extends SharedTlb {
  protected override maskFor(_flags: number): number {
    return ALL_SPACES; // the fault: every space, global or not
  }
}

class FrameBlindTlb extends SharedTlb {
  protected override sameTranslation(_frames: Float64Array, flags: Int32Array, slot: number, _frame: number, entryFlags: number): boolean {
    return flags[slot] === entryFlags; // the fault: the frame is not compared
  }
}

class NoSnoopProcessor extends SharedTlbProcessor {
  protected override dropRetained(): void {
    // the fault: kept entries outlive the write
  }
}

class SlotReuseProcessor extends SharedTlbProcessor {
  protected override retireSpace(_bit: number): void {
    // the fault: the old space's bit stays in the masks
  }
}

function machine(name: string, create: (options: SharedTlbProcessorOptions) => SharedTlbProcessor): Machine {
  return processorMachine(`variant:shared-tlb/${name}`, (options) => create(options));
}

export const sharedTlbMutants: readonly { readonly machine: Machine; readonly targets: readonly string[] }[] = [
  { machine: machine('mask-too-wide', (o) => new SharedTlbProcessor({ ...o, createSharedTlb: (g) => new WideMaskTlb(g) })), targets: ['translation'] },
  { machine: machine('share-ignores-frame', (o) => new SharedTlbProcessor({ ...o, createSharedTlb: (g) => new FrameBlindTlb(g) })), targets: ['translation'] },
  { machine: machine('no-snoop', (o) => new NoSnoopProcessor(o)), targets: ['tlb-coherence'] },
  { machine: machine('slot-reuse-keeps-bit', (o) => new SlotReuseProcessor(o)), targets: ['translation'] },
];
