/**
 * Test support: the rules a generated 32-bit paging trace must satisfy, as a list of problems.
 */
import { validateTrace } from '../../machine/trace-validation.ts';
import type { Trace } from '../../machine/trace.ts';
import { LOW_TABLE_POOL, overlapsTablePool } from '../_internals/physical-layout.ts';

const MiB = 2 ** 20;
const pae = (cr4: number): boolean => ((cr4 >>> 5) & 1) === 1;

/** The 4-byte entries of a memory image, by address. */
function entries(t: Trace): Map<number, number> {
  const out = new Map<number, number>();
  for (const w of t.memory) {
    const v = BigInt(w.value);
    out.set(w.pa, Number(v & 0xffffffffn));
    out.set(w.pa + 4, Number(v >> 32n));
  }
  return out;
}

export function wellFormedness32Problems(t: Trace): string[] {
  const problems: string[] = [];
  try {
    validateTrace(JSON.parse(JSON.stringify(t)));
  } catch (e) {
    problems.push(`validateTrace: ${(e as Error).message}`);
  }
  if (pae(t.registers.cr4)) problems.push('initial CR4.PAE = 1');
  // CR4.PAE is set only by a try-pae MOV, which is followed (after one probe) by a MOV back to PAE = 0.
  t.steps.forEach((s, i) => {
    if (s.op !== 'mov-cr4' || !pae(s.value)) return;
    const back = t.steps[i + 2];
    if (back === undefined || back.op !== 'mov-cr4' || pae(back.value)) problems.push(`mov-cr4 setting PAE at step ${i} is not undone two steps later`);
  });
  const cr3s = [t.registers.cr3, ...t.steps.flatMap((s) => (s.op === 'mov-cr3' ? [s.value] : []))];
  for (const cr3 of cr3s) {
    const directory = cr3 - (cr3 % 4096);
    if (directory < LOW_TABLE_POOL.base + 4096 || directory >= LOW_TABLE_POOL.base + 4 * 4096) problems.push(`CR3 ${cr3} names no generated page directory`);
    if ((cr3 & 0xfe7) !== 0) problems.push(`CR3 ${cr3} sets low bits other than PWT/PCD`);
  }
  const m = entries(t);
  const limit4m = 2 ** Math.min(t.maxPhyAddr, 40);
  for (let r = 0; r < 3; r++) {
    const pd = LOW_TABLE_POOL.base + (r + 1) * 4096;
    for (let i = 0; i < 1024; i++) {
      const pde = m.get(pd + 4 * i) ?? 0;
      if ((pde & 1) === 0) continue;
      if ((pde & 0x80) !== 0) {
        const frame = ((pde >>> 13) & 0xff) * 2 ** 32 + ((pde & 0xffc00000) >>> 0);
        if (frame + 4 * MiB > limit4m) problems.push(`4 MiB PDE at ${pd + 4 * i} maps ${frame}, above 2^min(M,40)`);
        if (overlapsTablePool(frame, 4 * MiB)) problems.push(`4 MiB frame ${frame} overlaps a page-table pool`);
        continue;
      }
      const pt = (pde & 0xfffff000) >>> 0;
      if (pt < LOW_TABLE_POOL.base || pt >= LOW_TABLE_POOL.base + LOW_TABLE_POOL.size) problems.push(`PDE at ${pd + 4 * i} references ${pt}, outside the pool`);
      for (let j = 0; j < 1024; j++) {
        const pte = m.get(pt + 4 * j) ?? 0;
        if ((pte & 1) === 1 && overlapsTablePool((pte & 0xfffff000) >>> 0, 4096)) problems.push(`PTE at ${pt + 4 * j} maps a page-table frame`);
      }
    }
  }
  return problems;
}
