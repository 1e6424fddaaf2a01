/**
 * A PAE trace for tests of stale translations: PDPT at 0x1000, PD at 0x2000, PT at 0x3000; linear
 * 0x00400000 maps to 0x5000 until `remap` rewrites the PTE to 0x6000 without an INVLPG, after which a
 * store may go through the stale or the fresh translation (SDM 4.10.4).
 */
import { hexFromBigInt, type Hex64 } from '../arch/word.ts';
import type { MemoryWord, Step, Trace } from '../machine/trace.ts';

export const PG = 0x80000000;
export const PAE = 1 << 5;
export const h = (v: bigint): Hex64 => hexFromBigInt(v);

export const REMAP_VA = 0x0040_0000;
export const memory: MemoryWord[] = [
  { pa: 0x1000, value: h(0x2001n) },
  { pa: 0x2000 + 2 * 8, value: h(0x3007n) },
  { pa: 0x3000, value: h(0x5007n) },
];
export const remap: Step = { op: 'write-phys', pa: 0x3000, value: h(0x6007n) };

export function trace(steps: Step[]): Trace {
  return { format: 'xlatcheck-trace', version: 1, maxPhyAddr: 36, registers: { cr0: PG, cr3: 0x1000, cr4: PAE, efer: 0 }, memory, steps };
}
