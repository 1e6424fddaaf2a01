/**
 * Seeded faults in the walker's reserved-bit checks (SDM 4.7, Tables 4-8 to 4-11): checks missing,
 * made in the wrong order, or over-eager. All but the PDPTE one override `entryError`, the single place
 * the reference decides not-present versus reserved for a PDE or PTE.
 */
import { PAE_CR3_PDPT_MASK, PAE_INDEX } from '../../src/arch/entry-layout.ts';
import type { ProcessorOptions } from '../../src/machine/processor.ts';
import { entryReservedHighMask, isPresent, LARGE_RESERVED_LOW_MASK } from '../reference/entry.ts';
import { PaeWalker, ReferenceProcessor, WalkError, type WalkerContext } from '../reference/index.ts';
import { type Mutant, walkMutant } from './mutant.ts';

/** Bit 63 (XD) as a mask of the high half. */
const XD_HIGH = 0x80000000;

/** Only P is checked; a present entry with reserved bits set is used as if they were clear. */
class NoReservedCheckWalker extends PaeWalker {
  protected override entryError(lo: number): WalkError {
    return isPresent(lo) ? WalkError.None : WalkError.NotPresent;
  }
}

/** Reserved bits checked before P: a not-present entry with junk in it reports RSVD = 1. */
class ReservedBeforePresentWalker extends PaeWalker {
  protected override entryError(lo: number, hi: number, reservedLow: number, reservedHigh: number): WalkError {
    if ((lo & reservedLow) !== 0 || (hi & reservedHigh) !== 0) return WalkError.Reserved;
    return isPresent(lo) ? WalkError.None : WalkError.NotPresent;
  }
}

/** XD treated as reserved whatever EFER.NXE says (the NXE = 0 mask used always). */
class XdAlwaysReservedWalker extends PaeWalker {
  protected override entryError(lo: number, hi: number, reservedLow: number, reservedHigh: number): WalkError {
    return super.entryError(lo, hi, reservedLow, reservedHigh | XD_HIGH);
  }
}

/** Bits 20..13, reserved only in a PDE that maps 2 MiB, checked in every PDE and PTE (they are address bits there). */
class LargeReservedEverywhereWalker extends PaeWalker {
  protected override entryError(lo: number, hi: number, reservedLow: number, reservedHigh: number): WalkError {
    return super.entryError(lo, hi, reservedLow | LARGE_RESERVED_LOW_MASK, reservedHigh);
  }
}

/** Reserved address bits computed for MAXPHYADDR 52, the architectural maximum, not the machine's. */
class ReservedAt52Walker extends PaeWalker {
  protected override entryError(lo: number, hi: number, reservedLow: number, reservedHigh: number): WalkError {
    return super.entryError(lo, hi, reservedLow, reservedHigh & entryReservedHighMask(52, false));
  }
}

/** The four PDPTEs loaded without the reserved-bit check: no #GP on a bad one, and the walk uses it. */
class UncheckedPdpteProcessor extends ReferenceProcessor {
  protected override loadPdptes(cr3: number): boolean {
    const base = (cr3 & PAE_CR3_PDPT_MASK) >>> 0;
    for (let i = 0; i < 4; i++) {
      this.ram.read64(base + i * PAE_INDEX.ENTRY_BYTES);
      this.pdptes.lo[i] = this.ram.readLo;
      this.pdptes.hi[i] = this.ram.readHi;
    }
    return true;
  }
}

function withWalker(create: (context: WalkerContext) => PaeWalker) {
  return (options: ProcessorOptions) => new ReferenceProcessor({ ...options, createWalker: create });
}

export const walkerReservedMutants: readonly Mutant[] = [
  walkMutant(
    {
      name: 'walker-reserved-unchecked',
      layer: 'walker',
      description: 'Reserved-bit checks missing: a present PDE or PTE with reserved bits set translates instead of faulting with RSVD.',
      family: 'faults',
    },
    withWalker((c) => new NoReservedCheckWalker(c)),
  ),
  walkMutant(
    {
      name: 'walker-reserved-before-present',
      layer: 'walker',
      description: 'Reserved bits are checked before P, so a not-present entry with stale bits faults with P = 1 and RSVD = 1.',
      family: 'faults',
    },
    withWalker((c) => new ReservedBeforePresentWalker(c)),
  ),
  walkMutant(
    {
      name: 'walker-xd-reserved-despite-nxe',
      layer: 'walker',
      description: 'Over-eager reserved check: XD (bit 63) is treated as reserved even with EFER.NXE = 1.',
      family: 'faults',
    },
    withWalker((c) => new XdAlwaysReservedWalker(c)),
  ),
  walkMutant(
    {
      name: 'walker-large-reserved-everywhere',
      layer: 'walker',
      description: 'Over-eager reserved check: bits 20..13, reserved only in a 2 MiB PDE, are checked in PTEs and table PDEs too.',
      family: 'translation',
    },
    withWalker((c) => new LargeReservedEverywhereWalker(c)),
  ),
  walkMutant(
    {
      name: 'walker-reserved-at-52',
      layer: 'walker',
      description: 'Reserved address bits are computed for MAXPHYADDR 52 instead of the machine\'s, so address bits M..51 are accepted.',
      family: 'faults',
    },
    withWalker((c) => new ReservedAt52Walker(c)),
  ),
  walkMutant(
    {
      name: 'walker-pdpte-reserved-unchecked',
      layer: 'walker',
      description: 'Loading the PDPTE registers skips the reserved-bit check, so a MOV that should raise #GP succeeds.',
      family: 'faults',
    },
    (options) => new UncheckedPdpteProcessor(options),
  ),
];
