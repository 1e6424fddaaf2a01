/**
 * The four PAE PDPTE registers (SDM 4.4.1). Under PAE paging the processor does not read the PDPT during
 * a walk: it loads the four entries into these registers on MOV to CR3 (PG=1), on the MOV to CR0 that
 * enables paging, and on a MOV to CR4 that changes PAE or PGE, and walks from the registers. Later edits of
 * the PDPT in memory therefore have no effect until the next load.
 */
import { PAE_CR3_PDPT_MASK, PAE_INDEX } from '../../src/arch/entry-layout.ts';
import { isPresent, PDPTE_RESERVED_LOW_MASK, pdpteReservedHighMask } from './entry.ts';
import type { SparseRam } from './ram.ts';

const PDPTE_COUNT = 4;

export class PdpteRegisters {
  /** Low and high halves of PDPTE0..3. */
  readonly lo = new Uint32Array(PDPTE_COUNT);
  readonly hi = new Uint32Array(PDPTE_COUNT);

  /**
   * Loads the four entries of the 32-byte-aligned PDPT that `cr3` points to. When a present entry sets a
   * reserved bit the load fails (the MOV raises #GP) and the registers keep their old values.
   */
  load(ram: SparseRam, cr3: number): boolean {
    const base = (cr3 & PAE_CR3_PDPT_MASK) >>> 0;
    const reservedHigh = pdpteReservedHighMask(ram.maxPhyAddr);
    const lo = new Uint32Array(PDPTE_COUNT);
    const hi = new Uint32Array(PDPTE_COUNT);
    for (let i = 0; i < PDPTE_COUNT; i++) {
      ram.read64(base + i * PAE_INDEX.ENTRY_BYTES);
      lo[i] = ram.readLo;
      hi[i] = ram.readHi;
      if (isPresent(ram.readLo) && ((ram.readLo & PDPTE_RESERVED_LOW_MASK) !== 0 || (ram.readHi & reservedHigh) !== 0)) {
        return false;
      }
    }
    this.lo.set(lo);
    this.hi.set(hi);
    return true;
  }
}
