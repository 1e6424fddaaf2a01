/**
 * The kernel: builds the spaces of a layout in the machine's physical memory and switches translation
 * between them.
 *
 *   space 0      paging off: the identity over the bottom 4 GiB (claims 4, 6, 9, 13). It holds the
 *                application, the buffer cache and the page tables of the other spaces (claim 4).
 *   space k > 0  PAE paging (CR4.PAE = 1): the common chunk at its own addresses (claims 1, 2, 10), the
 *                private window onto space k's chunk, above 4 GiB (claims 1, 9), the BIOS chunk at the
 *                top (claims 3, 11). Common and BIOS mappings are global (G = 1, CR4.PGE = 1): they are
 *                the same in every paged space, so they may survive a CR3 switch (SDM 4.10.2.4).
 *
 * Every paging structure is written with writePhys32 (page-tables.ts). Switching follows claims 6 and 16:
 * paging on with the space's CR3 to enter a paged space from space 0, paging off to return, and a CR3
 * load between paged spaces (a module-to-module call).
 */
import { CR0, CR4, PAGE_2M } from '../../../src/arch/entry-layout.ts';
import type { Processor } from '../../../src/machine/processor.ts';
import { regionUsesSmallPages, type SystemLayout } from '../../../src/machine/system.ts';
import { type PaeRoot, PageTableWriter } from './page-tables.ts';

const FOUR_GIB = 2 ** 32;
const PG = 2 ** CR0.PG_BIT;

/** The BIOS image the kernel loads at both ends of the BIOS chunk ("XLATBIOS"), which nothing may change. */
export const BIOS_SIGNATURE = [0x54414c58, 0x534f4942] as const;

/** A failure of the system itself (a refused control-register move, a module fault): the run stops. */
export class KernelPanic extends Error {
  override readonly name = 'KernelPanic';
}

export class Kernel {
  /** Roots of spaces 1..n-1, index 0 unused (space 0 has paging off). */
  readonly roots: (PaeRoot | null)[] = [null];
  protected readonly tables: PageTableWriter;
  private space = 0;

  constructor(
    readonly cpu: Processor,
    readonly layout: SystemLayout,
  ) {
    this.tables = new PageTableWriter(cpu, layout.pageTables);
  }

  get currentSpace(): number {
    return this.space;
  }

  /** Builds every paged space, loads the BIOS image, and leaves the processor in space 0, paging off. */
  boot(): void {
    for (let k = 1; k <= this.layout.spaces.length; k++) this.roots.push(this.buildSpace(k));
    this.loadBios();
    const cr4 = (this.cpu.cr4 | (2 ** CR4.PAE_BIT) | (2 ** CR4.PGE_BIT)) >>> 0;
    if (!this.cpu.movCr0((this.cpu.cr0 & ~PG) >>> 0) || !this.cpu.movCr4(cr4)) throw new KernelPanic('kernel: could not set up PAE');
    this.space = 0;
  }

  protected buildSpace(k: number): PaeRoot {
    const root = this.tables.createRoot();
    this.mapCommon(root);
    this.mapPrivate(root, k);
    this.mapBios(root);
    return root;
  }

  /** Claims 1, 2, 10: the common chunk at the same addresses in every space. */
  protected mapCommon(root: PaeRoot): void {
    const c = this.layout.common;
    this.tables.mapRange(root, 0, 0, c.size, true, (r) => regionUsesSmallPages(c.pages, r));
  }

  /** Claims 1, 9: space k's window onto its private chunk, reachable from no other space. */
  protected mapPrivate(root: PaeRoot, k: number): void {
    const s = this.layout.spaces[k - 1]!;
    this.tables.mapRange(root, s.window.va, s.chunk.base, s.window.size, false, (r) => regionUsesSmallPages(s.pages, r));
  }

  /** Claims 3, 11: the BIOS chunk at the top of every space (the same physical range as in space 0). */
  protected mapBios(root: PaeRoot): void {
    const b = this.layout.bios;
    const base = FOUR_GIB - b.size;
    this.tables.mapRange(root, base, base, b.size, true, (r) => regionUsesSmallPages(b.pages, r));
  }

  protected loadBios(): void {
    const base = FOUR_GIB - this.layout.bios.size;
    for (const at of [base, FOUR_GIB - 8]) {
      this.cpu.writePhys32(at, BIOS_SIGNATURE[0]);
      this.cpu.writePhys32(at + 4, BIOS_SIGNATURE[1]);
    }
  }

  rootOf(space: number): PaeRoot {
    const root = this.roots[space];
    if (root === null || root === undefined) throw new Error(`kernel: space ${space} has no page tables`);
    return root;
  }

  /** Claims 6, 16: paging on to enter a paged space from space 0, off to return; CR3 between paged spaces. */
  switchTo(space: number): void {
    if (space === this.space) return;
    if (space < 0 || space >= this.roots.length) throw new Error(`kernel: no space ${space}`);
    const cpu = this.cpu;
    if (space === 0) {
      this.move(cpu.movCr0((cpu.cr0 & ~PG) >>> 0), 'CR0 (paging off)');
    } else if (this.space === 0) {
      // With paging off a MOV to CR3 only loads the register; setting PG loads the PDPTEs from it (SDM 4.4.1).
      this.move(cpu.movCr3(this.rootOf(space).pdpt), 'CR3');
      this.move(cpu.movCr0((cpu.cr0 | PG) >>> 0), 'CR0 (paging on)');
    } else {
      this.move(cpu.movCr3(this.rootOf(space).pdpt), 'CR3');
    }
    this.space = space;
  }

  private move(ok: boolean, what: string): void {
    if (!ok) throw new KernelPanic(`kernel: MOV to ${what} raised #GP`);
  }

  /**
   * Remaps the 2 MiB window page of `space` holding va to the frame at pa, inside the space's own chunk.
   * The PDE is rewritten in memory; if the space is current its old translation may still be cached, so
   * INVLPG removes it (SDM 4.10.4.1). Other spaces' translations were flushed when they were left.
   */
  remapLargePage(space: number, va: number, pa: number): void {
    const s = this.layout.spaces[space - 1];
    if (s === undefined) throw new Error(`kernel: space ${space} has no private window`);
    const page = va - ((va - s.window.va) % PAGE_2M);
    const inWindow = va >= s.window.va && va < s.window.va + s.window.size;
    if (!inWindow || regionUsesSmallPages(s.pages, (page - s.window.va) / PAGE_2M)) {
      throw new Error(`kernel: ${va} is not in a 2 MiB page of space ${space}'s window`);
    }
    if (pa % PAGE_2M !== 0 || pa < s.chunk.base || pa + PAGE_2M > s.chunk.base + s.chunk.size) {
      throw new Error(`kernel: frame ${pa} is not a 2 MiB frame of space ${space}'s chunk`);
    }
    this.tables.mapLarge(this.rootOf(space), page, pa, false);
    this.invalidateAfterRemap(space, page);
  }

  protected invalidateAfterRemap(space: number, page: number): void {
    if (space === this.space) this.cpu.invlpg(page);
  }
}
