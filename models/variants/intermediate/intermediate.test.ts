import { describe, expect, it } from 'vitest';
import { hasSecondStage } from '../../../src/machine/processor-machine.ts';
import { PaeTableBuilder, referenceMachine } from '../../reference/index.ts';
import { load, PAE, PG } from '../_test-support/paged.ts';
import { intermediateMachine } from './index.ts';
import { IntermediateProcessor } from './processor.ts';

const GiB = 2 ** 30;

/** PAE paging over tables written at intermediate addresses, with the second stage in place first. */
function twoStage(stage2: readonly [number, number][], build: (b: PaeTableBuilder) => void): { cpu: IntermediateProcessor; b: PaeTableBuilder } {
  const cpu = new IntermediateProcessor({ maxPhyAddr: 40 });
  for (const [ipa, pa] of stage2) cpu.mapStage2(ipa, pa);
  const b = new PaeTableBuilder({ pdpt: 0x1000, tables: 0x10000 });
  build(b);
  // The tables are written where the first stage sees them: through the second stage.
  for (const w of b.memory()) {
    const v = BigInt(w.value);
    const pa = cpu.stage2.physicalFrame(Math.floor(w.pa / 4096)) * 4096 + (w.pa % 4096);
    cpu.writePhys32(pa, Number(v & 0xffffffffn));
    cpu.writePhys32(pa + 4, Number(v >> 32n));
  }
  cpu.movCr4(PAE);
  cpu.movCr3(b.cr3);
  cpu.movCr0(PG);
  return { cpu, b };
}

describe('IntermediateProcessor', () => {
  it('says it has a second stage; the reference does not', () => {
    expect(hasSecondStage(intermediateMachine)).toBe(true);
    expect(hasSecondStage(referenceMachine)).toBe(false);
  });

  it('backs a 2 MiB virtual page with scattered 4 KiB physical frames', () => {
    const { cpu } = twoStage([[0x00a00000 + 0x1000, 9 * GiB], [0x00a00000 + 0x7000, 0x3000]], (b) => b.map2m(0x40000000, 0x00a00000));
    cpu.writePhys32(9 * GiB + 0x10, 0x91);
    cpu.writePhys32(0x3000 + 0x20, 0x37);
    cpu.writePhys32(0x00a00000 + 0x2000, 0x22); // an unlisted frame: identity
    expect(load(cpu, 0x40001010)).toBe(0x91);
    expect(load(cpu, 0x40007020)).toBe(0x37);
    expect(load(cpu, 0x40002000)).toBe(0x22);
  });

  it('reads and updates page tables through the second stage', () => {
    // The pages holding the PDPT, the page table (0x10000) and the directory (0x11000) live elsewhere.
    const { cpu, b } = twoStage([[0x1000, 5 * GiB], [0x10000, 6 * GiB], [0x11000, 7 * GiB]], (x) => x.map4k(0x00400000, 0x7000));
    cpu.writePhys32(0x7000, 0x77);
    expect(load(cpu, 0x00400000)).toBe(0x77);
    const pte = b.pteAddress(0x00400000);
    expect(pte - (pte % 4096)).toBe(0x10000);
    expect(cpu.readPhys32(6 * GiB + (pte % 4096)) & 0x20).toBe(0x20); // A set in the physical copy
    expect(cpu.readPhys32(pte)).toBe(0); // nothing at the intermediate address taken as physical
  });

  it('a map-stage2 takes effect at once, cached translations included; promotion changes only mappings', () => {
    const { cpu, b } = twoStage([], (x) => {
      x.map4k(0x00400000, 0x00a03000);
      x.map4k(0x00401000, 0x00b05000);
    });
    cpu.writePhys32(0x00a03000, 1);
    cpu.writePhys32(0x00b05000, 2);
    expect([load(cpu, 0x00400000), load(cpu, 0x00401000)]).toEqual([1, 2]);
    // Promote: one 2 MiB leaf at intermediate 0x40000000 whose frames 0 and 1 map to the old frames.
    const pde = b.pdeAddress(0x00400000);
    cpu.writePhys32(pde, (0x40000000 | 0x87) >>> 0);
    cpu.mapStage2(0x40000000, 0x00a03000);
    cpu.mapStage2(0x40001000, 0x00b05000);
    expect([load(cpu, 0x00400000), load(cpu, 0x00401000)]).toEqual([1, 2]);
    cpu.mapStage2(0x40001000, 0x00c00000);
    cpu.writePhys32(0x00c00000, 3);
    expect(load(cpu, 0x00401000)).toBe(3);
  });

  it('with paging off, addresses are physical (no first stage, no second)', () => {
    const cpu = new IntermediateProcessor();
    cpu.mapStage2(0x5000, 0x9000);
    cpu.writePhys32(0x5000, 5);
    cpu.writePhys32(0x9000, 9);
    expect(load(cpu, 0x5000)).toBe(5);
  });
});
