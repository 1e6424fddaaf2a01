/**
 * Test support: every rule a generated trace must satisfy, as a list of problems (empty when well formed).
 */
import { validateTrace } from '../../machine/trace-validation.ts';
import type { Trace } from '../../machine/trace.ts';
import { HIGH_TABLE_POOL, inRange, LOW_TABLE_POOL, overlapsTablePool, PDPT_PAGE } from '../_internals/physical-layout.ts';

const has = (e: bigint, n: number): boolean => ((e >> BigInt(n)) & 1n) === 1n;

export function wellFormednessProblems(t: Trace): string[] {
  const problems: string[] = [];
  try {
    validateTrace(JSON.parse(JSON.stringify(t)));
  } catch (e) {
    problems.push(`validateTrace: ${(e as Error).message}`);
  }
  const M = t.maxPhyAddr;
  let previous = -1;
  for (const w of t.memory) {
    if (w.pa <= previous) problems.push(`memory not sorted/unique at ${w.pa}`);
    if (w.pa % 8 !== 0) problems.push(`memory word ${w.pa} not 8-aligned`);
    if (w.pa + 8 > 2 ** M) problems.push(`memory word ${w.pa} above 2^${M}`);
    if (BigInt(w.value) === 0n) problems.push(`memory word ${w.pa} is zero`);
    previous = w.pa;
  }
  const pae = (cr4: number): boolean => ((cr4 >>> 5) & 1) === 1;
  if (!pae(t.registers.cr4)) problems.push('initial CR4.PAE = 0');
  const cr3s = [t.registers.cr3];
  for (const s of t.steps) {
    if (s.op === 'mov-cr4' && !pae(s.value)) problems.push('mov-cr4 clears PAE');
    if (s.op === 'mov-cr3') cr3s.push(s.value);
    if (s.op === 'write-phys' && (s.pa % 8 !== 0 || s.pa + 8 > 2 ** M)) problems.push(`write-phys at ${s.pa}`);
  }
  for (const cr3 of cr3s) {
    if (cr3 % 32 !== 0 || cr3 >= 2 ** 32) problems.push(`CR3 ${cr3} is not a 32-byte-aligned address below 4 GiB`);
    if (cr3 < PDPT_PAGE || cr3 >= PDPT_PAGE + 4096) problems.push(`CR3 ${cr3} outside the PDPT page`);
  }

  // Enumerate the paging structures of every PDPT and check every frame they map.
  const mem = new Map(t.memory.map((w) => [w.pa, BigInt(w.value)] as const));
  const tablePages = new Set<number>([PDPT_PAGE]);
  const addressBits = (1n << BigInt(M)) - 1n;
  const addr = (e: bigint, low: number): number => Number(e & addressBits & ~((1n << BigInt(low)) - 1n));
  const clean = (e: bigint): boolean => has(e, 0) && (e >> BigInt(M)) === 0n; // present, no bits at or above M (so no XD)
  const checkFrame = (frame: number, bytes: number, where: string): void => {
    if (frame % bytes !== 0 || frame + bytes > 2 ** M) problems.push(`${where}: frame ${frame} misaligned or above 2^${M}`);
    if (overlapsTablePool(frame, bytes)) problems.push(`${where}: frame ${frame} inside the page-table pool`);
  };
  const pdPages = new Set<number>();
  const ptPages = new Set<number>();
  for (let i = 0; i < 512; i++) {
    const pdpte = mem.get(PDPT_PAGE + i * 8) ?? 0n;
    // Malformed or not-present PDPTEs still name their page directory (only P or a bad bit was changed).
    if (pdpte !== 0n && overlapsTablePool(addr(pdpte, 12), 4096)) pdPages.add(addr(pdpte, 12));
  }
  for (const pd of pdPages) {
    tablePages.add(pd);
    if (!overlapsTablePool(pd, 4096)) problems.push(`page directory ${pd} outside the pools`);
    for (let i = 0; i < 512; i++) {
      const pde = mem.get(pd + i * 8) ?? 0n;
      if (pde === 0n) continue;
      if (!has(pde, 7)) {
        if (overlapsTablePool(addr(pde, 12), 4096)) ptPages.add(addr(pde, 12));
        else if (clean(pde & ~(1n << 63n))) problems.push(`PDE at ${pd + i * 8} points outside the pools`);
      } else if (clean(pde & ~(1n << 63n))) checkFrame(addr(pde, 21), 2 ** 21, `PDE at ${pd + i * 8}`);
    }
  }
  for (const pt of ptPages) {
    tablePages.add(pt);
    if (!overlapsTablePool(pt, 4096)) problems.push(`page table ${pt} outside the pools`);
    for (let i = 0; i < 512; i++) {
      const pte = (mem.get(pt + i * 8) ?? 0n) & ~(1n << 63n);
      if (clean(pte)) checkFrame(addr(pte, 12), 4096, `PTE at ${pt + i * 8}`);
    }
  }
  // Leaves written mid-trace must respect the same rules.
  for (const s of t.steps) {
    if (s.op !== 'write-phys') continue;
    const v = BigInt(s.value) & ~(1n << 63n);
    if (!clean(v)) continue;
    const page = s.pa - (s.pa % 4096);
    if (ptPages.has(page)) checkFrame(addr(v, 12), 4096, `write-phys PTE at ${s.pa}`);
    else if (pdPages.has(page) && has(v, 7)) checkFrame(addr(v, 21), 2 ** 21, `write-phys PDE at ${s.pa}`);
    else if (pdPages.has(page) && !overlapsTablePool(addr(v, 12), 4096)) problems.push(`write-phys PDE at ${s.pa} points outside the pools`);
  }
  // Words inside the pools are paging structures; data words are outside.
  for (const w of t.memory) {
    const inPool = inRange(w.pa, LOW_TABLE_POOL) || inRange(w.pa, HIGH_TABLE_POOL);
    if (inPool && !tablePages.has(w.pa - (w.pa % 4096))) problems.push(`word ${w.pa} in the pool but in no reachable table`);
  }
  return problems;
}
