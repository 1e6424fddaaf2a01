/**
 * The kernel's page-table code: PAE paging structures written into physical memory with writePhys32,
 * allocated one 4 KiB page at a time from the page-table region of space 0 (claim 4).
 *
 * An entry is two 32-bit halves: the low half holds address bits 31..12 (or 31..21 for a 2 MiB page) plus
 * the flag bits, the high half address bits M-1..32 (SDM 4.4.2, Tables 4-8 to 4-11). Both halves are
 * computed with arithmetic, because a frame above 4 GiB must not pass through a bit operator.
 */
import { BIT, PAE_INDEX, PAGE_2M, PAGE_4K } from '../../../src/arch/entry-layout.ts';
import type { Processor } from '../../../src/machine/processor.ts';

const TWO_32 = 2 ** 32;
const flag = (position: number): number => 2 ** position;

/** Flags of the entries the kernel writes. Modules run in supervisor mode: U/S stays 0. */
export const ENTRY_FLAGS = {
  /** PDPTE: only P; R/W and U/S are reserved in a PAE PDPTE (SDM Table 4-8). */
  PDPTE: flag(BIT.P),
  /** PDE pointing to a page table. */
  TABLE: flag(BIT.P) + flag(BIT.RW),
  PAGE: flag(BIT.P) + flag(BIT.RW),
  LARGE: flag(BIT.P) + flag(BIT.RW) + flag(BIT.PS),
  GLOBAL: flag(BIT.G),
} as const;

export interface PaeRoot {
  /** Physical address of the 32-byte PDPT (below 4 GiB: CR3 is 32 bits). */
  readonly pdpt: number;
  /** Physical addresses of the four page directories. */
  readonly directories: readonly number[];
}

export class PageTableWriter {
  private next: number;
  private readonly end: number;

  constructor(
    private readonly cpu: Processor,
    region: { readonly base: number; readonly size: number },
  ) {
    this.next = region.base;
    this.end = region.base + region.size;
  }

  /** A zeroed 4 KiB page of the region. */
  allocatePage(): number {
    if (this.next + PAGE_4K > this.end) throw new Error('kernel: page-table region exhausted');
    const page = this.next;
    this.next += PAGE_4K;
    for (let offset = 0; offset < PAGE_4K; offset += 4) this.cpu.writePhys32(page + offset, 0);
    return page;
  }

  writeEntry(at: number, pa: number, flags: number): void {
    this.cpu.writePhys32(at, (pa % TWO_32) + flags);
    this.cpu.writePhys32(at + 4, Math.floor(pa / TWO_32));
  }

  /** A PDPT with four present page directories (every 1 GiB quarter can then be mapped). */
  createRoot(): PaeRoot {
    const pdpt = this.allocatePage();
    const directories: number[] = [];
    for (let i = 0; i < 4; i++) {
      const directory = this.allocatePage();
      directories.push(directory);
      this.writeEntry(pdpt + i * PAE_INDEX.ENTRY_BYTES, directory, ENTRY_FLAGS.PDPTE);
    }
    return { pdpt, directories };
  }

  /** Physical address of the PDE that maps va (linear bits 31..30 pick the directory, 29..21 the entry). */
  pdeAddress(root: PaeRoot, va: number): number {
    const directory = root.directories[va >>> PAE_INDEX.PDPTE_SHIFT]!;
    return directory + ((va >>> PAE_INDEX.PDE_SHIFT) & PAE_INDEX.INDEX_MASK) * PAE_INDEX.ENTRY_BYTES;
  }

  mapLarge(root: PaeRoot, va: number, pa: number, global: boolean): void {
    this.writeEntry(this.pdeAddress(root, va), pa, ENTRY_FLAGS.LARGE + (global ? ENTRY_FLAGS.GLOBAL : 0));
  }

  mapSmall(root: PaeRoot, va: number, pa: number, global: boolean): void {
    const table = this.tableFor(root, va);
    const pte = table + ((va >>> PAE_INDEX.PTE_SHIFT) & PAE_INDEX.INDEX_MASK) * PAE_INDEX.ENTRY_BYTES;
    this.writeEntry(pte, pa, ENTRY_FLAGS.PAGE + (global ? ENTRY_FLAGS.GLOBAL : 0));
  }

  /** The page table under va's PDE, created on first use. */
  private tableFor(root: PaeRoot, va: number): number {
    const pde = this.pdeAddress(root, va);
    const lo = this.cpu.readPhys32(pde) >>> 0;
    if (lo % 2 === 1) {
      if ((lo & flag(BIT.PS)) !== 0) throw new Error(`kernel: ${va} is already mapped by a 2 MiB page`);
      const hi = this.cpu.readPhys32(pde + 4) >>> 0;
      return hi * TWO_32 + (lo - (lo % PAGE_4K));
    }
    const table = this.allocatePage();
    this.writeEntry(pde, table, ENTRY_FLAGS.TABLE);
    return table;
  }

  /**
   * Maps [va, va + size) onto [pa, pa + size): each 2 MiB region with one 2 MiB page, or with 512 4 KiB
   * pages where `small(region index)` says so.
   */
  mapRange(root: PaeRoot, va: number, pa: number, size: number, global: boolean, small: (region: number) => boolean): void {
    let offset = 0;
    let region = 0;
    while (offset < size) {
      const regionBytes = Math.min(PAGE_2M - ((va + offset) % PAGE_2M), size - offset);
      if (small(region) || regionBytes < PAGE_2M) {
        for (let o = 0; o < regionBytes; o += PAGE_4K) this.mapSmall(root, va + offset + o, pa + offset + o, global);
      } else {
        this.mapLarge(root, va + offset, pa + offset, global);
      }
      offset += regionBytes;
      region++;
    }
  }
}
