/**
 * PaeTableBuilder: the exact PAE entries it writes (SDM 4.4.2, Tables 4-8 to 4-11), read back from the
 * reference machine's RAM after `writeTo` and from its `memory()` image, where its tables are allocated,
 * the errors of bad input, and translations through the reference processor over what it built.
 */
import { describe, expect, it } from 'vitest';
import { PF_ERROR } from '../../src/arch/entry-layout.ts';
import { createReferenceProcessor, type ReferenceProcessor } from './index.ts';
import { encodeEntry, type PageAttributes, PaeTableBuilder } from './page-table-builder.ts';

const PG = 0x80000000;
const PAE = 1 << 5;
const NXE = 1 << 11;
const GiB = 2 ** 30;
const FOUR_GIB = 2 ** 32;

const PDPT = 0x1000;
const TABLES = 0x10000;

// Low flag bits (SDM Table 4-11)
const P = 0x1;
const RW = 0x2;
const US = 0x4;
const A = 0x20;
const D = 0x40;
const PS = 0x80;
const G = 0x100;
const XD_HI = 0x80000000;

const builder = (): PaeTableBuilder => new PaeTableBuilder({ pdpt: PDPT, tables: TABLES });

/** The builder's entries written into a fresh reference processor's RAM. */
function written(b: PaeTableBuilder, maxPhyAddr = 36): ReferenceProcessor {
  const cpu = createReferenceProcessor({ maxPhyAddr });
  b.writeTo(cpu);
  return cpu;
}

/** The 64-bit entry at pa as [lo, hi]. */
function read64(cpu: ReferenceProcessor, pa: number): [number, number] {
  return [cpu.readPhys32(pa), cpu.readPhys32(pa + 4)];
}

/** The 64-bit PTE the builder writes for one 4 KiB mapping with these attributes, as [lo, hi]. */
function pte4k(attrs: PageAttributes, pa = 0x7000): [number, number] {
  const b = builder().map4k(0x00403000, pa, attrs);
  return read64(written(b), b.pteAddress(0x00403000));
}

/** The 64-bit PDE the builder writes for one 2 MiB mapping with these attributes, as [lo, hi]. */
function pde2m(attrs: PageAttributes, pa = 0x00a00000): [number, number] {
  const b = builder().map2m(0x00600000, pa, attrs);
  return read64(written(b), b.pdeAddress(0x00600000));
}

/** A processor with PAE paging on over the builder's tables. */
function paged(b: PaeTableBuilder, nxe = false): ReferenceProcessor {
  const cpu = written(b);
  cpu.writeEfer(nxe ? NXE : 0);
  expect(cpu.movCr4(PAE)).toBe(true);
  expect(cpu.movCr3(b.cr3)).toBe(true);
  expect(cpu.movCr0(PG)).toBe(true);
  return cpu;
}

function expectPageFault(cpu: ReferenceProcessor, ok: boolean, errorCode: number, cr2: number): void {
  expect(ok).toBe(false);
  expect(cpu.fault).toEqual({ kind: 'page-fault', errorCode, cr2 });
}

describe('PaeTableBuilder options', () => {
  it('accepts a 32-byte-aligned PDPT anywhere in [0, 4 GiB) and returns it as CR3', () => {
    for (const pdpt of [0, 0x20, 0x1000, 0xffffffe0]) expect(new PaeTableBuilder({ pdpt, tables: TABLES }).cr3).toBe(pdpt);
  });

  it('rejects a PDPT that is not 32-byte aligned, negative, or at or above 4 GiB', () => {
    for (const pdpt of [0x1010, 0x1001, 0x101c, -32, -0x1000, FOUR_GIB, FOUR_GIB + 0x1000, 2 ** 36]) {
      expect(() => new PaeTableBuilder({ pdpt, tables: TABLES }), `pdpt 0x${pdpt.toString(16)}`).toThrow(
        new RangeError('the PDPT must be 32-byte aligned and below 4 GiB'),
      );
    }
  });

  it('rejects a table area that is not 4 KiB aligned', () => {
    for (const tables of [0x10800, 0x10020, 0x10001]) {
      expect(() => new PaeTableBuilder({ pdpt: PDPT, tables })).toThrow(new RangeError('the table area must be 4 KiB aligned'));
    }
    expect(new PaeTableBuilder({ pdpt: PDPT, tables: 0 }).map4k(0, 0x7000).pteAddress(0)).toBe(0);
  });
});

describe('PaeTableBuilder entries, read back from RAM', () => {
  it('a 4 KiB mapping writes a PDPTE (P only), a PDE to its page table (P, R/W, U/S) and the PTE', () => {
    const b = builder().map4k(0x00403000, 0x7000);
    const cpu = written(b);
    // The page table is allocated first (TABLES), then the page directory (TABLES + 4 KiB).
    expect(read64(cpu, PDPT)).toEqual([(TABLES + 0x1000) | P, 0]);
    expect(b.pdeAddress(0x00403000)).toBe(TABLES + 0x1000 + 2 * 8);
    expect(read64(cpu, TABLES + 0x1000 + 2 * 8)).toEqual([TABLES | P | RW | US, 0]);
    expect(b.pteAddress(0x00403000)).toBe(TABLES + 3 * 8);
    expect(read64(cpu, TABLES + 3 * 8)).toEqual([0x7000 | P | RW | US, 0]);
    // nothing else: the other PDPTEs and the neighbouring entries read 0
    for (const pa of [PDPT + 8, PDPT + 16, PDPT + 24, TABLES + 0x1000 + 8, TABLES + 0x1000 + 24, TABLES + 16, TABLES + 32]) {
      expect(read64(cpu, pa)).toEqual([0, 0]);
    }
    expect(cpu.dumpMemory()).toEqual(b.memory());
  });

  it('4 KiB PTE flags: P, R/W and U/S by default; R/W, U/S, G, A, D and XD as asked', () => {
    expect(pte4k({})).toEqual([0x7000 | P | RW | US, 0]);
    expect(pte4k({ writable: true, user: true })).toEqual([0x7000 | P | RW | US, 0]);
    expect(pte4k({ writable: false })).toEqual([0x7000 | P | US, 0]);
    expect(pte4k({ user: false })).toEqual([0x7000 | P | RW, 0]);
    expect(pte4k({ writable: false, user: false })).toEqual([0x7000 | P, 0]);
    expect(pte4k({ global: true })).toEqual([0x7000 | P | RW | US | G, 0]);
    expect(pte4k({ global: false, accessed: false, dirty: false, executeDisable: false })).toEqual([0x7000 | P | RW | US, 0]);
    expect(pte4k({ accessed: true })).toEqual([0x7000 | P | RW | US | A, 0]);
    expect(pte4k({ dirty: true })).toEqual([0x7000 | P | RW | US | D, 0]);
    expect(pte4k({ accessed: true, dirty: true })).toEqual([0x7000 | P | RW | US | A | D, 0]);
    expect(pte4k({ executeDisable: true })).toEqual([0x7000 | P | RW | US, XD_HI]);
    expect(pte4k({ writable: false, user: false, global: true, accessed: true, dirty: true, executeDisable: true })).toEqual([
      (0x7000 | P | G | A | D) >>> 0,
      XD_HI,
    ]);
  });

  it('2 MiB PDE flags: PS and P always; R/W, U/S by default; G, A, D and XD as asked', () => {
    expect(pde2m({})).toEqual([0x00a00000 | P | RW | US | PS, 0]);
    expect(pde2m({ writable: false })).toEqual([0x00a00000 | P | US | PS, 0]);
    expect(pde2m({ user: false })).toEqual([0x00a00000 | P | RW | PS, 0]);
    expect(pde2m({ global: true })).toEqual([0x00a00000 | P | RW | US | PS | G, 0]);
    expect(pde2m({ accessed: true })).toEqual([0x00a00000 | P | RW | US | PS | A, 0]);
    expect(pde2m({ dirty: true })).toEqual([0x00a00000 | P | RW | US | PS | D, 0]);
    expect(pde2m({ executeDisable: true })).toEqual([0x00a00000 | P | RW | US | PS, XD_HI]);
    expect(pde2m({ executeDisable: false })).toEqual([0x00a00000 | P | RW | US | PS, 0]);
    expect(pde2m({ writable: false, user: false, global: true, accessed: true, dirty: true, executeDisable: true })).toEqual([
      0x00a00000 | P | PS | G | A | D,
      XD_HI,
    ]);
  });

  it('frames above 4 GiB: address bits 32 and up in the high half, below XD', () => {
    expect(pte4k({}, 3 * FOUR_GIB + 0x12345000)).toEqual([0x12345000 | P | RW | US, 3]);
    expect(pte4k({ executeDisable: true }, 0xf * FOUR_GIB + 0xfffff000)).toEqual([(0xfffff000 | P | RW | US) >>> 0, (XD_HI | 0xf) >>> 0]);
    expect(pte4k({}, FOUR_GIB)).toEqual([P | RW | US, 1]);
    expect(pde2m({}, 3 * FOUR_GIB + 0x40600000)).toEqual([0x40600000 | P | RW | US | PS, 3]);
    expect(pde2m({ executeDisable: true }, 2 ** 51 + 0xffe00000)).toEqual([(0xffe00000 | P | RW | US | PS) >>> 0, (XD_HI | 2 ** 19) >>> 0]);
    // at MAXPHYADDR 52 the highest frame fills bits 51..32
    const top = 2 ** 52 - 0x1000;
    const b = builder().map4k(0x1000, top);
    expect(read64(written(b, 52), b.pteAddress(0x1000))).toEqual([(0xfffff000 | P | RW | US) >>> 0, 0xfffff]);
  });

  it('encodeEntry splits the address at 4 GiB and sets bit 63 for XD', () => {
    expect(encodeEntry(0x7000, 0x67, false)).toEqual({ lo: 0x7067, hi: 0 });
    expect(encodeEntry(0xfffff000, 0x1, true)).toEqual({ lo: 0xfffff001, hi: 0x80000000 });
    expect(encodeEntry(5 * FOUR_GIB + 0x9000, 0x3, false)).toEqual({ lo: 0x9003, hi: 5 });
    expect(encodeEntry(0xfffff * FOUR_GIB + 0xfffff000, 0x7, true)).toEqual({ lo: 0xfffff007, hi: 0x800fffff });
  });

  it('gives each PDPTE its own page directory and each 2 MiB region its own page table, allocated upward', () => {
    const b = builder()
      .map4k(0xc0001000, 0x7000) // PDPTE 3: page table TABLES, directory TABLES + 4 KiB
      .map4k(0xc0002000, 0x8000) // same page table
      .map4k(0xc0201000, 0x9000) // PDPTE 3, PDE 1: page table TABLES + 8 KiB
      .map4k(0x40001000, 0xa000) // PDPTE 1: page table TABLES + 12 KiB, directory TABLES + 16 KiB
      .map2m(0x80000000, 0x00200000); // PDPTE 2: directory TABLES + 20 KiB
    const cpu = written(b);
    expect(read64(cpu, PDPT)).toEqual([0, 0]);
    expect(read64(cpu, PDPT + 8)).toEqual([(TABLES + 0x4000) | P, 0]);
    expect(read64(cpu, PDPT + 16)).toEqual([(TABLES + 0x5000) | P, 0]);
    expect(read64(cpu, PDPT + 24)).toEqual([(TABLES + 0x1000) | P, 0]);
    expect(read64(cpu, TABLES + 0x1000)).toEqual([TABLES | P | RW | US, 0]);
    expect(read64(cpu, TABLES + 0x1000 + 8)).toEqual([(TABLES + 0x2000) | P | RW | US, 0]);
    expect(read64(cpu, TABLES + 0x4000)).toEqual([(TABLES + 0x3000) | P | RW | US, 0]);
    expect(read64(cpu, TABLES + 0x5000)).toEqual([0x00200000 | P | RW | US | PS, 0]);
    expect(read64(cpu, TABLES + 8)).toEqual([0x7000 | P | RW | US, 0]);
    expect(read64(cpu, TABLES + 16)).toEqual([0x8000 | P | RW | US, 0]);
    expect(read64(cpu, TABLES + 0x2000 + 8)).toEqual([0x9000 | P | RW | US, 0]);
    expect(read64(cpu, TABLES + 0x3000 + 8)).toEqual([0xa000 | P | RW | US, 0]);
    expect(b.pteAddress(0xc0001fff)).toBe(TABLES + 8);
    expect(b.pteAddress(0xc01ff000)).toBe(TABLES + 0x1ff * 8);
    expect(b.pteAddress(0xc0201000)).toBe(TABLES + 0x2000 + 8);
    expect(b.pteAddress(0x40001000)).toBe(TABLES + 0x3000 + 8);
    expect(b.pdeAddress(0xffe00000)).toBe(TABLES + 0x1000 + 0x1ff * 8);
    expect(b.pdeAddress(0x80000000)).toBe(TABLES + 0x5000);
  });

  it('pdeAddress creates a missing page directory (and its PDPTE), pteAddress(va, true) a missing page table', () => {
    const b = builder();
    expect(b.pdeAddress(0x40600000)).toBe(TABLES + 3 * 8);
    expect(b.memory()).toEqual([{ pa: PDPT + 8, value: `0x${(TABLES | P).toString(16)}` }]);
    expect(b.pteAddress(0x40601000, true)).toBe(TABLES + 0x1000 + 8);
    expect(b.pteAddress(0x40601000)).toBe(TABLES + 0x1000 + 8);
    expect(b.memory()).toEqual([
      { pa: PDPT + 8, value: `0x${(TABLES | P).toString(16)}` },
      { pa: TABLES + 3 * 8, value: `0x${((TABLES + 0x1000) | P | RW | US).toString(16)}` },
    ]);
  });

  it('pteAddress without create names a va that no page table maps', () => {
    const b = builder().map4k(0x00403000, 0x7000);
    expect(() => b.pteAddress(0x00603000)).toThrow(new Error('no page table maps 0x603000'));
    expect(() => b.pteAddress(0xc0000000)).toThrow(new Error('no page table maps 0xc0000000'));
    expect(() => b.pteAddress(0x00603000, false)).toThrow(new Error('no page table maps 0x603000'));
    expect(() => builder().pteAddress(0)).toThrow(new Error('no page table maps 0x0'));
    // asking writes nothing
    expect(b.memory()).toHaveLength(3);
  });

  it('map2m replaces the page table of its 2 MiB region; a later map4k there allocates a new one', () => {
    const b = builder().map4k(0x00403000, 0x7000).map2m(0x00400000, 0x00a00000);
    expect(() => b.pteAddress(0x00403000)).toThrow(new Error('no page table maps 0x403000'));
    expect(read64(written(b), TABLES + 0x1000 + 2 * 8)).toEqual([0x00a00000 | P | RW | US | PS, 0]);
    b.map4k(0x00404000, 0x8000);
    expect(b.pteAddress(0x00404000)).toBe(TABLES + 0x2000 + 4 * 8);
    expect(read64(written(b), TABLES + 0x1000 + 2 * 8)).toEqual([(TABLES + 0x2000) | P | RW | US, 0]);
  });

  it('rejects frames that are not aligned to their page size', () => {
    for (const pa of [0x7800, 0x7001, FOUR_GIB + 0x10]) {
      expect(() => builder().map4k(0x1000, pa)).toThrow(new RangeError('a 4 KiB frame must be 4 KiB aligned'));
    }
    for (const pa of [0x00401000, 0x00100000, FOUR_GIB + 0x1000]) {
      expect(() => builder().map2m(0x00400000, pa)).toThrow(new RangeError('a 2 MiB frame must be 2 MiB aligned'));
    }
    // and writes nothing
    const b = builder();
    expect(() => b.map4k(0x1000, 0x7800)).toThrow(RangeError);
    expect(() => b.map2m(0x00400000, 0x00401000)).toThrow(RangeError);
    expect(b.memory()).toEqual([]);
  });
});

describe('PaeTableBuilder.memory', () => {
  it('lists every entry written as a 64-bit hex word, sorted by physical address', () => {
    // PDPTE 3 first, then a page table below its directory, then PDPTE 0: insertion order is not address order
    const b = builder().map4k(0xc0001000, 0x7000, { executeDisable: true }).map2m(0x00200000, 2 * FOUR_GIB + 0x00400000);
    expect(b.memory()).toEqual([
      { pa: PDPT, value: '0x12001' },
      { pa: PDPT + 24, value: '0x11001' },
      { pa: TABLES + 8, value: '0x8000000000007007' },
      { pa: TABLES + 0x1000, value: '0x10007' },
      { pa: TABLES + 0x2000 + 8, value: '0x200400087' },
    ]);
    expect(written(b).dumpMemory()).toEqual(b.memory());
  });

  it('is empty before any mapping', () => {
    expect(builder().memory()).toEqual([]);
  });
});

describe('translation through the reference processor over the built tables', () => {
  it('4 KiB and 2 MiB pages, below and above 4 GiB, reach their frames', () => {
    const b = builder()
      .map4k(0x00403000, 0x7000)
      .map4k(0xc0001000, 2 * FOUR_GIB + 0x5000)
      .map2m(0x40200000, 0x00a00000);
    const cpu = paged(b);
    cpu.writePhys32(0x7010, 0x11111111);
    cpu.writePhys32(2 * FOUR_GIB + 0x5ffc, 0x22222222);
    cpu.writePhys32(0x00a00000 + 0x1ffff8, 0x33333333);
    expect(cpu.load(0x00403010, 4, true)).toBe(true);
    expect(cpu.valueLo).toBe(0x11111111);
    expect(cpu.load(0xc0001ffc, 4, true)).toBe(true);
    expect(cpu.valueLo).toBe(0x22222222);
    expect(cpu.load(0x403ffff8, 4, true)).toBe(true);
    expect(cpu.valueLo).toBe(0x33333333);
    // an address no entry maps is not present
    expectPageFault(cpu, cpu.load(0x00404000, 4, false), 0, 0x00404000);
  });

  it('writable: false forbids user writes, user: false user accesses, executeDisable fetches (with NXE)', () => {
    const b = builder()
      .map4k(0x1000, 0x7000, { writable: false })
      .map4k(0x2000, 0x8000, { user: false })
      .map4k(0x3000, 0x9000, { executeDisable: true })
      .map2m(0x00400000, 0x00a00000, { executeDisable: true });
    const cpu = paged(b, true);
    expectPageFault(cpu, cpu.store(0x1000, 4, 1, 0, true), PF_ERROR.P | PF_ERROR.WR | PF_ERROR.US, 0x1000);
    expect(cpu.load(0x1000, 4, true)).toBe(true);
    expectPageFault(cpu, cpu.load(0x2000, 4, true), PF_ERROR.P | PF_ERROR.US, 0x2000);
    expect(cpu.store(0x2000, 4, 1, 0, false)).toBe(true);
    expectPageFault(cpu, cpu.fetch(0x3000, 4, false), PF_ERROR.P | PF_ERROR.ID, 0x3000);
    expectPageFault(cpu, cpu.fetch(0x00500000, 4, false), PF_ERROR.P | PF_ERROR.ID, 0x00500000);
    expect(cpu.fetch(0x1000, 4, true)).toBe(true);
  });

  it('the walk sets A in the entries it uses and D in the PTE of a written page', () => {
    const b = builder().map4k(0x00403000, 0x7000);
    const cpu = paged(b);
    expect(cpu.store(0x00403000, 4, 5, 0, false)).toBe(true);
    expect(read64(cpu, b.pteAddress(0x00403000))).toEqual([0x7000 | P | RW | US | A | D, 0]);
    expect(read64(cpu, b.pdeAddress(0x00403000))).toEqual([TABLES | P | RW | US | A, 0]);
  });
});

describe('the builder allocates within the range it is given', () => {
  it('tables at the end of the first GiB', () => {
    const b = new PaeTableBuilder({ pdpt: 0xffffffe0, tables: GiB - 0x2000 }).map4k(0x1000, 0x7000);
    const cpu = written(b);
    expect(read64(cpu, 0xffffffe0)).toEqual([(GiB - 0x1000) | P, 0]);
    expect(read64(cpu, GiB - 0x1000)).toEqual([(GiB - 0x2000) | P | RW | US, 0]);
    expect(read64(cpu, GiB - 0x2000 + 8)).toEqual([0x7000 | P | RW | US, 0]);
  });
});
