import { describe, expect, it } from 'vitest';
import { PaeTableBuilder } from '../../reference/index.ts';
import { load, PAE, PG } from '../_test-support/paged.ts';
import { SharedTlbProcessor } from './processor.ts';
import { SpaceSlots } from './space-slots.ts';

/** Two PAE roots (PDPTs 32 bytes apart) built by `build`, paging on in root 0. */
function twoRoots(build: (b: PaeTableBuilder, root: number) => void): { cpu: SharedTlbProcessor; roots: PaeTableBuilder[] } {
  const cpu = new SharedTlbProcessor();
  const roots = [0, 1].map((r) => {
    const b = new PaeTableBuilder({ pdpt: 0x1000 + 0x20 * r, tables: 0x10000 + r * 0x10000 });
    build(b, r);
    b.writeTo(cpu);
    return b;
  });
  cpu.movCr4(PAE);
  cpu.movCr3(roots[0]!.cr3);
  cpu.movCr0(PG);
  return { cpu, roots };
}

describe('SpaceSlots', () => {
  it('gives each CR3 a slot and reuses the oldest when full', () => {
    const s = new SpaceSlots(2);
    expect(s.slotOf(0x1000)).toEqual({ slot: 0, reassigned: false });
    expect(s.slotOf(0x2000)).toEqual({ slot: 1, reassigned: false });
    expect(s.slotOf(0x1000)).toEqual({ slot: 0, reassigned: false });
    expect(s.slotOf(0x3000)).toEqual({ slot: 0, reassigned: true });
  });
});

describe('SharedTlbProcessor', () => {
  it('shares one entry between spaces that map a page identically, each with its bit', () => {
    const { cpu, roots } = twoRoots((b) => b.map4k(0x00001000, 0x7000, { accessed: true }));
    cpu.writePhys32(0x7000, 7);
    expect(load(cpu, 0x00001000)).toBe(7);
    cpu.movCr3(roots[1]!.cr3);
    expect(load(cpu, 0x00001000)).toBe(7);
    const entries = cpu.tlb.entries().filter((e) => e.va === 0x1000);
    expect(entries).toHaveLength(1);
    expect(cpu.shared.masks()[cpu.tlb.entries().findIndex((e) => e.va === 0x1000)]).toBe(0b11);
  });

  it('keeps a space entries across MOV to CR3, and drops them when a page table is written', () => {
    const { cpu, roots } = twoRoots((b, r) => b.map4k(0x00001000, r === 0 ? 0x7000 : 0x8000));
    cpu.writePhys32(0x7000, 7);
    cpu.writePhys32(0x8000, 8);
    expect(load(cpu, 0x00001000)).toBe(7);
    cpu.movCr3(roots[1]!.cr3);
    expect(load(cpu, 0x00001000)).toBe(8);
    cpu.movCr3(roots[0]!.cr3);
    expect(cpu.tlb.lookupSmall(0x00001000)).toBeGreaterThanOrEqual(0); // root 0's entry is back in use
    expect(load(cpu, 0x00001000)).toBe(7);
    cpu.writePhys32(roots[0]!.pteAddress(0x00001000), 0x8000 | 0x67);
    expect(cpu.tlb.lookupSmall(0x00001000)).toBe(-1);
    cpu.movCr3(roots[0]!.cr3);
    expect(load(cpu, 0x00001000)).toBe(8);
  });
});
