/**
 * Seeded faults in the hashed machine's own structure, each meant to be caught by the family named:
 *
 * - stale-back-pointer (big-memory): a page frame descriptor is recycled for another frame without
 *   dropping the translation entries on its list, so their back pointers resolve to the new frame (the
 *   big-memory traces touch the most distinct frames, and revisit them through aliases and twins).
 * - chain-ignores-size (translation): the hash chain is searched on base VA alone; since the hash index
 *   comes from the base only, a 4 KiB block and a 2 MiB block with the same base share a chain, and a
 *   probe of one size takes the other's entry.
 * - invlpg-one-size (tlb-coherence): INVLPG drops the page's 4 KiB entry only, so a 2 MiB translation
 *   survives the invalidation of its page.
 */
import type { Machine } from '../../../src/machine/machine.ts';
import { processorMachine } from '../../../src/machine/processor-machine.ts';
import { SIZE_4K, type SizeCode } from '../page-sizes.ts';
import { DEFAULT_HASHED_GEOMETRY, HashedTranslationTable } from './hashed-translation-table.ts';
import { PageFrameDescriptors } from './page-frame-descriptors.ts';
import { HashedProcessor, type HashedProcessorOptions } from './processor.ts';

class ForgetfulDescriptors extends PageFrameDescriptors {
  protected override recycle(pfd: number, _dropEntries: (pfd: number) => void): void {
    // the fault: the entries on the list keep pointing here
    super.recycle(pfd, () => undefined);
  }
}

class SizeBlindChains extends HashedTranslationTable {
  protected override blockMatches(tb: number, base: number, _size: SizeCode): boolean {
    return this.tbBase[tb] === base; // the fault: the block's page size is not compared
  }
}

class Invlpg4kOnlyProcessor extends HashedProcessor {
  protected override invalidateTablePage(va: number): void {
    this.table.invalidateSize(va, SIZE_4K); // the fault: the large sizes are not looked up
  }
}

function machine(name: string, create: (options: HashedProcessorOptions) => HashedProcessor): Machine {
  return processorMachine(`variant:hashed/${name}`, (options) => create(options));
}

export const hashedMutants: readonly { readonly machine: Machine; readonly targets: readonly string[] }[] = [
  {
    machine: machine('stale-back-pointer', (o) => new HashedProcessor({ ...o, createTable: () => new HashedTranslationTable(DEFAULT_HASHED_GEOMETRY, new ForgetfulDescriptors(DEFAULT_HASHED_GEOMETRY.descriptors)) })),
    targets: ['big-memory'],
  },
  { machine: machine('chain-ignores-size', (o) => new HashedProcessor({ ...o, createTable: () => new SizeBlindChains() })), targets: ['translation'] },
  { machine: machine('invlpg-one-size', (o) => new Invlpg4kOnlyProcessor(o)), targets: ['tlb-coherence'] },
];
