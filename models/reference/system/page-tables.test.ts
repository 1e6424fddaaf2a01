/**
 * The kernel's page-table writer: pages allocated in order from its region, zeroed, and never past its end;
 * PAE entries as two 32-bit halves (frames and tables above 4 GiB included); mapRange's split of a range
 * into 2 MiB regions (partial regions at either end get 4 KiB pages), checked in the entries and through
 * the reference processor's translation.
 */
import { describe, expect, it } from 'vitest';
import { createReferenceProcessor, type ReferenceProcessor } from '../index.ts';
import { ENTRY_FLAGS, type PaeRoot, PageTableWriter } from './index.ts';

const PG = 2 ** 31;
const PAE = 1 << 5;
const MiB = 2 ** 20;
const GiB = 2 ** 30;
const REGION = { base: 0x100000, size: 16 * 4096 };

function writer(region = REGION): { cpu: ReferenceProcessor; tables: PageTableWriter } {
  const cpu = createReferenceProcessor({ maxPhyAddr: 36 });
  return { cpu, tables: new PageTableWriter(cpu, region) };
}

function entry(cpu: ReferenceProcessor, at: number): [number, number] {
  return [cpu.readPhys32(at) >>> 0, cpu.readPhys32(at + 4) >>> 0];
}

/** Address of the table under a PDE that points to one (fails on a large or absent PDE). */
function tableOf(cpu: ReferenceProcessor, tables: PageTableWriter, root: PaeRoot, va: number): number {
  const [lo, hi] = entry(cpu, tables.pdeAddress(root, va));
  expect(lo & 0xfff).toBe(ENTRY_FLAGS.TABLE);
  return hi * 2 ** 32 + (lo - (lo & 0xfff));
}

function pte(cpu: ReferenceProcessor, tables: PageTableWriter, root: PaeRoot, va: number): [number, number] {
  return entry(cpu, tableOf(cpu, tables, root, va) + ((va >>> 12) & 511) * 8);
}

function pagingOn(cpu: ReferenceProcessor, root: PaeRoot): void {
  expect(cpu.movCr4(PAE)).toBe(true);
  expect(cpu.movCr3(root.pdpt)).toBe(true);
  expect(cpu.movCr0(PG)).toBe(true);
}

describe('PageTableWriter.allocatePage', () => {
  it('hands out the region page by page, each zeroed, touching nothing outside it, and refuses past the end', () => {
    const { cpu, tables } = writer({ base: 0x100000, size: 3 * 4096 });
    for (const [pa, value] of [
      [0x100000, 0x11],
      [0x100ffc, 0x22],
      [0x101000, 0x33],
      [0x102ffc, 0x44],
      [0x103000, 0x55], // the first word past the region
    ] as const) {
      cpu.writePhys32(pa, value);
    }
    expect(tables.allocatePage()).toBe(0x100000);
    expect([cpu.readPhys32(0x100000), cpu.readPhys32(0x100ffc), cpu.readPhys32(0x101000)]).toEqual([0, 0, 0x33]);
    expect(tables.allocatePage()).toBe(0x101000);
    expect(cpu.readPhys32(0x101000)).toBe(0);
    expect(tables.allocatePage()).toBe(0x102000);
    expect([cpu.readPhys32(0x102ffc), cpu.readPhys32(0x103000)]).toEqual([0, 0x55]);
    expect(() => tables.allocatePage()).toThrow(new Error('kernel: page-table region exhausted'));
    expect(() => tables.allocatePage()).toThrow('kernel: page-table region exhausted');
    expect(cpu.readPhys32(0x103000)).toBe(0x55);
  });

  it('refuses a region smaller than one page', () => {
    const { tables } = writer({ base: 0x100000, size: 4092 });
    expect(() => tables.allocatePage()).toThrow('kernel: page-table region exhausted');
  });
});

describe('PageTableWriter entries', () => {
  it('a root is a PDPT of four present directories (P only), allocated after it', () => {
    const { cpu, tables } = writer();
    const root = tables.createRoot();
    expect(root).toEqual({ pdpt: 0x100000, directories: [0x101000, 0x102000, 0x103000, 0x104000] });
    expect([0, 1, 2, 3].map((i) => entry(cpu, root.pdpt + 8 * i))).toEqual([
      [0x101001, 0],
      [0x102001, 0],
      [0x103001, 0],
      [0x104001, 0],
    ]);
  });

  it('writes frames above 4 GiB into the high half, global pages with G', () => {
    const { cpu, tables } = writer();
    const root = tables.createRoot();
    tables.mapLarge(root, GiB, 2 ** 35 + 6 * MiB, true);
    expect(entry(cpu, tables.pdeAddress(root, GiB))).toEqual([0x600000 + 0x183, 8]);
    tables.mapSmall(root, 3 * GiB + 0x5000, 2 ** 33 + 0x7000, false);
    expect(pte(cpu, tables, root, 3 * GiB + 0x5000)).toEqual([0x7003, 2]);
    tables.mapSmall(root, 3 * GiB + 0x6000, 0x9000, true);
    expect(pte(cpu, tables, root, 3 * GiB + 0x6000)).toEqual([0x9103, 0]);
  });

  it('puts 4 KiB pages of one 2 MiB region into one table, also when the tables are above 4 GiB', () => {
    const base = 2 ** 33;
    const { cpu, tables } = writer({ base, size: 7 * 4096 });
    const root = tables.createRoot();
    tables.mapSmall(root, GiB + 0x1000, 0x5000, false);
    const table = base + 5 * 4096;
    expect(entry(cpu, tables.pdeAddress(root, GiB))).toEqual([0x5000 + ENTRY_FLAGS.TABLE, 2]);
    tables.mapSmall(root, GiB + 0x2000, 0x6000, false);
    expect(entry(cpu, table + 8)).toEqual([0x5003, 0]);
    expect(entry(cpu, table + 16)).toEqual([0x6003, 0]);
    expect(tables.allocatePage()).toBe(base + 6 * 4096); // no second table was allocated
  });

  it('refuses a 4 KiB page inside a 2 MiB page', () => {
    const { cpu, tables } = writer();
    const root = tables.createRoot();
    tables.mapLarge(root, GiB, 0x10000000, false);
    expect(() => tables.mapSmall(root, GiB + 0x1000, 0x5000, false)).toThrow(new Error('kernel: 1073745920 is already mapped by a 2 MiB page'));
    expect(entry(cpu, tables.pdeAddress(root, GiB))).toEqual([0x10000083, 0]);
  });
});

describe('PageTableWriter.mapRange', () => {
  it('maps a partial region at each end with 4 KiB pages and the whole region between with a 2 MiB page', () => {
    const { cpu, tables } = writer();
    const root = tables.createRoot();
    const va = 2 * MiB - 0x1000;
    const pa = 0x10000000 + va;
    tables.mapRange(root, va, pa, 2 * MiB + 0x2000, false, () => false);

    expect(pte(cpu, tables, root, va)).toEqual([pa + ENTRY_FLAGS.PAGE, 0]);
    expect(entry(cpu, tables.pdeAddress(root, 2 * MiB))).toEqual([0x10200000 + ENTRY_FLAGS.LARGE, 0]);
    expect(pte(cpu, tables, root, 4 * MiB)).toEqual([0x10400000 + ENTRY_FLAGS.PAGE, 0]);
    expect(pte(cpu, tables, root, 4 * MiB + 0x1000)).toEqual([0, 0]);
    expect(pte(cpu, tables, root, va - 0x1000)).toEqual([0, 0]);

    pagingOn(cpu, root);
    for (const [at, value] of [
      [va, 0xa1],
      [va + 0xffc, 0xa2],
      [2 * MiB, 0xb1],
      [2 * MiB + 0x123450, 0xb2],
      [4 * MiB - 4, 0xb3],
      [4 * MiB + 0xffc, 0xc1],
    ] as const) {
      expect(cpu.store(at, 4, value, 0, false)).toBe(true);
      expect(cpu.readPhys32(pa + (at - va))).toBe(value);
    }
    expect(cpu.store(4 * MiB + 0x1000, 4, 1, 0, false)).toBe(false);
    expect(cpu.store(va - 4, 4, 1, 0, false)).toBe(false);
  });

  it('asks small(region index) for every whole 2 MiB region', () => {
    const { cpu, tables } = writer();
    const root = tables.createRoot();
    const asked: number[] = [];
    tables.mapRange(root, GiB, 0x10000000, 6 * MiB, true, (r) => {
      asked.push(r);
      return r === 1;
    });
    expect(asked).toEqual([0, 1, 2]);
    expect(entry(cpu, tables.pdeAddress(root, GiB))).toEqual([0x10000000 + ENTRY_FLAGS.LARGE + ENTRY_FLAGS.GLOBAL, 0]);
    expect(pte(cpu, tables, root, GiB + 2 * MiB)).toEqual([0x10200000 + ENTRY_FLAGS.PAGE + ENTRY_FLAGS.GLOBAL, 0]);
    expect(pte(cpu, tables, root, GiB + 4 * MiB - 0x1000)).toEqual([0x103ff000 + ENTRY_FLAGS.PAGE + ENTRY_FLAGS.GLOBAL, 0]);
    expect(entry(cpu, tables.pdeAddress(root, GiB + 4 * MiB))).toEqual([0x10400000 + ENTRY_FLAGS.LARGE + ENTRY_FLAGS.GLOBAL, 0]);
    expect(entry(cpu, tables.pdeAddress(root, GiB + 6 * MiB))).toEqual([0, 0]);
  });

  it('a range that ends inside a region maps only its own 4 KiB pages there', () => {
    const { cpu, tables } = writer();
    const root = tables.createRoot();
    tables.mapRange(root, GiB, 0x10000000, 2 * MiB + 0x3000, false, () => false);
    expect(entry(cpu, tables.pdeAddress(root, GiB))).toEqual([0x10000000 + ENTRY_FLAGS.LARGE, 0]);
    expect([0, 1, 2, 3].map((k) => pte(cpu, tables, root, GiB + 2 * MiB + k * 0x1000)[0])).toEqual([
      0x10200000 + ENTRY_FLAGS.PAGE,
      0x10201000 + ENTRY_FLAGS.PAGE,
      0x10202000 + ENTRY_FLAGS.PAGE,
      0,
    ]);
  });
});
