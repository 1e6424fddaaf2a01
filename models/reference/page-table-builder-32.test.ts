/**
 * Paging32TableBuilder: the exact 4-byte entries it writes (SDM 4.3, Tables 4-4 to 4-6), read back from the
 * reference machine's RAM after `writeTo` and from its `memory()` image (two entries to an 8-byte word),
 * where its page tables are allocated, the errors of bad input, and translations through the reference
 * processor over what it built.
 */
import { describe, expect, it } from 'vitest';
import { PF_ERROR } from '../../src/arch/entry-layout.ts';
import { createReferenceProcessor, type ReferenceProcessor } from './index.ts';
import type { PageAttributes } from './page-table-builder.ts';
import { hugePde, Paging32TableBuilder } from './page-table-builder-32.ts';

const PG = 0x80000000;
const PSE = 1 << 4;
const MiB = 2 ** 20;
const FOUR_GIB = 2 ** 32;

const DIRECTORY = 0x2000;
const TABLES = 0x10000;

// Low flag bits (SDM Tables 4-4 to 4-6)
const P = 0x1;
const RW = 0x2;
const US = 0x4;
const A = 0x20;
const D = 0x40;
const PS = 0x80;
const G = 0x100;

const builder = (): Paging32TableBuilder => new Paging32TableBuilder({ directory: DIRECTORY, tables: TABLES });
const hex = (n: number): string => `0x${n.toString(16)}`;

/** The builder's entries written into a fresh reference processor's RAM. */
function written(b: Paging32TableBuilder, maxPhyAddr = 36): ReferenceProcessor {
  const cpu = createReferenceProcessor({ maxPhyAddr });
  b.writeTo(cpu);
  return cpu;
}

/** The 4-byte PTE the builder writes for one 4 KiB mapping with these attributes. */
function pte4k(attrs: PageAttributes, pa = 0x7000): number {
  const b = builder().map4k(0x00403000, pa, attrs);
  return written(b).readPhys32(b.pteAddress(0x00403000));
}

/** The 4-byte PDE the builder writes for one 4 MiB mapping with these attributes. */
function pde4m(attrs: PageAttributes, pa = 0x01000000): number {
  const b = builder().map4m(0x00c00000, pa, attrs);
  return written(b).readPhys32(b.pdeAddress(0x00c00000));
}

/** A processor with 32-bit paging on (CR4.PSE = 1) over the builder's tables. */
function paged(b: Paging32TableBuilder, maxPhyAddr = 36): ReferenceProcessor {
  const cpu = written(b, maxPhyAddr);
  expect(cpu.movCr4(PSE)).toBe(true);
  expect(cpu.movCr3(b.cr3)).toBe(true);
  expect(cpu.movCr0(PG)).toBe(true);
  return cpu;
}

function expectPageFault(cpu: ReferenceProcessor, ok: boolean, errorCode: number, cr2: number): void {
  expect(ok).toBe(false);
  expect(cpu.fault).toEqual({ kind: 'page-fault', errorCode, cr2 });
}

describe('Paging32TableBuilder options', () => {
  it('accepts a 4 KiB-aligned page directory anywhere in [0, 4 GiB) and returns it as CR3', () => {
    for (const directory of [0, 0x1000, 0x2000, 0xfffff000]) {
      expect(new Paging32TableBuilder({ directory, tables: TABLES }).cr3).toBe(directory);
    }
  });

  it('rejects a page directory that is not 4 KiB aligned, negative, or at or above 4 GiB', () => {
    for (const directory of [0x2800, 0x2004, 0x2001, -0x1000, -0x2000, FOUR_GIB, FOUR_GIB + 0x1000, 2 ** 36]) {
      expect(() => new Paging32TableBuilder({ directory, tables: TABLES }), `directory ${directory}`).toThrow(
        new RangeError('the page directory must be 4 KiB aligned and below 4 GiB'),
      );
    }
  });

  it('accepts a table area up to the last 4 KiB frame below 4 GiB, rejects one unaligned or beyond', () => {
    for (const tables of [0, 0x1000, FOUR_GIB - 0x1000]) {
      expect(() => new Paging32TableBuilder({ directory: DIRECTORY, tables })).not.toThrow();
    }
    const top = new Paging32TableBuilder({ directory: DIRECTORY, tables: FOUR_GIB - 0x1000 }).map4k(0x1000, 0x7000);
    expect(top.pteAddress(0x1000)).toBe(FOUR_GIB - 0x1000 + 4);
    for (const tables of [0x10800, 0x10004, 0x10001, FOUR_GIB, FOUR_GIB + 0x1000, 2 ** 36]) {
      expect(() => new Paging32TableBuilder({ directory: DIRECTORY, tables }), `tables ${tables}`).toThrow(
        new RangeError('the table area must be 4 KiB aligned and below 4 GiB'),
      );
    }
  });
});

describe('Paging32TableBuilder entries, read back from RAM', () => {
  it('a 4 KiB mapping writes a PDE to its page table (P, R/W, U/S) and the PTE, nothing else', () => {
    const b = builder().map4k(0x00403000, 0x7000);
    const cpu = written(b);
    expect(b.pdeAddress(0x00403000)).toBe(DIRECTORY + 4);
    expect(cpu.readPhys32(DIRECTORY + 4)).toBe(TABLES | P | RW | US);
    expect(b.pteAddress(0x00403000)).toBe(TABLES + 3 * 4);
    expect(cpu.readPhys32(TABLES + 3 * 4)).toBe(0x7000 | P | RW | US);
    for (const pa of [DIRECTORY, DIRECTORY + 8, TABLES + 8, TABLES + 16]) expect(cpu.readPhys32(pa)).toBe(0);
    expect(cpu.dumpMemory()).toEqual(b.memory());
  });

  it('4 KiB PTE flags: P, R/W and U/S by default; R/W, U/S, G, A and D as asked', () => {
    expect(pte4k({})).toBe(0x7000 | P | RW | US);
    expect(pte4k({ writable: true, user: true })).toBe(0x7000 | P | RW | US);
    expect(pte4k({ writable: false })).toBe(0x7000 | P | US);
    expect(pte4k({ user: false })).toBe(0x7000 | P | RW);
    expect(pte4k({ writable: false, user: false })).toBe(0x7000 | P);
    expect(pte4k({ global: true })).toBe(0x7000 | P | RW | US | G);
    expect(pte4k({ global: false, accessed: false, dirty: false })).toBe(0x7000 | P | RW | US);
    expect(pte4k({ accessed: true })).toBe(0x7000 | P | RW | US | A);
    expect(pte4k({ dirty: true })).toBe(0x7000 | P | RW | US | D);
    expect(pte4k({ accessed: true, dirty: true })).toBe(0x7000 | P | RW | US | A | D);
    expect(pte4k({ writable: false, user: false, global: true, accessed: true, dirty: true })).toBe(0x7000 | P | G | A | D);
    expect(pte4k({}, 0xfffff000)).toBe((0xfffff000 | P | RW | US) >>> 0);
  });

  it('4 MiB PDE flags: PS and P always; R/W, U/S by default; G, A and D as asked', () => {
    expect(pde4m({})).toBe(0x01000000 | P | RW | US | PS);
    expect(pde4m({ writable: false })).toBe(0x01000000 | P | US | PS);
    expect(pde4m({ user: false })).toBe(0x01000000 | P | RW | PS);
    expect(pde4m({ global: true })).toBe(0x01000000 | P | RW | US | PS | G);
    expect(pde4m({ accessed: true })).toBe(0x01000000 | P | RW | US | PS | A);
    expect(pde4m({ dirty: true })).toBe(0x01000000 | P | RW | US | PS | D);
    expect(pde4m({ writable: false, user: false, global: true, accessed: true, dirty: true })).toBe(0x01000000 | P | PS | G | A | D);
  });

  it('4 MiB frames above 4 GiB put physical bits 39..32 in PDE bits 20..13 (PSE-36)', () => {
    expect(pde4m({}, 2 ** 39 + 12 * MiB)).toBe(0x00c00000 | (0x80 << 13) | P | RW | US | PS);
    expect(pde4m({}, FOUR_GIB)).toBe((1 << 13) | P | RW | US | PS);
    expect(pde4m({}, 0xff * FOUR_GIB + 0xffc00000)).toBe((0xffc00000 | (0xff << 13) | P | RW | US | PS) >>> 0);
    expect(hugePde(3 * FOUR_GIB + 0x00400000, P)).toBe(0x00400000 | (3 << 13) | P | PS);
    expect(hugePde(0x00400000, 0)).toBe(0x00400000 | PS);
  });

  it('gives each 4 MiB region its own page table, allocated upward', () => {
    const b = builder()
      .map4k(0x00401000, 0x7000) // PDE 1: page table TABLES
      .map4k(0x00402000, 0x8000) // same page table
      .map4k(0xffc00000, 0x9000) // PDE 1023: page table TABLES + 4 KiB
      .map4k(0x00001000, 0xa000) // PDE 0: page table TABLES + 8 KiB
      .map4m(0x00800000, 0x01000000); // PDE 2
    const cpu = written(b);
    expect(cpu.readPhys32(DIRECTORY)).toBe((TABLES + 0x2000) | P | RW | US);
    expect(cpu.readPhys32(DIRECTORY + 4)).toBe(TABLES | P | RW | US);
    expect(cpu.readPhys32(DIRECTORY + 8)).toBe(0x01000000 | P | RW | US | PS);
    expect(cpu.readPhys32(DIRECTORY + 0xffc)).toBe((TABLES + 0x1000) | P | RW | US);
    expect(cpu.readPhys32(TABLES + 4)).toBe(0x7000 | P | RW | US);
    expect(cpu.readPhys32(TABLES + 8)).toBe(0x8000 | P | RW | US);
    expect(cpu.readPhys32(TABLES + 0x1000)).toBe(0x9000 | P | RW | US);
    expect(cpu.readPhys32(TABLES + 0x2000 + 4)).toBe(0xa000 | P | RW | US);
    expect(b.pteAddress(0x007ff000)).toBe(TABLES + 0x3ff * 4);
    expect(b.pteAddress(0xffffffff)).toBe(TABLES + 0x1000 + 0x3ff * 4);
    expect(b.pdeAddress(0xffffffff)).toBe(DIRECTORY + 0x3ff * 4);
  });

  it('pteAddress(va, true) creates a missing page table; without create it names a va no page table maps', () => {
    const b = builder();
    expect(() => b.pteAddress(0x00403000)).toThrow(new Error('no page table maps 0x403000'));
    expect(() => b.pteAddress(0xc0000000)).toThrow(new Error('no page table maps 0xc0000000'));
    expect(() => b.pteAddress(0x00403000, false)).toThrow(new Error('no page table maps 0x403000'));
    expect(b.memory()).toEqual([]);
    expect(b.pteAddress(0x00403000, true)).toBe(TABLES + 3 * 4);
    expect(b.pteAddress(0x00403000)).toBe(TABLES + 3 * 4);
    expect(b.pteAddress(0x00800000, true)).toBe(TABLES + 0x1000);
    expect(b.memory()).toEqual([
      { pa: DIRECTORY, value: hex((TABLES | P | RW | US) * FOUR_GIB) },
      { pa: DIRECTORY + 8, value: hex((TABLES + 0x1000) | P | RW | US) },
    ]);
  });

  it('map4m replaces the page table of its 4 MiB region; a later map4k there allocates a new one', () => {
    const b = builder().map4k(0x00403000, 0x7000).map4m(0x00400000, 0x01000000);
    expect(() => b.pteAddress(0x00403000)).toThrow(new Error('no page table maps 0x403000'));
    expect(written(b).readPhys32(DIRECTORY + 4)).toBe(0x01000000 | P | RW | US | PS);
    b.map4k(0x00404000, 0x8000);
    expect(b.pteAddress(0x00404000)).toBe(TABLES + 0x1000 + 4 * 4);
    expect(written(b).readPhys32(DIRECTORY + 4)).toBe((TABLES + 0x1000) | P | RW | US);
  });

  it('rejects a 4 KiB frame not 4 KiB aligned or at or above 4 GiB, a 4 MiB frame not 4 MiB aligned', () => {
    for (const pa of [0x7800, 0x7001, FOUR_GIB, FOUR_GIB + 0x1000, 2 ** 36]) {
      expect(() => builder().map4k(0x1000, pa), `pa ${pa}`).toThrow(new RangeError('a 4 KiB frame must be 4 KiB aligned and below 4 GiB'));
    }
    for (const pa of [0x00401000, 0x00200000, FOUR_GIB + 0x00200000]) {
      expect(() => builder().map4m(0x00400000, pa)).toThrow(new RangeError('a 4 MiB frame must be 4 MiB aligned'));
    }
    const b = builder();
    expect(() => b.map4k(0x1000, 0x7800)).toThrow(RangeError);
    expect(() => b.map4m(0x00400000, 0x00200000)).toThrow(RangeError);
    expect(b.memory()).toEqual([]);
  });
});

describe('Paging32TableBuilder.memory', () => {
  it('pairs 4-byte entries into 8-byte little-endian words, sorted by physical address', () => {
    // insertion order is not address order: PDE 4, then PDE 1 (high half of the word at DIRECTORY), then
    // PDE 0 (its low half), then PDE 3 (high half of the word at DIRECTORY + 8)
    const b = builder()
      .map4m(0x01000000, 0x01000000)
      .map4m(0x00400000, 0x00400000, { global: true })
      .map4m(0x00000000, 2 ** 39, { user: false })
      .map4m(0x00c00000, 0xffc00000);
    expect(b.memory()).toEqual([
      { pa: DIRECTORY, value: '0x40018700100083' },
      { pa: DIRECTORY + 8, value: '0xffc0008700000000' },
      { pa: DIRECTORY + 16, value: '0x1000087' },
    ]);
    expect(written(b).dumpMemory()).toEqual(b.memory());
  });

  it('a word whose high entry is unwritten holds the low entry alone; one whose low entry is unwritten, the high alone', () => {
    expect(builder().map4m(0, 0x00800000).memory()).toEqual([{ pa: DIRECTORY, value: '0x800087' }]);
    expect(builder().map4m(0x00400000, 0x00800000).memory()).toEqual([{ pa: DIRECTORY, value: '0x80008700000000' }]);
    expect(builder().map4m(0, 0xffc00000).memory()).toEqual([{ pa: DIRECTORY, value: '0xffc00087' }]);
  });

  it('is empty before any mapping', () => {
    expect(builder().memory()).toEqual([]);
  });
});

describe('translation through the reference processor over the built tables', () => {
  it('4 KiB and 4 MiB pages, the latter also above 4 GiB through PSE-36, reach their frames', () => {
    const b = builder()
      .map4k(0x00403000, 0x7000)
      .map4m(0x00c00000, 0x01000000)
      .map4m(0x00400000 * 5, 2 ** 39 + 12 * MiB);
    const cpu = paged(b, 44);
    cpu.writePhys32(0x7010, 0x11111111);
    cpu.writePhys32(0x01000000 + 3 * MiB + 8, 0x22222222);
    cpu.writePhys32(2 ** 39 + 12 * MiB + 0x3ffffc, 0x33333333);
    expect(cpu.load(0x00403010, 4, true)).toBe(true);
    expect(cpu.valueLo).toBe(0x11111111);
    expect(cpu.load(0x00c00000 + 3 * MiB + 8, 4, true)).toBe(true);
    expect(cpu.valueLo).toBe(0x22222222);
    expect(cpu.load(0x017ffffc, 4, true)).toBe(true);
    expect(cpu.valueLo).toBe(0x33333333);
    expectPageFault(cpu, cpu.load(0x00404000, 4, false), 0, 0x00404000);
    expectPageFault(cpu, cpu.load(0x00800000, 4, false), 0, 0x00800000);
  });

  it('writable: false forbids user writes, user: false user accesses', () => {
    const b = builder()
      .map4k(0x1000, 0x7000, { writable: false })
      .map4k(0x2000, 0x8000, { user: false })
      .map4m(0x00800000, 0x01000000, { writable: false })
      .map4m(0x00c00000, 0x01400000, { user: false });
    const cpu = paged(b);
    expectPageFault(cpu, cpu.store(0x1000, 4, 1, 0, true), PF_ERROR.P | PF_ERROR.WR | PF_ERROR.US, 0x1000);
    expect(cpu.load(0x1000, 4, true)).toBe(true);
    expectPageFault(cpu, cpu.load(0x2000, 4, true), PF_ERROR.P | PF_ERROR.US, 0x2000);
    expect(cpu.store(0x2000, 4, 1, 0, false)).toBe(true);
    expectPageFault(cpu, cpu.store(0x00900000, 4, 1, 0, true), PF_ERROR.P | PF_ERROR.WR | PF_ERROR.US, 0x00900000);
    expectPageFault(cpu, cpu.load(0x00d00000, 4, true), PF_ERROR.P | PF_ERROR.US, 0x00d00000);
  });

  it('the walk sets A in the PDE and A and D in the PTE of a written page', () => {
    const b = builder().map4k(0x00403000, 0x7000);
    const cpu = paged(b);
    expect(cpu.store(0x00403000, 4, 5, 0, false)).toBe(true);
    expect(cpu.readPhys32(b.pteAddress(0x00403000))).toBe(0x7000 | P | RW | US | A | D);
    expect(cpu.readPhys32(b.pdeAddress(0x00403000))).toBe(TABLES | P | RW | US | A);
  });
});
