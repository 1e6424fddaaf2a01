/**
 * The kernel on the reference processor: the paging structures it writes (read back from the machine's
 * physical memory, entry by entry, at the addresses its page-table allocator gives them), what the CPU
 * then translates in each space, the BIOS image, the control-register moves of a switch (observed through
 * the harness's ControlRecorder), the 2 MiB remap service, and the messages of every refused request.
 *
 * The layout is the default 4-space layout of the arbitraries, written out: common 4 MiB with 4K pages,
 * BIOS 16 MiB mixed at 0xff000000, page tables from 16 MiB (225 pages, exactly the budget), three 256 MiB
 * private chunks from 4 GiB, each seen through a window at 1 GiB; space 1 mixed, space 2 2M, space 3 4K.
 */
import { describe, expect, it } from 'vitest';
import { ControlRecorder, type ControlEvent, pageTableBytesRequired, type SystemLayout } from '../../../src/machine/system.ts';
import { createReferenceProcessor } from '../index.ts';
import { BIOS_SIGNATURE, Kernel, KernelPanic } from './kernel.ts';

const KiB = 1024;
const MiB = 2 ** 20;
const GiB = 2 ** 30;
const FOUR_GIB = 2 ** 32;
const CHUNK = 256 * MiB;
const PAGE = 4096;

const PG = 0x80000000;
const WP = 0x10000;
const PAE = 0x20;
const PGE = 0x80;

// Entry flags: P | RW, plus PS for a 2 MiB page, plus G for common and BIOS leaves.
const TABLE = 0x3;
const SMALL = 0x3;
const SMALL_GLOBAL = 0x103;
const LARGE = 0x83;
const LARGE_GLOBAL = 0x183;

const WINDOW = GiB;
const BIOS_BASE = 0xff000000;
const TABLES = 16 * MiB;

function layout(): SystemLayout {
  const draft: SystemLayout = {
    maxPhyAddr: 36,
    common: { size: 4 * MiB, pages: '4K' },
    stackBytes: 4 * KiB,
    bios: { size: 16 * MiB, pages: 'mixed' },
    pageTables: { base: TABLES, size: 0 },
    bufferCache: { base: 64 * MiB, size: 64 * MiB },
    spaces: [
      { module: 'inode-cache', chunk: { base: FOUR_GIB, size: CHUNK }, window: { va: WINDOW, size: CHUNK }, pages: 'mixed' },
      { module: 'name-cache', chunk: { base: FOUR_GIB + CHUNK, size: CHUNK }, window: { va: WINDOW, size: CHUNK }, pages: '2M' },
      { module: 'snapshot', chunk: { base: FOUR_GIB + 2 * CHUNK, size: CHUNK }, window: { va: WINDOW, size: CHUNK }, pages: '4K' },
    ],
  };
  return { ...draft, pageTables: { base: TABLES, size: pageTableBytesRequired(draft) } };
}

/** A booted kernel on a fresh reference processor, observed through a ControlRecorder. */
function booted(before?: (cpu: ControlRecorder) => void): { kernel: Kernel; cpu: ControlRecorder } {
  const cpu = new ControlRecorder(createReferenceProcessor({ maxPhyAddr: 36 }));
  before?.(cpu);
  const kernel = new Kernel(cpu, layout());
  kernel.boot();
  return { kernel, cpu };
}

/** The 8-byte entry at pa as [low half, high half]. */
function entry(cpu: ControlRecorder, pa: number): [number, number] {
  return [cpu.readPhys32(pa) >>> 0, cpu.readPhys32(pa + 4) >>> 0];
}

/** The PDE of va in space k: directory va[31:30], entry va[29:21]. */
function pde(kernel: Kernel, k: number, va: number): [number, number] {
  const directory = kernel.rootOf(k).directories[Math.floor(va / GiB)]!;
  return entry(kernel.cpu as ControlRecorder, directory + ((va >>> 21) & 511) * 8);
}

/** The PTE of va in space k, through the page table its PDE points to (below 4 GiB). */
function pte(kernel: Kernel, k: number, va: number): [number, number] {
  const [lo, hi] = pde(kernel, k, va);
  expect(hi).toBe(0);
  expect(lo & 0x81).toBe(0x1); // present, not a 2 MiB page
  return entry(kernel.cpu as ControlRecorder, lo - (lo % PAGE) + ((va >>> 12) & 511) * 8);
}

function load(cpu: ControlRecorder, va: number): number {
  expect(cpu.load(va, 4, false)).toBe(true);
  return cpu.valueLo;
}

function thrown(f: () => void): Error {
  try {
    f();
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected an exception');
}

// Page-table pages of each space, in allocation order: PDPT, four directories, then the page tables of
// the common chunk (2), of the window (space 1: the 64 odd regions of 128; space 3: all 128) and of the
// BIOS chunk (the 4 odd regions of 8). 75 + 11 + 139 = 225 pages.
const PDPT_1 = TABLES;
const PDPT_2 = TABLES + 75 * PAGE;
const PDPT_3 = PDPT_2 + 11 * PAGE;

describe('Kernel.boot', () => {
  it('allocates a PDPT and four page directories per space, in order, from the page-table region', () => {
    const { kernel } = booted();
    expect(kernel.roots.length).toBe(4);
    expect(kernel.roots[0]).toBeNull();
    const dirs = (pdpt: number): number[] => [1, 2, 3, 4].map((i) => pdpt + i * PAGE);
    expect(kernel.rootOf(1)).toEqual({ pdpt: 0x1000000, directories: dirs(0x1000000) });
    expect(kernel.rootOf(2)).toEqual({ pdpt: PDPT_2, directories: dirs(PDPT_2) });
    expect(kernel.rootOf(3)).toEqual({ pdpt: PDPT_3, directories: dirs(PDPT_3) });
    // The last page table of space 3 is the region's last page.
    expect(PDPT_3 + 139 * PAGE).toBe(TABLES + layout().pageTables.size);
    for (const k of [1, 2, 3]) {
      const root = kernel.rootOf(k);
      for (let i = 0; i < 4; i++) expect(entry(kernel.cpu as ControlRecorder, root.pdpt + 8 * i)).toEqual([root.directories[i]! + 1, 0]);
    }
  });

  it('maps the common chunk with global 4 KiB pages onto itself, and nothing above it', () => {
    const { kernel } = booted();
    for (const k of [1, 2, 3]) {
      const table0 = kernel.rootOf(k).directories[3]! + PAGE;
      expect(pde(kernel, k, 0)).toEqual([table0 + TABLE, 0]);
      expect(pde(kernel, k, 2 * MiB)).toEqual([table0 + PAGE + TABLE, 0]);
      expect(pte(kernel, k, 0)).toEqual([SMALL_GLOBAL, 0]);
      expect(pte(kernel, k, 0x1000)).toEqual([0x1000 + SMALL_GLOBAL, 0]);
      expect(pte(kernel, k, 4 * MiB - PAGE)).toEqual([4 * MiB - PAGE + SMALL_GLOBAL, 0]);
      expect(pde(kernel, k, 4 * MiB)).toEqual([0, 0]);
    }
  });

  it('maps the BIOS chunk at the top with global pages, alternating 2 MiB and 4 KiB regions', () => {
    const { kernel } = booted();
    for (const k of [1, 2, 3]) {
      expect(pde(kernel, k, BIOS_BASE - 2 * MiB)).toEqual([0, 0]);
      expect(pde(kernel, k, BIOS_BASE)).toEqual([BIOS_BASE + LARGE_GLOBAL, 0]);
      expect(pte(kernel, k, BIOS_BASE + 2 * MiB)).toEqual([BIOS_BASE + 2 * MiB + SMALL_GLOBAL, 0]);
      expect(pde(kernel, k, BIOS_BASE + 4 * MiB)).toEqual([BIOS_BASE + 4 * MiB + LARGE_GLOBAL, 0]);
      expect(pte(kernel, k, FOUR_GIB - PAGE)).toEqual([FOUR_GIB - PAGE + SMALL_GLOBAL, 0]);
    }
    // Space 1's BIOS page tables follow its 2 common and 64 window page tables.
    expect(pde(booted().kernel, 1, BIOS_BASE + 2 * MiB)).toEqual([PDPT_1 + (5 + 2 + 64) * PAGE + TABLE, 0]);
  });

  it("maps each space's window onto its own chunk above 4 GiB with non-global pages of the layout's size", () => {
    const { kernel } = booted();
    // Space 1, mixed: a 2 MiB page, then a page table, alternately; frames above 4 GiB keep bits 35..32 in the high half.
    expect(pde(kernel, 1, WINDOW)).toEqual([LARGE, 1]);
    expect(pde(kernel, 1, WINDOW + 2 * MiB)).toEqual([PDPT_1 + 7 * PAGE + TABLE, 0]);
    expect(pte(kernel, 1, WINDOW + 2 * MiB)).toEqual([2 * MiB + SMALL, 1]);
    expect(pte(kernel, 1, WINDOW + 4 * MiB - PAGE)).toEqual([4 * MiB - PAGE + SMALL, 1]);
    expect(pde(kernel, 1, WINDOW + 4 * MiB)).toEqual([4 * MiB + LARGE, 1]);
    expect(pte(kernel, 1, WINDOW + CHUNK - PAGE)).toEqual([CHUNK - PAGE + SMALL, 1]);
    expect(pde(kernel, 1, WINDOW + CHUNK)).toEqual([0, 0]);
    expect(pde(kernel, 1, WINDOW - 2 * MiB)).toEqual([0, 0]);
    // Space 2, 2M: 2 MiB pages onto [4 GiB + 256 MiB, 4 GiB + 512 MiB).
    expect(pde(kernel, 2, WINDOW)).toEqual([CHUNK + LARGE, 1]);
    expect(pde(kernel, 2, WINDOW + CHUNK - 2 * MiB)).toEqual([2 * CHUNK - 2 * MiB + LARGE, 1]);
    expect(pde(kernel, 2, WINDOW + CHUNK)).toEqual([0, 0]);
    // Space 3, 4K: page tables throughout.
    expect(pte(kernel, 3, WINDOW)).toEqual([2 * CHUNK + SMALL, 1]);
    expect(pte(kernel, 3, WINDOW + CHUNK - PAGE)).toEqual([3 * CHUNK - PAGE + SMALL, 1]);
  });

  it('loads the BIOS signature at both ends of the BIOS chunk', () => {
    const { cpu } = booted();
    expect(BIOS_SIGNATURE).toEqual([0x54414c58, 0x534f4942]); // "XLATBIOS"
    expect(entry(cpu, BIOS_BASE)).toEqual([0x54414c58, 0x534f4942]);
    expect(entry(cpu, FOUR_GIB - 8)).toEqual([0x54414c58, 0x534f4942]);
    expect(entry(cpu, BIOS_BASE - 8)).toEqual([0, 0]);
    expect(entry(cpu, BIOS_BASE + 8)).toEqual([0, 0]);
    expect(entry(cpu, FOUR_GIB - 16)).toEqual([0, 0]);
    expect(cpu.readPhys32(FOUR_GIB)).toBe(0);
  });

  it('leaves the processor in space 0: paging off, PAE and PGE on, the other CR0 bits kept', () => {
    const { kernel, cpu } = booted((c) => {
      expect(c.movCr0(WP)).toBe(true);
      c.clear();
    });
    expect(kernel.currentSpace).toBe(0);
    expect(cpu.cr0).toBe(WP);
    expect(cpu.cr4).toBe(PAE | PGE);
    expect(cpu.log).toEqual([
      { reg: 'cr0', value: WP, ok: true },
      { reg: 'cr4', value: PAE | PGE, ok: true },
    ]);
  });

  it('turns paging off when it boots on a processor with paging on', () => {
    const { kernel, cpu } = booted((c) => {
      // Paging on, without PAE: an empty 32-bit page directory at 0 is enough to enable it.
      expect(c.movCr0(PG | WP)).toBe(true);
    });
    expect(kernel.currentSpace).toBe(0);
    expect(cpu.cr0).toBe(WP);
    expect(load(cpu, 0xfffffff8)).toBe(0x54414c58);
  });
});

describe('translation in the booted spaces', () => {
  it('reaches the common chunk, the own chunk and the BIOS chunk from every paged space', () => {
    const { kernel, cpu } = booted();
    cpu.writePhys32(0x1234, 0xc0c0c0c0);
    cpu.writePhys32(FOUR_GIB + 0x10, 0x11111111);
    cpu.writePhys32(FOUR_GIB + 2 * MiB + 0x20, 0x11112222);
    cpu.writePhys32(FOUR_GIB + CHUNK + 0x10, 0x22222222);
    cpu.writePhys32(FOUR_GIB + 2 * CHUNK + 0x10, 0x33333333);
    const own = [0, 0x11111111, 0x22222222, 0x33333333];
    for (const k of [1, 2, 3]) {
      kernel.switchTo(k);
      expect(kernel.currentSpace).toBe(k);
      expect(load(cpu, 0x1234)).toBe(0xc0c0c0c0);
      expect(load(cpu, WINDOW + 0x10)).toBe(own[k]);
      expect(load(cpu, BIOS_BASE + 4)).toBe(0x534f4942);
      expect(load(cpu, FOUR_GIB - 8)).toBe(0x54414c58);
      // Nothing between the common chunk and the window, nor after the window.
      expect(cpu.load(4 * MiB, 4, false)).toBe(false);
      expect(cpu.fault).toEqual({ kind: 'page-fault', errorCode: 0, cr2: 4 * MiB });
      expect(cpu.load(WINDOW + CHUNK, 4, false)).toBe(false);
      expect(cpu.fault).toEqual({ kind: 'page-fault', errorCode: 0, cr2: WINDOW + CHUNK });
    }
    kernel.switchTo(1);
    expect(load(cpu, WINDOW + 2 * MiB + 0x20)).toBe(0x11112222);
    kernel.switchTo(0);
    // Space 0: the identity over the bottom 4 GiB.
    expect(load(cpu, 0x1234)).toBe(0xc0c0c0c0);
    expect(load(cpu, WINDOW + 0x10)).toBe(0);
    expect(load(cpu, FOUR_GIB - 8)).toBe(0x54414c58);
  });
});

describe('Kernel.switchTo', () => {
  it('turns paging on with the CR3 of the space from space 0, loads CR3 between paged spaces, turns paging off to return', () => {
    const { kernel, cpu } = booted();
    cpu.clear();
    kernel.switchTo(1);
    expect(cpu.log).toEqual([
      { reg: 'cr3', value: PDPT_1, ok: true },
      { reg: 'cr0', value: PG, ok: true },
    ]);
    cpu.clear();
    kernel.switchTo(2);
    expect(cpu.log).toEqual([{ reg: 'cr3', value: PDPT_2, ok: true }]);
    expect(kernel.currentSpace).toBe(2);
    cpu.clear();
    kernel.switchTo(0);
    expect(cpu.log).toEqual([{ reg: 'cr0', value: 0, ok: true }]);
    expect(kernel.currentSpace).toBe(0);
    cpu.clear();
    kernel.switchTo(3);
    expect(cpu.log).toEqual([
      { reg: 'cr3', value: PDPT_3, ok: true },
      { reg: 'cr0', value: PG, ok: true },
    ]);
  });

  it('moves no control register to switch to the current space', () => {
    const { kernel, cpu } = booted();
    cpu.clear();
    kernel.switchTo(0);
    expect(cpu.log).toEqual([]);
    kernel.switchTo(2);
    cpu.clear();
    kernel.switchTo(2);
    expect(cpu.log).toEqual([]);
    expect(kernel.currentSpace).toBe(2);
  });

  it('refuses a space that does not exist, moving nothing', () => {
    const { kernel, cpu } = booted();
    kernel.switchTo(1);
    cpu.clear();
    expect(() => kernel.switchTo(-1)).toThrow(new Error('kernel: no space -1'));
    expect(() => kernel.switchTo(4)).toThrow(new Error('kernel: no space 4'));
    expect(() => kernel.switchTo(5)).toThrow(new Error('kernel: no space 5'));
    expect(cpu.log).toEqual([]);
    expect(kernel.currentSpace).toBe(1);
  });

  it('panics when the processor refuses to enable paging on a corrupt PDPT, staying in space 0', () => {
    const { kernel, cpu } = booted();
    // R/W is reserved in a PAE PDPTE: loading it raises #GP (SDM 4.4.1).
    cpu.writePhys32(PDPT_2, (cpu.readPhys32(PDPT_2) | 2) >>> 0);
    const error = thrown(() => kernel.switchTo(2));
    expect(error).toBeInstanceOf(KernelPanic);
    expect(error.name).toBe('KernelPanic');
    expect(error.message).toBe('kernel: MOV to CR0 (paging on) raised #GP');
    expect(kernel.currentSpace).toBe(0);
    expect(cpu.cr0 & PG).toBe(0);
  });

  it('panics when the processor refuses the CR3 of a corrupt space, staying in the current one', () => {
    const { kernel, cpu } = booted();
    cpu.writePhys32(PDPT_3 + 8, (cpu.readPhys32(PDPT_3 + 8) | 2) >>> 0);
    kernel.switchTo(1);
    const error = thrown(() => kernel.switchTo(3));
    expect(error).toBeInstanceOf(KernelPanic);
    expect(error.message).toBe('kernel: MOV to CR3 raised #GP');
    expect(kernel.currentSpace).toBe(1);
    expect(cpu.cr3).toBe(PDPT_1);
  });
});

describe('Kernel.rootOf', () => {
  it('has no page tables for space 0 nor for a space beyond the layout', () => {
    const { kernel } = booted();
    expect(() => kernel.rootOf(0)).toThrow(new Error('kernel: space 0 has no page tables'));
    expect(() => kernel.rootOf(4)).toThrow(new Error('kernel: space 4 has no page tables'));
  });
});

describe('Kernel.remapLargePage', () => {
  it("rewrites the window's 2 MiB PDE holding va, from anywhere in the page", () => {
    const { kernel, cpu } = booted();
    kernel.remapLargePage(1, WINDOW + 4 * MiB + 0x1234, FOUR_GIB + 10 * MiB);
    expect(pde(kernel, 1, WINDOW + 4 * MiB)).toEqual([10 * MiB + LARGE, 1]);
    // Untouched: the neighbours, and the same window in the other spaces.
    expect(pde(kernel, 1, WINDOW)).toEqual([LARGE, 1]);
    expect(pde(kernel, 1, WINDOW + 8 * MiB)).toEqual([8 * MiB + LARGE, 1]);
    expect(pde(kernel, 2, WINDOW + 4 * MiB)).toEqual([CHUNK + 4 * MiB + LARGE, 1]);
    cpu.writePhys32(FOUR_GIB + 10 * MiB + 0x1234, 0xabcdef01);
    kernel.switchTo(1);
    expect(load(cpu, WINDOW + 4 * MiB + 0x1234)).toBe(0xabcdef01);
  });

  it('accepts the first and last page of the window and the first and last frame of the chunk', () => {
    const { kernel } = booted();
    kernel.remapLargePage(2, WINDOW, FOUR_GIB + 2 * CHUNK - 2 * MiB);
    expect(pde(kernel, 2, WINDOW)).toEqual([2 * CHUNK - 2 * MiB + LARGE, 1]);
    kernel.remapLargePage(2, WINDOW + CHUNK - 1, FOUR_GIB + CHUNK);
    expect(pde(kernel, 2, WINDOW + CHUNK - 2 * MiB)).toEqual([CHUNK + LARGE, 1]);
  });

  it('invalidates the page with INVLPG when the space is current, so the CPU sees the new frame', () => {
    const { kernel, cpu } = booted();
    cpu.writePhys32(FOUR_GIB + CHUNK + 0x40, 0x0bad0bad);
    cpu.writePhys32(FOUR_GIB + CHUNK + 6 * MiB + 0x40, 0x600d600d);
    kernel.switchTo(2);
    expect(load(cpu, WINDOW + 0x40)).toBe(0x0bad0bad);
    cpu.clear();
    kernel.remapLargePage(2, WINDOW + 0x40, FOUR_GIB + CHUNK + 6 * MiB);
    expect(cpu.log).toEqual([{ reg: 'invlpg', value: WINDOW, ok: true }]);
    expect(load(cpu, WINDOW + 0x40)).toBe(0x600d600d);
  });

  it('issues no INVLPG for a space that is not current (its translations went when it was left)', () => {
    const { kernel, cpu } = booted();
    kernel.switchTo(1);
    cpu.clear();
    kernel.remapLargePage(2, WINDOW + 2 * MiB, FOUR_GIB + CHUNK);
    kernel.switchTo(0);
    kernel.remapLargePage(1, WINDOW, FOUR_GIB + 2 * MiB * 3);
    expect(cpu.log.filter((e: ControlEvent) => e.reg === 'invlpg')).toEqual([]);
  });

  it('refuses a space without a private window', () => {
    const { kernel } = booted();
    expect(() => kernel.remapLargePage(0, WINDOW, FOUR_GIB)).toThrow(new Error('kernel: space 0 has no private window'));
    expect(() => kernel.remapLargePage(4, WINDOW, FOUR_GIB)).toThrow(new Error('kernel: space 4 has no private window'));
  });

  it('refuses an address outside the window or in a region mapped with 4 KiB pages', () => {
    const { kernel } = booted();
    const refused = (space: number, va: number): Error => new Error(`kernel: ${va} is not in a 2 MiB page of space ${space}'s window`);
    const before = pde(kernel, 1, WINDOW);
    expect(() => kernel.remapLargePage(1, WINDOW - 1, FOUR_GIB)).toThrow(refused(1, WINDOW - 1));
    expect(() => kernel.remapLargePage(1, WINDOW - 2 * MiB, FOUR_GIB)).toThrow(refused(1, WINDOW - 2 * MiB));
    expect(() => kernel.remapLargePage(2, WINDOW + CHUNK, FOUR_GIB + CHUNK)).toThrow(refused(2, WINDOW + CHUNK));
    expect(() => kernel.remapLargePage(2, WINDOW + CHUNK + 0x10, FOUR_GIB + CHUNK)).toThrow(refused(2, WINDOW + CHUNK + 0x10));
    // Space 1 is mixed: its odd 2 MiB regions use 4 KiB pages, wherever va lies in them.
    expect(() => kernel.remapLargePage(1, WINDOW + 2 * MiB, FOUR_GIB)).toThrow(refused(1, WINDOW + 2 * MiB));
    expect(() => kernel.remapLargePage(1, WINDOW + 2 * MiB + 0x10, FOUR_GIB)).toThrow(refused(1, WINDOW + 2 * MiB + 0x10));
    expect(() => kernel.remapLargePage(1, WINDOW + CHUNK - 1, FOUR_GIB)).toThrow(refused(1, WINDOW + CHUNK - 1));
    // Space 3 uses 4 KiB pages throughout.
    expect(() => kernel.remapLargePage(3, WINDOW, FOUR_GIB + 2 * CHUNK)).toThrow(refused(3, WINDOW));
    expect(pde(kernel, 1, WINDOW)).toEqual(before);
    expect(pde(kernel, 1, WINDOW + 2 * MiB)).toEqual([PDPT_1 + 7 * PAGE + TABLE, 0]);
    expect(pde(kernel, 2, WINDOW + CHUNK)).toEqual([0, 0]);
  });

  it("refuses a frame that is not a 2 MiB frame of the space's own chunk", () => {
    const { kernel } = booted();
    const refused = (space: number, pa: number): Error => new Error(`kernel: frame ${pa} is not a 2 MiB frame of space ${space}'s chunk`);
    expect(() => kernel.remapLargePage(1, WINDOW, FOUR_GIB + PAGE)).toThrow(refused(1, FOUR_GIB + PAGE));
    expect(() => kernel.remapLargePage(1, WINDOW, FOUR_GIB - 2 * MiB)).toThrow(refused(1, FOUR_GIB - 2 * MiB));
    expect(() => kernel.remapLargePage(1, WINDOW, FOUR_GIB + CHUNK)).toThrow(refused(1, FOUR_GIB + CHUNK));
    expect(() => kernel.remapLargePage(2, WINDOW, FOUR_GIB + 2 * CHUNK)).toThrow(refused(2, FOUR_GIB + 2 * CHUNK));
    expect(() => kernel.remapLargePage(2, WINDOW, FOUR_GIB + CHUNK - 2 * MiB)).toThrow(refused(2, FOUR_GIB + CHUNK - 2 * MiB));
    expect(() => kernel.remapLargePage(2, WINDOW, FOUR_GIB)).toThrow(refused(2, FOUR_GIB));
    expect(pde(kernel, 1, WINDOW)).toEqual([LARGE, 1]);
    expect(pde(kernel, 2, WINDOW)).toEqual([CHUNK + LARGE, 1]);
  });
});

describe('KernelPanic', () => {
  it('is an Error named KernelPanic', () => {
    const panic = new KernelPanic('kernel: test');
    expect(panic).toBeInstanceOf(Error);
    expect(panic.name).toBe('KernelPanic');
    expect(String(panic)).toBe('KernelPanic: kernel: test');
  });
});
