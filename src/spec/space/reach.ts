/**
 * The exhaustive reachability walk: every linear page of a paged space, over the whole 4 GiB range, read
 * from the paging structures in physical memory (not sampled, not one walk per address). It scans the
 * four PDPTEs, the 512 PDEs under each present one and the 512 PTEs under each PDE that points to a page
 * table (SDM 4.4.2), decoding entries from two 32-bit halves with arithmetic (no BigInt; a physical address
 * above 2^32 never passes through a bit operator).
 *
 * Present entries with a reserved bit set map nothing (the access faults with RSVD, SDM 4.7) and are
 * listed apart. The walk reads the PDPT from memory; a processor walks from the PDPTE registers it loaded
 * at the last MOV to CR3 (SDM 4.4.1), which equal memory as long as the kernel does not edit a loaded PDPT.
 */
import { BIT, LARGE_RESERVED_BITS, PAE_CR3_PDPT_MASK, PAE_INDEX, PDPTE_LOW_RESERVED_BITS } from '../../arch/entry-layout.ts';
import { coalescePageRuns, PAGE_2M, PAGE_4K, type PageRun } from './mapping.ts';

export interface MappedRun {
  readonly va: number;
  readonly pa: number;
  readonly size: number;
  readonly pageSize: number;
  readonly writable: boolean;
  readonly user: boolean;
  readonly global: boolean;
}

export interface TableLocation {
  readonly level: 'pdpt' | 'page-directory' | 'page-table';
  readonly pa: number;
}

export interface WalkedSpace {
  /** Every mapped page, coalesced into runs of contiguous linear and physical addresses, in linear order. */
  readonly runs: readonly MappedRun[];
  /** Every paging structure the walk read (the PDPT's 32 bytes, page directories, page tables). */
  readonly tables: readonly TableLocation[];
  /** Linear addresses of present entries with a reserved bit set (they map nothing). */
  readonly reserved: readonly { readonly va: number; readonly level: string }[];
}

export type ReadPhys32 = (pa: number) => number;

const TWO_32 = 2 ** 32;
const bit = (position: number): number => 2 ** position;
const P = bit(BIT.P);
const RW = bit(BIT.RW);
const US = bit(BIT.US);
const PS = bit(BIT.PS);
const G = bit(BIT.G);
const PDPTE_RESERVED_LOW = PDPTE_LOW_RESERVED_BITS.reduce((m, b) => m + bit(b), 0);
const LARGE_RESERVED_LOW = LARGE_RESERVED_BITS.reduce((m, b) => m + bit(b), 0);

/** Whether any bit of `mask` is set in a 32-bit half. */
function has(half: number, mask: number): boolean {
  return ((half >>> 0) & mask) !== 0;
}

class EntryDecoder {
  /** High-half bits 0..M-33: address bits 32..M-1. */
  readonly addressHigh: number;
  /** High-half reserved bits of a PDE/PTE: M..62, and 63 (XD) unless EFER.NXE (SDM Tables 4-9..4-11). */
  readonly reservedHigh: number;
  /** High-half reserved bits of a PDPTE: M..63 (SDM Table 4-8). */
  readonly pdpteReservedHigh: number;

  constructor(maxPhyAddr: number, nxe: boolean) {
    this.addressHigh = bit(maxPhyAddr - 32) - 1;
    this.pdpteReservedHigh = TWO_32 - bit(maxPhyAddr - 32);
    this.reservedHigh = (nxe ? bit(31) : TWO_32) - bit(maxPhyAddr - 32);
  }

  /** The physical address in bits M-1..lowBit of an entry. */
  address(lo: number, hi: number, lowBit: number): number {
    const unsigned = lo >>> 0;
    const low = unsigned - (unsigned % bit(lowBit));
    return ((hi >>> 0) & this.addressHigh) * TWO_32 + low;
  }
}

class RunBuilder {
  readonly runs: MappedRun[] = [];
  private current: MappedRun | null = null;

  add(va: number, pa: number, pageSize: number, writable: boolean, user: boolean, global: boolean): void {
    const c = this.current;
    if (
      c !== null &&
      c.pageSize === pageSize &&
      c.writable === writable &&
      c.user === user &&
      c.global === global &&
      c.va + c.size === va &&
      c.pa + c.size === pa
    ) {
      this.current = { ...c, size: c.size + pageSize };
      return;
    }
    if (c !== null) this.runs.push(c);
    this.current = { va, pa, size: pageSize, pageSize, writable, user, global };
  }

  finish(): MappedRun[] {
    if (this.current !== null) this.runs.push(this.current);
    this.current = null;
    return this.runs;
  }
}

/** Walks every linear page of the PAE paging structures CR3 points to. */
export function walkSpace(read: ReadPhys32, cr3: number, maxPhyAddr: number, nxe = false): WalkedSpace {
  const decoder = new EntryDecoder(maxPhyAddr, nxe);
  const runs = new RunBuilder();
  const tables: TableLocation[] = [];
  const reserved: { va: number; level: string }[] = [];
  const pdpt = (cr3 & PAE_CR3_PDPT_MASK) >>> 0;
  tables.push({ level: 'pdpt', pa: pdpt });
  const entries = PAE_INDEX.ENTRIES_PER_TABLE;
  const bytes = PAE_INDEX.ENTRY_BYTES;
  for (let i = 0; i < 4; i++) {
    const lo = read(pdpt + i * bytes);
    const hi = read(pdpt + i * bytes + 4);
    const base = i * 2 ** PAE_INDEX.PDPTE_SHIFT;
    if (!has(lo, P)) continue;
    if (has(lo, PDPTE_RESERVED_LOW) || has(hi, decoder.pdpteReservedHigh)) {
      reserved.push({ va: base, level: 'PDPTE' });
      continue;
    }
    const directory = decoder.address(lo, hi, PAE_INDEX.PTE_SHIFT);
    tables.push({ level: 'page-directory', pa: directory });
    for (let j = 0; j < entries; j++) {
      const dlo = read(directory + j * bytes);
      if (!has(dlo, P)) continue;
      const dhi = read(directory + j * bytes + 4);
      const va = base + j * PAGE_2M;
      const large = has(dlo, PS);
      if (has(dhi, decoder.reservedHigh) || (large && has(dlo, LARGE_RESERVED_LOW))) {
        reserved.push({ va, level: 'PDE' });
        continue;
      }
      if (large) {
        runs.add(va, decoder.address(dlo, dhi, PAE_INDEX.PDE_SHIFT), PAGE_2M, has(dlo, RW), has(dlo, US), has(dlo, G));
        continue;
      }
      const table = decoder.address(dlo, dhi, PAE_INDEX.PTE_SHIFT);
      tables.push({ level: 'page-table', pa: table });
      walkTable(read, decoder, table, va, has(dlo, RW), has(dlo, US), runs, reserved);
    }
  }
  return { runs: runs.finish(), tables, reserved };
}

function walkTable(
  read: ReadPhys32,
  decoder: EntryDecoder,
  table: number,
  base: number,
  writable: boolean,
  user: boolean,
  runs: RunBuilder,
  reserved: { va: number; level: string }[],
): void {
  const bytes = PAE_INDEX.ENTRY_BYTES;
  for (let k = 0; k < PAE_INDEX.ENTRIES_PER_TABLE; k++) {
    const lo = read(table + k * bytes);
    if (!has(lo, P)) continue;
    const hi = read(table + k * bytes + 4);
    const va = base + k * PAGE_4K;
    if (has(hi, decoder.reservedHigh)) {
      reserved.push({ va, level: 'PTE' });
      continue;
    }
    // R/W and U/S are ANDed over the PDE and the PTE (SDM 4.6); PAE PDPTEs have neither.
    runs.add(va, decoder.address(lo, hi, PAE_INDEX.PTE_SHIFT), PAGE_4K, writable && has(lo, RW), user && has(lo, US), has(lo, G));
  }
}

/** Space 0 with paging off: the identity over [0, 4 GiB) as one run. */
export const IDENTITY_REACH: readonly MappedRun[] = [
  { va: 0, pa: 0, size: TWO_32, pageSize: TWO_32, writable: true, user: true, global: false },
];

/** The runs as page runs (dropping attributes), coalesced like expectedPageRuns. */
export function pageRunsOf(runs: readonly MappedRun[]): PageRun[] {
  return coalescePageRuns(runs.map((r) => ({ va: r.va, pa: r.pa, size: r.size, pageSize: r.pageSize })));
}
