/**
 * Test support for the variants: a processor of any kind with PAE paging on over tables a builder wrote.
 */
import type { Processor } from '../../../src/machine/processor.ts';
import { PaeTableBuilder } from '../../reference/index.ts';

export const PG = 0x80000000;
export const PAE = 1 << 5;
export const PSE = 1 << 4;
export const PGE = 1 << 7;

export function paePaged<P extends Processor>(cpu: P, build: (b: PaeTableBuilder) => void, pdpt = 0x1000): { cpu: P; b: PaeTableBuilder } {
  const b = new PaeTableBuilder({ pdpt, tables: 0x10000 + (pdpt - 0x1000) * 64 });
  build(b);
  b.writeTo(cpu);
  cpu.movCr4(PAE);
  cpu.movCr3(b.cr3);
  cpu.movCr0(PG);
  return { cpu, b };
}

/** Loads 4 bytes at va, returning the value (throws on a fault). */
export function load(cpu: Processor, va: number): number {
  if (!cpu.load(va, 4, false)) throw new Error(`fault at 0x${va.toString(16)}: ${JSON.stringify(cpu.fault)}`);
  return cpu.valueLo;
}
