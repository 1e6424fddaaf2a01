/**
 * The 4 KiB frames that hold the paging structures a context's walks can read: the PDPT and the page
 * directories and page tables reachable from it (PAE, SDM 4.4.2), or the page directory at CR3 and its
 * page tables (32-bit paging, SDM 4.3), each through the second stage when there is one.
 *
 * A write outside these frames cannot change any translation of the context, so the specification need
 * not remember the context as it was before such a write (transition.ts). The set is a superset where
 * that is simpler (the PDPT's memory, though PAE walks read the PDPTE registers; tables of entries with
 * reserved bits, which fault): a superset only costs speed, never exactness.
 */
import { PAGE_4K, PAGING32 } from '../arch/entry-layout.ts';
import { isPresent, mapsLargePage, tableAddress } from './entry.ts';
import type { PhysicalMemory } from './physical-memory.ts';
import { physicalOf } from './stage2.ts';
import type { PagingContext } from './walk.ts';

const LOW_32 = 0xffffffffn;
const TABLE_32_MASK = 0xfffff000n;

function frameBase(pa: number): number {
  return pa - (pa % PAGE_4K);
}

/** Physical frame of a table at intermediate address ipa. */
function tableFrame(ctx: PagingContext, ipa: number): number {
  return frameBase(physicalOf(ctx.stage2, ipa));
}

function paeTables(memory: PhysicalMemory, ctx: PagingContext, frames: Set<number>): void {
  frames.add(tableFrame(ctx, ctx.pdptAddress));
  for (const pdpte of ctx.pdptes) {
    if (!isPresent(pdpte)) continue;
    const directory = tableFrame(ctx, tableAddress(pdpte, ctx.maxPhyAddr));
    frames.add(directory);
    // Absent words are zero, so not present: the directory's non-zero words hold every present PDE.
    for (const pde of memory.wordsOfFrame(directory))
      if (isPresent(pde) && !mapsLargePage(pde)) frames.add(tableFrame(ctx, tableAddress(pde, ctx.maxPhyAddr)));
  }
}

function tables32(memory: PhysicalMemory, ctx: PagingContext, frames: Set<number>): void {
  const directory = tableFrame(ctx, (ctx.cr3 & PAGING32.CR3_DIRECTORY_MASK) >>> 0);
  frames.add(directory);
  for (const word of memory.wordsOfFrame(directory))
    for (const pde of [word & LOW_32, word >> 32n])
      // PS=1 maps a 4 MiB page only when CR4.PSE = 1; otherwise the PDE references a table (SDM 4.3).
      if (isPresent(pde) && !(ctx.pse && mapsLargePage(pde))) frames.add(tableFrame(ctx, Number(pde & TABLE_32_MASK)));
}

export function tableFrames(memory: PhysicalMemory, ctx: PagingContext): ReadonlySet<number> {
  const frames = new Set<number>();
  if (ctx.mode === 'pae') paeTables(memory, ctx, frames);
  else tables32(memory, ctx, frames);
  return frames;
}

/** Whether any of the written bytes lies in one of the frames. */
export function touchesFrames(frames: ReadonlySet<number>, pas: readonly number[]): boolean {
  return pas.some((pa) => frames.has(frameBase(pa)));
}
