/**
 * Seeded faults in the TLB (models/reference/tlb.ts) and in what the processor caches in it (cpu.ts):
 * tags, invalidation of 2 MiB entries, global entries, the write permission cached before D is set, the
 * frame number stored with too little precision. Two are equivalent: a TLB may drop any entry at any time
 * (SDM 4.10.2.3, 4.10.4), so losing entries early changes speed, never an outcome.
 */
import { PAGE_2M } from '../../src/arch/entry-layout.ts';
import type { ProcessorOptions } from '../../src/machine/processor.ts';
import { ReferenceProcessor, Tlb, TLB_FLAG, type TlbGeometry, type WalkResult } from '../reference/index.ts';
import { type Mutant, walkMutant } from './mutant.ts';

const INVALID = -1;

/** A 2 MiB translation cached in the 4 KiB array under va's page, frame of the page's first 4 KiB. */
class SizeBlindTagTlb extends Tlb {
  override fill(va: number, _large: boolean, frame: number, flags: number): number {
    return super.fill(va, false, frame, flags);
  }
}

/** INVLPG removes a 2 MiB entry only when given the page's first address (equality, not containment). */
class LargeInvlpgByBaseTlb extends Tlb {
  override invalidatePage(va: number): void {
    const small = this.lookupSmall(va);
    if (small >= 0) this.smallTag[small] = INVALID;
    const large = this.lookupLarge(va);
    if (large >= 0 && va % PAGE_2M === 0) this.largeTag[large] = INVALID;
  }
}

/** INVLPG of an address the tables map with 2 MiB leaves the 4 KiB entries cached inside that region. */
class KeepsSmallInLargeTlb extends Tlb {
  override invalidateSmallWithinLarge(_va: number): void {
    // the fault: nothing
  }
}

/** A full flush (PG, PGE or PAE changed) keeps global entries, as a MOV to CR3 does. */
class FullFlushKeepsGlobalTlb extends Tlb {
  override flushAll(): void {
    this.flushNonGlobal();
  }
}

/** INVLPG skips entries marked global. */
class InvlpgSkipsGlobalTlb extends Tlb {
  override invalidatePage(va: number): void {
    const small = this.lookupSmall(va);
    if (small >= 0 && (this.smallFlags[small]! & TLB_FLAG.GLOBAL) === 0) this.smallTag[small] = INVALID;
    const large = this.lookupLarge(va);
    if (large >= 0 && (this.largeFlags[large]! & TLB_FLAG.GLOBAL) === 0) this.largeTag[large] = INVALID;
  }
}

/** The frame number stored as a 32-bit float: exact below 2^24 frames (64 GiB), rounded above. */
class Float32FrameTlb extends Tlb {
  override fill(va: number, large: boolean, frame: number, flags: number): number {
    return super.fill(va, large, Math.fround(frame), flags);
  }
}

/** MOV to CR3 flushes global entries too. Equivalent: a TLB may always miss. */
class Cr3DropsGlobalTlb extends Tlb {
  override flushNonGlobal(): void {
    this.flushAll();
  }
}

/** The configured geometry ignored: one set of one way per page size. Equivalent: eviction is invisible. */
function singleEntryTlb(_geometry: TlbGeometry): Tlb {
  return new Tlb({ smallSets: 1, smallWays: 1, largeSets: 1, largeWays: 1 });
}

/** The entry flags as the reference builds them, with `global` and `dirty` decided by the caller. */
abstract class FillFlagsProcessor extends ReferenceProcessor {
  protected abstract globalFlag(out: WalkResult): boolean;
  protected abstract dirtyFlag(out: WalkResult): boolean;

  protected override fillTlb(va: number, out: WalkResult, cached: boolean): void {
    let flags = out.permissions;
    if (this.dirtyFlag(out)) flags |= TLB_FLAG.DIRTY;
    if (this.globalFlag(out)) flags |= TLB_FLAG.GLOBAL;
    if (cached) this.tlb.invalidatePage(va);
    this.tlb.fill(va, out.large, out.pageFrame, flags);
  }
}

/** Leaf G = 1 makes the entry global even with CR4.PGE = 0. */
class GlobalWithoutPgeProcessor extends FillFlagsProcessor {
  protected globalFlag(out: WalkResult): boolean {
    return out.global;
  }
  protected dirtyFlag(out: WalkResult): boolean {
    return out.dirty;
  }
}

/** Write permission cached on a read fill, before D is set: the first store hits and never sets D. */
class WriteBeforeDirtyProcessor extends FillFlagsProcessor {
  protected globalFlag(out: WalkResult): boolean {
    return out.global && this.control.globalPages;
  }
  protected dirtyFlag(): boolean {
    return true;
  }
}

/** A page fault leaves the faulting address's TLB entries in place (SDM 4.10.4.1 says they go). */
class FaultKeepsEntryProcessor extends ReferenceProcessor {
  protected override onPageFault(): void {
    // the fault: nothing invalidated
  }
}

function withTlb(create: (geometry: TlbGeometry) => Tlb) {
  return (options: ProcessorOptions) => new ReferenceProcessor({ ...options, createTlb: create });
}

export const tlbMutants: readonly Mutant[] = [
  walkMutant(
    {
      name: 'tlb-tag-ignores-size',
      layer: 'tlb',
      description: 'A 2 MiB translation is tagged like a 4 KiB one (va >>> 12) with the page\'s base frame: a later hit inside that 4 KiB page of a 2 MiB page at offset 4 KiB or more reads the wrong frame.',
      family: 'translation',
    },
    withTlb((g) => new SizeBlindTagTlb(g)),
  ),
  walkMutant(
    {
      name: 'tlb-invlpg-large-by-base',
      layer: 'tlb',
      description: 'INVLPG of an address inside a 2 MiB entry does not remove it: the entry is matched by its base address only.',
      family: 'tlb-coherence',
    },
    withTlb((g) => new LargeInvlpgByBaseTlb(g)),
  ),
  walkMutant(
    {
      name: 'tlb-invlpg-keeps-small-in-large',
      layer: 'tlb',
      description: 'After a page table is replaced by a 2 MiB page, INVLPG leaves the 4 KiB entries of that region cached.',
      family: 'tlb-coherence',
    },
    withTlb((g) => new KeepsSmallInLargeTlb(g)),
  ),
  walkMutant(
    {
      name: 'tlb-global-survives-full-flush',
      layer: 'tlb',
      description: 'Global entries kept wrongly: they survive turning paging off and on and toggling CR4.PGE, which must flush them.',
      family: 'tlb-coherence',
    },
    withTlb((g) => new FullFlushKeepsGlobalTlb(g)),
  ),
  walkMutant(
    {
      name: 'tlb-global-without-pge',
      layer: 'tlb',
      description: 'Global entries kept wrongly: a leaf with G = 1 is cached as global while CR4.PGE = 0, so it survives MOV to CR3.',
      family: 'tlb-coherence',
    },
    (options) => new GlobalWithoutPgeProcessor(options),
  ),
  walkMutant(
    {
      name: 'tlb-invlpg-skips-global',
      layer: 'tlb',
      description: 'INVLPG does not remove global entries, as if it were a MOV to CR3.',
      family: 'tlb-coherence',
    },
    withTlb((g) => new InvlpgSkipsGlobalTlb(g)),
  ),
  walkMutant(
    {
      name: 'tlb-write-before-dirty',
      layer: 'tlb',
      description: 'Write permission cached before the dirty bit is set: a translation filled by a load serves the first store, which never sets D.',
      family: 'translation',
    },
    (options) => new WriteBeforeDirtyProcessor(options),
  ),
  walkMutant(
    {
      name: 'tlb-fault-keeps-entry',
      layer: 'tlb',
      description: 'A page fault does not invalidate the faulting address\'s entry, so a stale read-only or supervisor entry keeps faulting after the tables allow the access.',
      family: 'tlb-coherence',
    },
    (options) => new FaultKeepsEntryProcessor(options),
  ),
  walkMutant(
    {
      name: 'tlb-frame-float32',
      layer: 'tlb',
      description: 'The cached frame number is kept in a Float32Array: frames at or above 2^24 (64 GiB) are rounded to a neighbour.',
      family: 'big-memory',
    },
    withTlb((g) => new Float32FrameTlb(g)),
  ),
  walkMutant(
    {
      name: 'tlb-cr3-drops-global',
      layer: 'tlb',
      description: 'Global entries dropped: MOV to CR3 flushes global translations too.',
      family: 'tlb-coherence',
      equivalent:
        'a TLB may drop any entry at any time (SDM 4.10.2.3, 4.10.4); a dropped global entry is walked again, which is always an allowed outcome, so only speed changes',
    },
    withTlb((g) => new Cr3DropsGlobalTlb(g)),
  ),
  walkMutant(
    {
      name: 'tlb-single-entry',
      layer: 'tlb',
      description: 'The TLB geometry is ignored and one entry per page size is built.',
      family: 'translation',
      equivalent: 'which entries a TLB keeps is not architectural: evicting more often only adds walks, whose outcomes are always allowed',
    },
    (options) => new ReferenceProcessor({ ...options, createTlb: singleEntryTlb }),
  ),
];
