/**
 * Seeded faults in the accessed and dirty bits (SDM 4.8): not set where they must be, or set by an access
 * that faults. The final memory image, A/D bits included, is compared with the specification's.
 */
import type { ProcessorOptions } from '../../src/machine/processor.ts';
import { ACCESSED_MASK, isAccessed, isPresent } from '../reference/entry.ts';
import { Access, PaeWalker, ReferenceProcessor, WalkError, type WalkerContext, type WalkResult } from '../reference/index.ts';
import { type Mutant, walkMutant } from './mutant.ts';

/** A set in the leaf only: the PDE above a 4 KiB page keeps A = 0. */
class AccessedLeafOnlyWalker extends PaeWalker {
  override setAccessed(out: WalkResult): void {
    if (out.large) {
      super.setAccessed(out);
      return;
    }
    if (!isAccessed(out.pteLo)) this.setEntryBit(out.pteAddress, ACCESSED_MASK);
  }
}

/** D never written into a 2 MiB leaf, though the store goes on as if it were. */
class DirtySkipsLargeWalker extends PaeWalker {
  override setDirty(out: WalkResult): void {
    if (out.large) {
      out.dirty = true;
      return;
    }
    super.setDirty(out);
  }
}

/** A set as soon as the entries are found, before the rights check: a refused access leaves A = 1. */
class AccessedBeforeRightsWalker extends PaeWalker {
  override walk(va: number, access: Access, user: boolean, out: WalkResult): boolean {
    if (this.lookup(va, out)) this.setAccessed(out);
    return super.walk(va, access, user, out);
  }
}

/**
 * A written into the entry that stopped the walk as not present: the walker sets A as it reads each
 * entry, before testing P, and so corrupts what the OS keeps in not-present entries (swap slots).
 */
class AccessedNotPresentWalker extends PaeWalker {
  override walk(va: number, access: Access, user: boolean, out: WalkResult): boolean {
    const ok = super.walk(va, access, user, out);
    if (!ok && out.error === WalkError.NotPresent) this.markFailedEntry(va, out);
    return ok;
  }

  private markFailedEntry(va: number, out: WalkResult): void {
    // A not-present PDPTE register stops the walk before any entry in memory is read.
    if (!isPresent(this.pdptes.lo[this.pdpteIndex(va)]!)) return;
    this.setEntryBit(isPresent(out.pdeLo) ? out.pteAddress : out.pdeAddress, ACCESSED_MASK);
  }
}

/** D set by a store as soon as the leaf is found, before the rights check: a refused store leaves D = 1. */
class DirtyBeforeRightsWalker extends PaeWalker {
  override walk(va: number, access: Access, user: boolean, out: WalkResult): boolean {
    if (access === Access.Write && this.lookup(va, out)) this.setDirty(out);
    return super.walk(va, access, user, out);
  }
}

/**
 * A store across two pages sets D in the first page's leaf before the second page is translated, so a
 * store that faults on its second page leaves the first page dirty (nothing was written).
 */
class EagerDirtyProcessor extends ReferenceProcessor {
  protected override translate(va: number, access: Access, user: boolean, out: WalkResult, _deferDirty: boolean): boolean {
    return super.translate(va, access, user, out, false);
  }
}

function withWalker(create: (context: WalkerContext) => PaeWalker) {
  return (options: ProcessorOptions) => new ReferenceProcessor({ ...options, createWalker: create });
}

export const walkerStatusBitMutants: readonly Mutant[] = [
  walkMutant(
    {
      name: 'walker-accessed-leaf-only',
      layer: 'walker',
      description: 'Accessed bit not set in the PDE that points to a page table; only the PTE gets A = 1.',
      family: 'translation',
    },
    withWalker((c) => new AccessedLeafOnlyWalker(c)),
  ),
  walkMutant(
    {
      name: 'walker-dirty-skips-large',
      layer: 'walker',
      description: 'Dirty bit not set on a store to a 2 MiB page (the PDE leaf), only on 4 KiB pages.',
      family: 'translation',
    },
    withWalker((c) => new DirtySkipsLargeWalker(c)),
  ),
  walkMutant(
    {
      name: 'walker-accessed-on-fault',
      layer: 'walker',
      description: 'Accessed bits set on a faulting access: A is written before the rights check refuses the access.',
      family: 'faults',
      equivalent:
        'the SDM does not say whether A is set in the entries of a translation that exists but refuses the access (a speculative walk may set it); the specification accepts A set or clear there',
    },
    withWalker((c) => new AccessedBeforeRightsWalker(c)),
  ),
  walkMutant(
    {
      name: 'walker-accessed-not-present',
      layer: 'walker',
      description: 'Accessed bits set on a faulting access: A is written into the not-present entry that stopped the walk.',
      family: 'faults',
    },
    withWalker((c) => new AccessedNotPresentWalker(c)),
  ),
  walkMutant(
    {
      name: 'walker-dirty-on-fault',
      layer: 'walker',
      description: 'Dirty bit set on a faulting store: D is written before the rights check refuses the write.',
      family: 'faults',
    },
    withWalker((c) => new DirtyBeforeRightsWalker(c)),
  ),
  walkMutant(
    {
      name: 'walker-dirty-before-second-page',
      layer: 'walker',
      description: 'A store straddling two pages sets D in the first page before translating the second; a fault there leaves D = 1.',
      family: 'faults',
    },
    (options) => new EagerDirtyProcessor(options),
  ),
];
