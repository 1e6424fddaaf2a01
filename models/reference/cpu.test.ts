import { describe, expect, it } from 'vitest';
import { BIT, PF_ERROR } from '../../src/arch/entry-layout.ts';
import { createReferenceProcessor, type ReferenceProcessor } from './index.ts';
import { type PageAttributes, PaeTableBuilder } from './page-table-builder.ts';

const PG = 0x80000000;
const WP = 1 << 16;
const PAE = 1 << 5;
const PGE = 1 << 7;
const NXE = 1 << 11;
const GiB = 2 ** 30;
const MiB = 2 ** 20;
const bit = (b: number): number => (1 << b) >>> 0;

const PDPT = 0x1000;
const TABLES = 0x10000;

interface Setup {
  readonly wp?: boolean;
  readonly nxe?: boolean;
  readonly pge?: boolean;
  readonly maxPhyAddr?: number;
}

/** A processor with PAE paging on over the tables `build` describes. */
function paged(build: (b: PaeTableBuilder) => void, setup: Setup = {}): { cpu: ReferenceProcessor; b: PaeTableBuilder } {
  const cpu = createReferenceProcessor({ maxPhyAddr: setup.maxPhyAddr ?? 36 });
  const b = new PaeTableBuilder({ pdpt: PDPT, tables: TABLES });
  build(b);
  b.writeTo(cpu);
  cpu.writeEfer(setup.nxe ? NXE : 0);
  expect(cpu.movCr4(PAE | (setup.pge ? PGE : 0))).toBe(true);
  expect(cpu.movCr3(b.cr3)).toBe(true);
  expect(cpu.movCr0(PG | (setup.wp ? WP : 0))).toBe(true);
  return { cpu, b };
}

function read64(cpu: ReferenceProcessor, pa: number): [number, number] {
  return [cpu.readPhys32(pa), cpu.readPhys32(pa + 4)];
}

function lo(cpu: ReferenceProcessor, pa: number): number {
  return cpu.readPhys32(pa);
}

function loadValue(cpu: ReferenceProcessor, va: number, size = 4, user = false): number {
  expect(cpu.load(va, size, user)).toBe(true);
  return cpu.valueLo;
}

function expectPageFault(cpu: ReferenceProcessor, ok: boolean, errorCode: number, cr2: number): void {
  expect(ok).toBe(false);
  expect(cpu.fault).toEqual({ kind: 'page-fault', errorCode, cr2 });
  expect(cpu.cr2).toBe(cr2);
}

describe('paging off', () => {
  it('uses the linear address as the physical address, wrapping at 4 GiB', () => {
    const cpu = createReferenceProcessor({});
    expect(cpu.store(0xfffffffe, 4, 0x44332211, 0, false)).toBe(true);
    expect(cpu.readPhys32(0xfffffffc) >>> 16).toBe(0x2211);
    expect(cpu.readPhys32(0) & 0xffff).toBe(0x4433);
    expect(loadValue(cpu, 0xffffffff, 2)).toBe(0x3322);
  });

  it('loads zero-extended values of every size', () => {
    const cpu = createReferenceProcessor({});
    cpu.writePhys32(0x2000, 0x89abcdef);
    cpu.writePhys32(0x2004, 0x01234567);
    expect(loadValue(cpu, 0x2001, 1)).toBe(0xcd);
    expect(loadValue(cpu, 0x2003, 2)).toBe(0x6789);
    expect(cpu.load(0x2000, 8, false)).toBe(true);
    expect([cpu.valueLo, cpu.valueHi]).toEqual([0x89abcdef, 0x01234567]);
  });

  it('writePhys32 and readPhys32 split an access that straddles a frame, little-endian', () => {
    const cpu = createReferenceProcessor({});
    cpu.writePhys32(0x1ffe, 0x44332211);
    expect(cpu.readPhys32(0x1ffe)).toBe(0x44332211);
    expect(cpu.readPhys32(0x1ffc) >>> 16).toBe(0x2211);
    expect(cpu.readPhys32(0x2000)).toBe(0x4433);
    // zero bytes into frames never written change nothing and allocate nothing
    cpu.writePhys32(0x3ffe, 0);
    expect(cpu.readPhys32(0x3ffe)).toBe(0);
    expect(cpu.dumpMemory()).toEqual([
      { pa: 0x1ff8, value: '0x2211000000000000' },
      { pa: 0x2000, value: '0x4433' },
    ]);
  });

  it('rejects an access size other than 1, 2, 4 or 8 bytes, on every path, with a clear message', () => {
    const cpu = createReferenceProcessor({});
    cpu.writePhys32(0x2000, 0x89abcdef);
    const bad = (size: number): RangeError => new RangeError(`access size must be 1, 2, 4 or 8 bytes, got ${size}`);
    for (const size of [0, 3, 5, 16]) {
      expect(() => cpu.load(0x5000, size, false)).toThrow(bad(size)); // a frame never written
      expect(() => cpu.load(0x2000, size, false)).toThrow(bad(size)); // a frame in memory
      expect(() => cpu.fetch(0x2000, size, false)).toThrow(bad(size));
      expect(() => cpu.store(0x2000, size, 1, 0, false)).toThrow(bad(size));
    }
    expect(() => cpu.load(0x2ffe, 3, false)).toThrow(bad(3)); // straddling two pages
    expect(() => cpu.store(0x2ffe, 5, 1, 0, false)).toThrow(bad(5));
    expect(cpu.readPhys32(0x2000)).toBe(0x89abcdef);
    expect(loadValue(cpu, 0x2000, 4)).toBe(0x89abcdef);
    for (const size of [1, 2, 4, 8]) expect(loadValue(cpu, 0x5000, size)).toBe(0); // every valid size reads a frame never written
  });
});

describe('PDPTE registers', () => {
  const reservedPdpte = (cpu: ReferenceProcessor, pdpt: number): void => {
    cpu.writePhys32(pdpt + 8, 0x5000 | bit(BIT.P) | bit(BIT.RW)); // bit 1 is reserved in a PDPTE
  };

  it('MOV to CR3 with a present PDPTE setting a reserved bit raises #GP and changes nothing', () => {
    const { cpu, b } = paged((b) => b.map4k(0x1000, 0x7000));
    reservedPdpte(cpu, 0x3000);
    expect(cpu.movCr3(0x3000)).toBe(false);
    expect(cpu.fault).toEqual({ kind: 'general-protection' });
    expect(cpu.cr3).toBe(b.cr3);
    expect(Array.from(cpu.pdptes.lo)[0]).toBe(lo(cpu, PDPT));
    // a not-present PDPTE may hold anything
    cpu.writePhys32(0x4008, 0x5000 | bit(BIT.RW));
    expect(cpu.movCr3(0x4000)).toBe(true);
  });

  it('a reserved high bit (>= MAXPHYADDR) also raises #GP, and enabling paging checks them too', () => {
    const cpu = createReferenceProcessor({});
    cpu.writePhys32(0x3000, 0x5000 | 1);
    cpu.writePhys32(0x3004, 1 << (36 - 32));
    cpu.movCr4(PAE);
    cpu.movCr3(0x3000); // paging off: no load
    expect(cpu.movCr0(PG)).toBe(false);
    expect(cpu.fault?.kind).toBe('general-protection');
    expect(cpu.cr0).toBe(0);
  });

  it('MOV to CR4 changing PGE with paging on reloads them (and may #GP)', () => {
    const { cpu } = paged((b) => b.map4k(0x1000, 0x7000));
    reservedPdpte(cpu, PDPT);
    expect(cpu.movCr4(PAE | PGE)).toBe(false);
    expect(cpu.cr4).toBe(PAE);
    expect(cpu.movCr4(PAE)).toBe(true); // no change of PAE/PGE/PSE: no load
  });

  it('an edit of the PDPT in memory has no effect until the next load', () => {
    const { cpu } = paged((b) => b.map4k(0x1000, 0x7000));
    cpu.writePhys32(0x7000, 42);
    cpu.writePhys32(PDPT, 0); // PDPTE0 not present in memory
    expect(loadValue(cpu, 0x1000)).toBe(42);
    cpu.invlpg(0x1000);
    expect(loadValue(cpu, 0x1000)).toBe(42); // still walks from the register
    expectPageFault(cpu, cpu.movCr3(PDPT) && cpu.load(0x1000, 4, false), 0, 0x1000);
  });
});

describe('translation', () => {
  it('maps a 4 KiB page to a frame above 4 GiB and sets A, then D on the first store', () => {
    const frame = 40 * GiB + 0x3000;
    const { cpu, b } = paged((b) => b.map4k(0x00403000, frame));
    cpu.writePhys32(frame + 0x10, 0xcafe);
    expect(loadValue(cpu, 0x00403010)).toBe(0xcafe);
    const pde = b.pdeAddress(0x00403000);
    const pte = b.pteAddress(0x00403000);
    expect(lo(cpu, pde) & bit(BIT.A)).not.toBe(0);
    expect(lo(cpu, pte) & (bit(BIT.A) | bit(BIT.D))).toBe(bit(BIT.A));
    // the TLB now holds the translation without D: the first store must still set it
    expect(cpu.store(0x00403ff8, 8, 0x11111111, 0x22222222, false)).toBe(true);
    expect(lo(cpu, pte) & bit(BIT.D)).not.toBe(0);
    expect(lo(cpu, pde) & bit(BIT.D)).toBe(0);
    expect(read64(cpu, frame + 0xff8)).toEqual([0x11111111, 0x22222222]);
    expect(read64(cpu, frame + 0xff8 - 32 * GiB)).toEqual([0, 0]);
  });

  it('maps a 2 MiB page: pa = frame + va bits 20..0, A and D in the PDE', () => {
    const frame = 10 * GiB + 6 * MiB;
    const { cpu, b } = paged((b) => b.map2m(0x40000000, frame));
    expect(cpu.store(0x40000000 + 0x1abcd4, 4, 0x600d, 0, false)).toBe(true);
    expect(cpu.readPhys32(frame + 0x1abcd4)).toBe(0x600d);
    expect(cpu.readPhys32(frame + 0x0abcd4)).toBe(0);
    const pde = lo(cpu, b.pdeAddress(0x40000000));
    expect(pde & (bit(BIT.A) | bit(BIT.D))).toBe(bit(BIT.A) | bit(BIT.D));
    // a TLB hit anywhere in the page
    cpu.writePhys32(frame + 0x1ffffc, 9);
    expect(loadValue(cpu, 0x401ffffc)).toBe(9);
  });

  it('a load caches a 2 MiB translation without D; the first store through it still sets D', () => {
    const { cpu, b } = paged((b) => b.map2m(0x00400000, 0x00a00000));
    expect(cpu.load(0x00512340, 4, false)).toBe(true);
    const pde = b.pdeAddress(0x00400000);
    expect(lo(cpu, pde) & (bit(BIT.A) | bit(BIT.D))).toBe(bit(BIT.A));
    expect(cpu.store(0x005ffff0, 8, 1, 2, false)).toBe(true);
    expect(lo(cpu, pde) & bit(BIT.D)).not.toBe(0);
    expect(read64(cpu, 0x00a00000 + 0x1ffff0)).toEqual([1, 2]);
  });

  it('A or D cleared without INVLPG is not set again by an access that hits the TLB (SDM 4.10.4.3)', () => {
    const { cpu, b } = paged((b) => b.map4k(0x5000, 0x7000));
    expect(cpu.store(0x5000, 4, 1, 0, false)).toBe(true);
    const pte = b.pteAddress(0x5000);
    cpu.writePhys32(pte, lo(cpu, pte) & ~(bit(BIT.A) | bit(BIT.D)));
    expect(cpu.store(0x5004, 4, 2, 0, false)).toBe(true);
    expect(lo(cpu, pte) & (bit(BIT.A) | bit(BIT.D))).toBe(0);
    cpu.invlpg(0x5000);
    expect(cpu.store(0x5008, 4, 3, 0, false)).toBe(true);
    expect(lo(cpu, pte) & (bit(BIT.A) | bit(BIT.D))).toBe(bit(BIT.A) | bit(BIT.D));
  });

  it('supports MAXPHYADDR 52 frames', () => {
    const frame = 2 ** 51 + 0x5000;
    const { cpu } = paged((b) => b.map4k(0x2000, frame), { maxPhyAddr: 52 });
    expect(cpu.store(0x2004, 2, 0xbeef, 0, false)).toBe(true);
    expect(cpu.readPhys32(frame + 4)).toBe(0xbeef);
  });
});

describe('page faults', () => {
  const setPte = (cpu: ReferenceProcessor, b: PaeTableBuilder, va: number, lowBits: number, high = 0): void => {
    cpu.writePhys32(b.pteAddress(va), lowBits);
    cpu.writePhys32(b.pteAddress(va) + 4, high);
  };

  it('not present at each level: P=0, W/R and U/S from the access, no A bit set', () => {
    const { cpu, b } = paged((b) => b.map4k(0x1000, 0x7000).map2m(0x00400000, 0x00800000));
    setPte(cpu, b, 0x2000, 0); // PTE not present
    expectPageFault(cpu, cpu.load(0x2abc, 4, false), 0, 0x2abc);
    expectPageFault(cpu, cpu.store(0x2abc, 4, 1, 0, true), PF_ERROR.WR | PF_ERROR.US, 0x2abc);
    expectPageFault(cpu, cpu.load(0x00a00000, 1, true), PF_ERROR.US, 0x00a00000); // PDE not present
    expectPageFault(cpu, cpu.load(0x80000000, 1, false), 0, 0x80000000); // PDPTE not present
    expect(lo(cpu, b.pdeAddress(0x2000)) & bit(BIT.A)).toBe(0);
  });

  it('reserved bits: P and RSVD set, checked after present, and no A bit set', () => {
    const { cpu, b } = paged((b) => b.map4k(0x1000, 0x7000).map2m(0x00400000, 0x00800000));
    const rsvd = PF_ERROR.P | PF_ERROR.RSVD;
    setPte(cpu, b, 0x1000, 0x7000 | 3, 1 << (36 - 32)); // bit 36 = MAXPHYADDR
    expectPageFault(cpu, cpu.load(0x1000, 4, false), rsvd, 0x1000);
    setPte(cpu, b, 0x1000, 0x7000 | 3, 0x80000000); // XD with NXE = 0
    expectPageFault(cpu, cpu.fetch(0x1000, 4, false), rsvd, 0x1000);
    setPte(cpu, b, 0x1000, 0x7000 | 2, 0x80000000); // not present wins
    expectPageFault(cpu, cpu.load(0x1000, 4, false), 0, 0x1000);
    setPte(cpu, b, 0x1000, 0x7000 | 3 | bit(BIT.PS)); // PAT in a PTE: not reserved
    expect(cpu.load(0x1000, 4, false)).toBe(true);
    const pde = b.pdeAddress(0x00400000);
    cpu.writePhys32(pde, lo(cpu, pde) | bit(13)); // bit 13 of a 2 MiB PDE
    expectPageFault(cpu, cpu.store(0x00400010, 4, 0, 0, true), rsvd | PF_ERROR.WR | PF_ERROR.US, 0x00400010);
    expect(lo(cpu, pde) & bit(BIT.A)).toBe(0);
  });

  it('protection: user access to a supervisor page, user write to a read-only page', () => {
    const { cpu, b } = paged((b) => b.map4k(0x1000, 0x7000, { user: false }).map4k(0x2000, 0x8000, { writable: false }));
    expectPageFault(cpu, cpu.load(0x1004, 4, true), PF_ERROR.P | PF_ERROR.US, 0x1004);
    expect(cpu.load(0x1004, 4, false)).toBe(true);
    expectPageFault(cpu, cpu.store(0x2000, 1, 5, 0, true), PF_ERROR.P | PF_ERROR.WR | PF_ERROR.US, 0x2000);
    expect(lo(cpu, b.pteAddress(0x2000)) & bit(BIT.A)).toBe(0);
  });

  it('R/W and U/S are combined over the PDE and the PTE', () => {
    const { cpu, b } = paged((b) => b.map4k(0x3000, 0x9000));
    const pde = b.pdeAddress(0x3000);
    cpu.writePhys32(pde, lo(cpu, pde) & ~bit(BIT.RW));
    expectPageFault(cpu, cpu.store(0x3000, 1, 5, 0, true), PF_ERROR.P | PF_ERROR.WR | PF_ERROR.US, 0x3000);
    expect(cpu.store(0x3000, 1, 5, 0, false)).toBe(true); // supervisor, WP = 0
    cpu.writePhys32(pde, lo(cpu, pde) & ~bit(BIT.US));
    cpu.invlpg(0x3000);
    expectPageFault(cpu, cpu.load(0x3000, 1, true), PF_ERROR.P | PF_ERROR.US, 0x3000);
  });

  it('CR0.WP decides supervisor writes to read-only pages, at access time', () => {
    const { cpu, b } = paged((b) => b.map4k(0x2000, 0x8000, { writable: false }));
    expect(cpu.store(0x2000, 4, 7, 0, false)).toBe(true); // WP = 0
    expect(lo(cpu, b.pteAddress(0x2000)) & bit(BIT.D)).not.toBe(0);
    expect(cpu.movCr0(PG | WP)).toBe(true); // flushes nothing
    expectPageFault(cpu, cpu.store(0x2000, 4, 8, 0, false), PF_ERROR.P | PF_ERROR.WR, 0x2000);
    expect(cpu.movCr0(PG)).toBe(true);
    expect(cpu.store(0x2000, 4, 9, 0, false)).toBe(true);
    expect(cpu.readPhys32(0x8000)).toBe(9);
  });

  it('XD forbids fetches with EFER.NXE = 1 (I/D set); loads are allowed', () => {
    const { cpu } = paged((b) => b.map4k(0x1000, 0x7000, { executeDisable: true }).map4k(0x2000, 0x8000), { nxe: true });
    expect(cpu.load(0x1000, 4, true)).toBe(true);
    expectPageFault(cpu, cpu.fetch(0x1000, 4, true), PF_ERROR.P | PF_ERROR.US | PF_ERROR.ID, 0x1000);
    expect(cpu.fetch(0x2000, 4, false)).toBe(true);
    expectPageFault(cpu, cpu.fetch(0x3000, 4, false), PF_ERROR.ID, 0x3000);
  });

  it('without NXE a fetch fault has no I/D bit', () => {
    const { cpu } = paged((b) => b.map4k(0x1000, 0x7000));
    expectPageFault(cpu, cpu.fetch(0x5000, 2, false), 0, 0x5000);
  });

  it('a protection fault on a TLB hit drops the entry, so a retry walks afresh', () => {
    const { cpu, b } = paged((b) => b.map4k(0x2000, 0x8000, { writable: false }));
    expect(cpu.load(0x2000, 4, true)).toBe(true);
    cpu.writePhys32(b.pteAddress(0x2000), lo(cpu, b.pteAddress(0x2000)) | bit(BIT.RW)); // no INVLPG
    expectPageFault(cpu, cpu.store(0x2000, 4, 1, 0, true), 0x7, 0x2000); // stale R/W = 0
    expect(cpu.tlb.lookupSmall(0x2000)).toBe(-1);
    expect(cpu.store(0x2000, 4, 1, 0, true)).toBe(true);
  });
});

describe('accesses straddling two pages', () => {
  it('a fault on the second page reports its base in CR2, keeps the first page A bit, writes nothing', () => {
    const { cpu, b } = paged((b) => b.map4k(0x1000, 0x7000));
    expectPageFault(cpu, cpu.store(0x1ffe, 4, 0xaabbccdd, 0, false), PF_ERROR.WR, 0x2000);
    expect(cpu.readPhys32(0x7ffc)).toBe(0);
    const pte = lo(cpu, b.pteAddress(0x1000));
    expect(pte & (bit(BIT.A) | bit(BIT.D))).toBe(bit(BIT.A));
    expectPageFault(cpu, cpu.load(0x1ff9, 8, true), PF_ERROR.US, 0x2000);
  });

  it('a fault on the first page reports va in CR2', () => {
    const { cpu } = paged((b) => b.map4k(0x2000, 0x8000));
    expectPageFault(cpu, cpu.load(0x1fff, 2, false), 0, 0x1fff);
  });

  it('a completed store writes both pages little-endian and sets D in both leaves', () => {
    const { cpu, b } = paged((b) => b.map4k(0x1000, 0x7000).map4k(0x2000, 12 * GiB));
    expect(cpu.store(0x1ffd, 8, 0x44332211, 0x88776655, false)).toBe(true);
    expect(cpu.readPhys32(0x7ffc) >>> 8).toBe(0x332211);
    expect(read64(cpu, 12 * GiB)).toEqual([0x77665544, 0x88]);
    expect(cpu.load(0x1ffd, 8, false)).toBe(true);
    expect([cpu.valueLo, cpu.valueHi]).toEqual([0x44332211, 0x88776655]);
    for (const va of [0x1000, 0x2000]) expect(lo(cpu, b.pteAddress(va)) & bit(BIT.D)).not.toBe(0);
  });

  it('wraps from the top of the linear space to page 0', () => {
    const { cpu } = paged((b) => b.map4k(0xfffff000, 0x7000).map4k(0, 0x9000));
    expect(cpu.store(0xffffffff, 2, 0xbbaa, 0, false)).toBe(true);
    expect(cpu.readPhys32(0x7ffc) >>> 24).toBe(0xaa);
    expect(cpu.readPhys32(0x9000)).toBe(0xbb);
  });
});

describe('TLB invalidation', () => {
  /** Repoints the PTE (or PDE) at `entryPa` to `frame`, keeping the flags, by a physical write. */
  const repoint = (cpu: ReferenceProcessor, entryPa: number, frame: number): void => {
    cpu.writePhys32(entryPa, ((lo(cpu, entryPa) & 0xfff) | frame) >>> 0);
  };

  it('keeps a stale translation until INVLPG', () => {
    const { cpu, b } = paged((b) => b.map4k(0x5000, 0x7000));
    cpu.writePhys32(0x7000, 1);
    cpu.writePhys32(0x8000, 2);
    expect(loadValue(cpu, 0x5000)).toBe(1);
    repoint(cpu, b.pteAddress(0x5000), 0x8000);
    expect(loadValue(cpu, 0x5000)).toBe(1);
    cpu.invlpg(0x5fff);
    expect(loadValue(cpu, 0x5000)).toBe(2);
  });

  it('INVLPG of an address mapped by a 2 MiB page drops the 4 KiB entries inside that page', () => {
    const attrs: PageAttributes = {};
    const { cpu, b } = paged((b) => b.map4k(0x00600000, 0x7000, attrs));
    cpu.writePhys32(0x7000, 1);
    cpu.writePhys32(0x00a00000, 2);
    expect(loadValue(cpu, 0x00600000)).toBe(1);
    // the kernel replaces the page table by a 2 MiB page, then invalidates another address in it
    cpu.writePhys32(b.pdeAddress(0x00600000), 0x00a00000 | bit(BIT.P) | bit(BIT.RW) | bit(BIT.PS));
    cpu.invlpg(0x00700000);
    expect(loadValue(cpu, 0x00600000)).toBe(2);
  });

  it('INVLPG anywhere inside a cached 2 MiB page drops it', () => {
    const { cpu, b } = paged((b) => b.map2m(0x00600000, 0x00a00000));
    cpu.writePhys32(0x00a00000, 1);
    cpu.writePhys32(0x00c00000, 2);
    expect(loadValue(cpu, 0x00600000)).toBe(1);
    repoint(cpu, b.pdeAddress(0x00600000), 0x00c00000);
    expect(loadValue(cpu, 0x00600000)).toBe(1);
    cpu.invlpg(0x007ff000);
    expect(loadValue(cpu, 0x00600000)).toBe(2);
  });

  it('MOV to CR3 keeps global translations (CR4.PGE = 1) and drops the others', () => {
    const { cpu, b } = paged((b) => b.map4k(0x5000, 0x7000, { global: true }).map4k(0x6000, 0x8000), { pge: true });
    cpu.writePhys32(0x7000, 1);
    cpu.writePhys32(0x8000, 2);
    cpu.writePhys32(0x9000, 3);
    expect(loadValue(cpu, 0x5000) + loadValue(cpu, 0x6000)).toBe(3);
    repoint(cpu, b.pteAddress(0x5000), 0x9000);
    repoint(cpu, b.pteAddress(0x6000), 0x9000);
    expect(cpu.movCr3(b.cr3)).toBe(true);
    expect(loadValue(cpu, 0x5000)).toBe(1); // global: stale
    expect(loadValue(cpu, 0x6000)).toBe(3); // non-global: fresh
    expect(cpu.movCr4(PAE)).toBe(true); // PGE change flushes all
    expect(loadValue(cpu, 0x5000)).toBe(3);
  });

  it('G = 1 without CR4.PGE is not global', () => {
    const { cpu, b } = paged((b) => b.map4k(0x5000, 0x7000, { global: true }));
    cpu.writePhys32(0x7000, 1);
    expect(loadValue(cpu, 0x5000)).toBe(1);
    repoint(cpu, b.pteAddress(0x5000), 0x9000);
    cpu.movCr3(b.cr3);
    expect(loadValue(cpu, 0x5000)).toBe(0);
  });

  it('turning paging off and on flushes everything', () => {
    const { cpu, b } = paged((b) => b.map4k(0x5000, 0x7000, { global: true }), { pge: true });
    cpu.writePhys32(0x7000, 1);
    expect(loadValue(cpu, 0x5000)).toBe(1);
    repoint(cpu, b.pteAddress(0x5000), 0x9000);
    expect(cpu.movCr0(0)).toBe(true);
    expect(loadValue(cpu, 0x7000)).toBe(1); // identity
    expect(cpu.movCr0(PG)).toBe(true);
    expect(loadValue(cpu, 0x5000)).toBe(0);
    expect(cpu.tlb.entries()).toHaveLength(1);
  });
});

describe('registers and physical accesses', () => {
  it('reads back EFER as written, like CR0, CR3 and CR4', () => {
    const cpu = createReferenceProcessor({});
    expect(cpu.efer).toBe(0);
    cpu.writeEfer(NXE);
    expect(cpu.efer).toBe(NXE);
    expect(cpu.movCr4(PAE)).toBe(true);
    expect(cpu.cr4).toBe(PAE);
  });

  it('readPhys32 across a frame boundary reads exactly the four bytes at pa', () => {
    const cpu = createReferenceProcessor({});
    cpu.writePhys32(0x1ffc, 0x22110000);
    cpu.writePhys32(0x2000, 0xddccbbaa);
    expect(cpu.readPhys32(0x1ffe)).toBe(0xbbaa2211);
    expect(cpu.readPhys32(0x1fff)).toBe(0xccbbaa22);
  });
});

/**
 * The reference's own TLB policy, beyond what the SDM requires (the specification also accepts a TLB that
 * caches less or invalidates more): what it keeps, and that it never holds two entries for one address.
 */
describe('TLB policy of the reference', () => {
  const repoint = (cpu: ReferenceProcessor, entryPa: number, frame: number): void => {
    cpu.writePhys32(entryPa, ((lo(cpu, entryPa) & 0xfff) | frame) >>> 0);
  };

  it('a MOV to CR0 or CR4 that changes no paging-mode bit keeps every translation', () => {
    const { cpu, b } = paged((b) => b.map4k(0x5000, 0x7000));
    cpu.writePhys32(0x7000, 1);
    expect(loadValue(cpu, 0x5000)).toBe(1);
    repoint(cpu, b.pteAddress(0x5000), 0x9000);
    expect(cpu.movCr0(PG | WP)).toBe(true); // WP only
    expect(loadValue(cpu, 0x5000)).toBe(1);
    expect(cpu.movCr4(PAE | (1 << 9))).toBe(true); // OSFXSR only
    expect(loadValue(cpu, 0x5000)).toBe(1);
  });

  it('serves a hit in the first slot of either array without a walk (A cleared in memory stays clear)', () => {
    const { cpu, b } = paged((b) => b.map4k(0, 0x7000).map2m(0x40000000, 0x00a00000));
    const pte = b.pteAddress(0);
    const pde = b.pdeAddress(0x40000000);
    expect(loadValue(cpu, 0)).toBe(0); // 4 KiB set 0, way 0; the frame was never written
    expect(loadValue(cpu, 0x40000000)).toBe(0); // 2 MiB set 0, way 0
    expect(cpu.tlb.lookupSmall(0)).toBe(0);
    expect(cpu.tlb.lookupLarge(0x40000000)).toBe(0);
    cpu.writePhys32(pte, lo(cpu, pte) & ~bit(BIT.A));
    cpu.writePhys32(pde, lo(cpu, pde) & ~bit(BIT.A));
    expect(loadValue(cpu, 4)).toBe(0);
    expect(loadValue(cpu, 0x40000004)).toBe(0);
    expect(lo(cpu, pte) & bit(BIT.A)).toBe(0);
    expect(lo(cpu, pde) & bit(BIT.A)).toBe(0);
  });

  it('INVLPG of a 4 KiB-mapped address keeps the other 4 KiB entries of its 2 MiB region (PAE)', () => {
    const { cpu, b } = paged((b) => b.map4k(0x5000, 0x7000).map4k(0x6000, 0x8000));
    cpu.writePhys32(0x8000, 2);
    expect(loadValue(cpu, 0x5000) + loadValue(cpu, 0x6000)).toBe(2);
    repoint(cpu, b.pteAddress(0x6000), 0x9000);
    cpu.invlpg(0x5000);
    expect(loadValue(cpu, 0x6000)).toBe(2);
  });

  it('under PAE, INVLPG and a #PF keep the 2 MiB entry of the other half of a 4 MiB region', () => {
    const { cpu, b } = paged((b) => b.map2m(0x00400000, 0x00a00000));
    cpu.writePhys32(0x00a00000, 1);
    expect(loadValue(cpu, 0x00400000)).toBe(1);
    repoint(cpu, b.pdeAddress(0x00400000), 0x00c00000);
    cpu.invlpg(0x00600000); // 0x00400000 ^ 2 MiB: a 32-bit 4 MiB page would span both
    expect(loadValue(cpu, 0x00400000)).toBe(1);
    expect(cpu.load(0x00600000, 4, false)).toBe(false); // not present: #PF at the other half
    expect(loadValue(cpu, 0x00400000)).toBe(1);
  });

  it('a store that re-walks to set D replaces the cached entry for va, also when the page size changed', () => {
    const { cpu, b } = paged((b) => b.map4k(0x00600000, 0x7000));
    expect(loadValue(cpu, 0x00600000)).toBe(0); // a 4 KiB entry without D
    // the PDE becomes a 2 MiB page without INVLPG; the store's hit is refused (D unknown), the walk finds 2 MiB
    cpu.writePhys32(b.pdeAddress(0x00600000), 0x00a00000 | bit(BIT.P) | bit(BIT.RW) | bit(BIT.PS));
    expect(cpu.store(0x00600000, 4, 5, 0, false)).toBe(true);
    expect(cpu.readPhys32(0x00a00000)).toBe(5);
    expect(cpu.tlb.entries()).toEqual([expect.objectContaining({ large: true, va: 0x00600000 })]);
    expect(loadValue(cpu, 0x00600000)).toBe(5);
  });

  it('a straddling store that sets D refills each page in the next way of its set (round-robin)', () => {
    const { cpu } = paged((b) => b.map4k(0x1000, 0x7000).map4k(0x2000, 0x8000));
    expect(cpu.store(0x1ffe, 4, 0x44332211, 0, false)).toBe(true);
    // each page was filled without D (way 0), then dropped and filled again with D (way 1)
    expect(cpu.tlb.lookupSmall(0x1000)).toBe(1 * 4 + 1);
    expect(cpu.tlb.lookupSmall(0x2000)).toBe(2 * 4 + 1);
    expect(cpu.tlb.entries()).toHaveLength(2);
  });
});
