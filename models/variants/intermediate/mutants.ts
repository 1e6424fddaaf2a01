/**
 * Seeded faults in the intermediate-address machine's own structure, each a plausible bug of a
 * two-stage MMU and each meant to be caught by the two-stage family:
 *
 * - stage2-keeps-tlb: a map-stage2 updates the table but leaves the TLB and its cached backings, so a
 *   translation cached through the old physical frame stays in use (trace.ts: it invalidates everything).
 * - contiguous-big-page: a frame is resolved through the mapping of the first frame of its 2 MiB block
 *   when that one is listed, as if a big page were always backed by contiguous physical memory; the
 *   patent's whole point is that it need not be.
 * - tables-at-ipa: the walk reads and updates page-table entries (and loads PDPTEs) at their
 *   intermediate address taken as physical, skipping the second stage for the first stage's own tables.
 * - dirty-at-ipa: the walk reads entries through the second stage but sets accessed/dirty bits at the
 *   intermediate address taken as physical.
 */
import type { Machine } from '../../../src/machine/machine.ts';
import { processorMachine } from '../../../src/machine/processor-machine.ts';
import { PaeWalker, Paging32Walker, type SparseRam, type WalkerContext } from '../../reference/index.ts';
import { IntermediateProcessor, type IntermediateProcessorOptions } from './processor.ts';
import { Stage2Ram } from './stage2-ram.ts';

/** The physical RAM beneath a walker's Stage2Ram. */
function physicalOf(context: Pick<WalkerContext, 'ram'>): SparseRam {
  return (context.ram as Stage2Ram).physical;
}

class StaleBackingProcessor extends IntermediateProcessor {
  protected override onStage2Change(): void {
    // the fault: nothing cached is dropped
  }
}

/** 2 MiB blocks of intermediate frames. */
const BLOCK_FRAMES = 512;

class ContiguousBigPageRam extends Stage2Ram {
  override resolve(ipaFrame: number): number {
    const base = ipaFrame - (ipaFrame % BLOCK_FRAMES);
    // the fault: the block's first mapping stands for the whole block
    return this.table.has(base) ? this.table.physicalFrame(base) + (ipaFrame - base) : this.table.physicalFrame(ipaFrame);
  }
}

class PhysicalTablesProcessor extends IntermediateProcessor {
  protected override loadPdptes(cr3: number): boolean {
    // the fault: the PDPT is read at CR3 taken as a physical address
    return this.pdptes.load(this.physical, cr3);
  }
}

/** A and D set by a read-modify-write at the entry's intermediate address taken as physical. */
class DirtyAtIpaWalker extends PaeWalker {
  protected override setEntryBit(address: number, mask: number): void {
    setAtIpa(physicalOf({ ram: this.ram }), address, mask);
  }
}

class DirtyAtIpaWalker32 extends Paging32Walker {
  protected override setEntryBit(address: number, mask: number): void {
    setAtIpa(physicalOf({ ram: this.ram }), address, mask);
  }
}

function setAtIpa(physical: SparseRam, address: number, mask: number): void {
  const lo = physical.read32(address);
  // the fault: `address` is intermediate, and no second stage was applied
  if ((lo & mask) === 0) physical.write32(address, (lo | mask) >>> 0);
}

function machine(name: string, create: (options: IntermediateProcessorOptions) => IntermediateProcessor): Machine {
  return processorMachine(`variant:intermediate/${name}`, (options) => create(options));
}

export const intermediateMutants: readonly { readonly machine: Machine; readonly targets: readonly string[] }[] = [
  { machine: machine('stage2-keeps-tlb', (o) => new StaleBackingProcessor(o)), targets: ['two-stage'] },
  {
    machine: machine('contiguous-big-page', (o) => new IntermediateProcessor({ ...o, createStage2Ram: (p, t) => new ContiguousBigPageRam(p, t) })),
    targets: ['two-stage'],
  },
  {
    machine: machine(
      'tables-at-ipa',
      (o) =>
        new PhysicalTablesProcessor({
          ...o,
          createWalker: (c) => new PaeWalker({ ...c, ram: physicalOf(c) }),
          createWalker32: (c) => new Paging32Walker({ ...c, ram: physicalOf(c) }),
        }),
    ),
    targets: ['two-stage'],
  },
  {
    machine: machine(
      'dirty-at-ipa',
      (o) =>
        new IntermediateProcessor({
          ...o,
          createWalker: (c) => new DirtyAtIpaWalker(c),
          createWalker32: (c) => new DirtyAtIpaWalker32(c),
        }),
    ),
    targets: ['two-stage'],
  },
];
