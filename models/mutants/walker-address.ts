/**
 * Seeded faults in how the walker splits a linear address and finds the leaf (models/reference/walker.ts):
 * index bits taken from the wrong place at one level, the page-size bit looked at one level too late, and
 * the PDPTE registers not reloaded on a MOV to CR3.
 */
import { PAE_INDEX, PAGE_4K } from '../../src/arch/entry-layout.ts';
import type { ProcessorOptions } from '../../src/machine/processor.ts';
import {
  isDirty,
  isExecuteDisabled,
  isGlobal,
  isLargePage,
  isPresent,
  LARGE_ADDRESS_LOW_MASK,
  LARGE_RESERVED_LOW_MASK,
  TABLE_ADDRESS_LOW_MASK,
} from '../reference/entry.ts';
import { PaeWalker, PERMISSION, ReferenceProcessor, WalkError, type WalkerContext, type WalkResult } from '../reference/index.ts';
import { type Mutant, walkMutant } from './mutant.ts';

/** The PDE index taken from va bits 30..22, the split of 32-bit (non-PAE) paging, masked to nine bits. */
class PdeIndex32BitSplitWalker extends PaeWalker {
  override pdeIndex(va: number): number {
    return (va >>> 22) & PAE_INDEX.INDEX_MASK;
  }
}

/** The PTE index masked with 0xff: eight bits instead of nine. */
class PteIndex8BitsWalker extends PaeWalker {
  override pteIndex(va: number): number {
    return (va >>> PAE_INDEX.PTE_SHIFT) & 0xff;
  }
}

/**
 * PS tested one level too late: a PDE is always taken as a pointer to a page table, and bit 7 of the
 * PTE (PAT there) is taken as PS. The lookup is the reference's, step for step, but for those two tests.
 */
class PsOneLevelLateWalker extends PaeWalker {
  override lookup(va: number, out: WalkResult): boolean {
    out.error = WalkError.None;
    const index = this.pdpteIndex(va);
    const pdpteLo = this.pdptes.lo[index]! | 0;
    const pdpteHi = this.pdptes.hi[index]! | 0;
    if (!isPresent(pdpteLo)) return fail(out, WalkError.NotPresent);
    const reservedHigh = this.control.noExecute ? this.reservedHighNxe : this.reservedHighNoNxe;
    let permissions = PERMISSION.WRITABLE | PERMISSION.USER | (isExecuteDisabled(pdpteHi) ? PERMISSION.NO_EXECUTE : 0);

    const pdeAddress = this.addressFrame(pdpteLo, pdpteHi, TABLE_ADDRESS_LOW_MASK) * PAGE_4K + this.pdeIndex(va) * PAE_INDEX.ENTRY_BYTES;
    const [pdeLo, pdeHi] = this.entryAt(pdeAddress);
    out.pdeAddress = pdeAddress;
    out.pdeLo = pdeLo;
    const pdeError = this.entryError(pdeLo, pdeHi, 0, reservedHigh); // the fault: PS not looked at here
    if (pdeError !== WalkError.None) return fail(out, pdeError);
    permissions = this.combinePermissions(permissions, pdeLo, pdeHi);

    const pteAddress = this.addressFrame(pdeLo, pdeHi, TABLE_ADDRESS_LOW_MASK) * PAGE_4K + this.pteIndex(va) * PAE_INDEX.ENTRY_BYTES;
    const [pteLo, pteHi] = this.entryAt(pteAddress);
    out.pteAddress = pteAddress;
    out.pteLo = pteLo;
    const large = isLargePage(pteLo); // the fault: PS looked at in the PTE
    const pteError = this.entryError(pteLo, pteHi, large ? LARGE_RESERVED_LOW_MASK : 0, reservedHigh);
    if (pteError !== WalkError.None) return fail(out, pteError);
    const pageFrame = this.addressFrame(pteLo, pteHi, large ? LARGE_ADDRESS_LOW_MASK : TABLE_ADDRESS_LOW_MASK);
    // The leaf is the PTE whatever size it was taken for, so it is cached as the 4 KiB page of va.
    out.large = false;
    out.frame = large ? pageFrame + (this.largeOffset(va) >>> PAE_INDEX.PTE_SHIFT) : pageFrame;
    out.pageFrame = out.frame;
    out.permissions = this.combinePermissions(permissions, pteLo, pteHi);
    out.global = isGlobal(pteLo);
    out.dirty = isDirty(pteLo);
    return true;
  }

  private entryAt(address: number): [number, number] {
    this.ram.read64(address);
    return [this.ram.readLo | 0, this.ram.readHi | 0];
  }
}

function fail(out: WalkResult, error: WalkError): false {
  out.error = error;
  return false;
}

/** MOV to CR3 loads CR3 and flushes the TLB but keeps the old PDPTE registers (SDM 4.4.1 says reload). */
class StalePdpteProcessor extends ReferenceProcessor {
  override movCr3(value: number): boolean {
    this.control.cr3 = value >>> 0;
    this.onWriteCr3();
    return true;
  }
}

function withWalker(create: (context: WalkerContext) => PaeWalker) {
  return (options: ProcessorOptions) => new ReferenceProcessor({ ...options, createWalker: create });
}

export const walkerAddressMutants: readonly Mutant[] = [
  walkMutant(
    {
      name: 'walker-pde-index-32bit-split',
      layer: 'walker',
      description: 'The PDE index is taken from va bits 30..22, as in 32-bit paging, instead of bits 29..21.',
      family: 'translation',
    },
    withWalker((c) => new PdeIndex32BitSplitWalker(c)),
  ),
  walkMutant(
    {
      name: 'walker-pte-index-8-bits',
      layer: 'walker',
      description: 'The PTE index is masked with 0xff, one bit short: pages in the upper half of a page table use the lower half.',
      family: 'translation',
    },
    withWalker((c) => new PteIndex8BitsWalker(c)),
  ),
  walkMutant(
    {
      name: 'walker-ps-one-level-late',
      layer: 'walker',
      description: 'PS is honoured at the wrong level: a 2 MiB PDE is walked as a page-table pointer and PTE bit 7 (PAT) is taken as PS.',
      family: 'translation',
    },
    withWalker((c) => new PsOneLevelLateWalker(c)),
  ),
  walkMutant(
    {
      name: 'walker-pdpte-not-reloaded',
      layer: 'walker',
      description: 'MOV to CR3 under PAE paging does not reload the four PDPTE registers, so walks continue from the old root.',
      family: 'tlb-coherence',
    },
    (options) => new StalePdpteProcessor(options),
  ),
];
