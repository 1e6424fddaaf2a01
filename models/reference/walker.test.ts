/**
 * `mapsLargePage` of both walkers: the processor's INVLPG asks it whether va is mapped by a present large
 * page (2 MiB under PAE, 4 MiB under 32-bit paging with CR4.PSE = 1) to drop the 4 KiB entries inside it.
 * Each walker documents it as true exactly then; these tests hold it to that.
 */
import { describe, expect, it } from 'vitest';
import { BIT } from '../../src/arch/entry-layout.ts';
import { ControlRegisters } from './control-registers.ts';
import { PaeTableBuilder } from './page-table-builder.ts';
import { hugePde, Paging32TableBuilder } from './page-table-builder-32.ts';
import { PdpteRegisters } from './pdpte-registers.ts';
import { SparseRam } from './ram.ts';
import { PaeWalker } from './walker.ts';
import { Paging32Walker } from './walker-32.ts';

const PG = 0x80000000;
const PSE = 1 << 4;
const PAE = 1 << 5;
const GiB = 2 ** 30;
const bit = (b: number): number => (1 << b) >>> 0;

function context(cr4: number): { ram: SparseRam; pdptes: PdpteRegisters; control: ControlRegisters } {
  const control = new ControlRegisters();
  control.cr0 = PG;
  control.cr4 = cr4;
  return { ram: new SparseRam(36), pdptes: new PdpteRegisters(), control };
}

describe('PaeWalker.mapsLargePage', () => {
  const PDPT = 0x1000;

  function setup(): { walker: PaeWalker; ram: SparseRam; b: PaeTableBuilder } {
    const ctx = context(PAE);
    const b = new PaeTableBuilder({ pdpt: PDPT, tables: 0x10000 });
    b.map2m(0x00600000, 0x00a00000);
    b.map4k(0x00001000, 0x7000);
    b.writeTo({ writePhys32: (pa, v) => ctx.ram.write32(pa, v) });
    // PDPTE 1 (linear 1..2 GiB) is not present, but its address bits name the page directory of PDPTE 0,
    // whose PDE 3 maps the 2 MiB page at 0x00600000.
    const directory0 = ctx.ram.read32(PDPT) & ~0xfff;
    ctx.ram.write32(PDPT + 8, directory0);
    ctx.control.cr3 = b.cr3;
    expect(ctx.pdptes.load(ctx.ram, b.cr3)).toBe(true);
    return { walker: new PaeWalker(ctx), ram: ctx.ram, b };
  }

  it('is true anywhere inside a present 2 MiB page', () => {
    const { walker } = setup();
    for (const va of [0x00600000, 0x00654321, 0x007fffff]) expect(walker.mapsLargePage(va)).toBe(true);
  });

  it('is false for a PDE that references a page table', () => {
    const { walker } = setup();
    expect(walker.mapsLargePage(0x00001000)).toBe(false);
    expect(walker.mapsLargePage(0x00100000)).toBe(false);
  });

  it('is false for a PDE with PS = 1 that is not present', () => {
    const { walker, ram, b } = setup();
    ram.write32(b.pdeAddress(0x00600000), 0x00a00000 | bit(BIT.RW) | bit(BIT.PS));
    expect(walker.mapsLargePage(0x00600000)).toBe(false);
  });

  it('is false when the PDPTE is not present, whatever its address bits point at', () => {
    const { walker } = setup();
    expect(walker.mapsLargePage(GiB + 0x00600000)).toBe(false);
  });
});

describe('Paging32Walker.mapsLargePage', () => {
  function setup(cr4: number): { walker: Paging32Walker; ram: SparseRam; b: Paging32TableBuilder } {
    const ctx = context(cr4);
    const b = new Paging32TableBuilder({ directory: 0x2000, tables: 0x10000 });
    b.map4m(0x00400000, 0x01000000);
    b.map4k(0x00001000, 0x7000);
    b.writeTo({ writePhys32: (pa, v) => ctx.ram.write32(pa, v) });
    // PDE 2 (linear 8..12 MiB): PS = 1 but P = 0
    ctx.ram.write32(b.pdeAddress(0x00800000), hugePde(0x01400000, bit(BIT.RW)));
    ctx.control.cr3 = b.cr3;
    return { walker: new Paging32Walker(ctx), ram: ctx.ram, b };
  }

  it('is true anywhere inside a present 4 MiB page with CR4.PSE = 1', () => {
    const { walker } = setup(PSE);
    for (const va of [0x00400000, 0x00612345, 0x007fffff]) expect(walker.mapsLargePage(va)).toBe(true);
  });

  it('is false for a PDE that references a page table, and for a PDE with PS = 1 that is not present', () => {
    const { walker } = setup(PSE);
    expect(walker.mapsLargePage(0x00001000)).toBe(false);
    expect(walker.mapsLargePage(0x00800000)).toBe(false);
    expect(walker.mapsLargePage(0x00a00000)).toBe(false);
  });

  it('is false with CR4.PSE = 0, where PS is ignored and the PDE references a page table (SDM 4.3)', () => {
    const { walker } = setup(0);
    for (const va of [0x00400000, 0x00612345, 0x00001000, 0x00800000]) expect(walker.mapsLargePage(va)).toBe(false);
  });
});
