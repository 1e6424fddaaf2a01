/**
 * The physical chunks of a layout, named, with the spaces allowed to reach each one. This is the abstract
 * statement the isolation and layout properties judge a machine's page tables against:
 *
 *   common         [0, common.size)            every space (claims 1, 2, 10, 13)
 *   bios           [4 GiB - bios.size, 4 GiB)  every space (claims 3, 11, 13)
 *   page-tables    layout.pageTables           space 0 only (claim 4)
 *   private 0      layout.bufferCache          space 0 only (claim 10: buffer cache)
 *   private k      layout.spaces[k-1].chunk    space k only (claims 1, 9, 13)
 *
 * Space 0 runs with paging off, so it reaches all of [0, 4 GiB) (claims 4, 6, 9): everything below 4 GiB
 * that is not common or BIOS is space 0's region, and no other space's private chunk may lie there.
 */
import type { SystemLayout } from '../../machine/system.ts';

export const FOUR_GIB = 2 ** 32;

export interface NamedChunk {
  readonly name: string;
  readonly base: number;
  readonly size: number;
  /** The one space allowed to reach the chunk, or 'all'. */
  readonly owner: number | 'all';
}

export function commonChunk(layout: SystemLayout): NamedChunk {
  return { name: 'common', base: 0, size: layout.common.size, owner: 'all' };
}

export function biosChunk(layout: SystemLayout): NamedChunk {
  return { name: 'bios', base: FOUR_GIB - layout.bios.size, size: layout.bios.size, owner: 'all' };
}

export function moduleOfSpace(layout: SystemLayout, space: number): string {
  return space === 0 ? 'buffer-cache' : (layout.spaces[space - 1]?.module ?? 'none');
}

export function privateChunk(layout: SystemLayout, space: number): NamedChunk {
  const name = `private ${space} (${moduleOfSpace(layout, space)})`;
  if (space === 0) return { name, ...layout.bufferCache, owner: 0 };
  const s = layout.spaces[space - 1];
  if (s === undefined) throw new Error(`layout has no space ${space}`);
  return { name, base: s.chunk.base, size: s.chunk.size, owner: space };
}

export function pageTableChunk(layout: SystemLayout): NamedChunk {
  return { name: 'page-tables', ...layout.pageTables, owner: 0 };
}

export function spaceCount(layout: SystemLayout): number {
  return layout.spaces.length + 1;
}

/** Every chunk of the layout, shared ones first, then page tables and the private chunks by space. */
export function namedChunks(layout: SystemLayout): NamedChunk[] {
  const chunks = [commonChunk(layout), biosChunk(layout), pageTableChunk(layout)];
  for (let k = 0; k < spaceCount(layout); k++) chunks.push(privateChunk(layout, k));
  return chunks;
}

/** The chunks space k may reach. Space 0 reaches its whole region (paging off): see `spaceZeroReach`. */
export function allowedChunks(layout: SystemLayout, space: number): NamedChunk[] {
  return namedChunks(layout).filter((c) => c.owner === 'all' || c.owner === space);
}

export function overlaps(aBase: number, aSize: number, bBase: number, bSize: number): boolean {
  return aBase < bBase + bSize && bBase < aBase + aSize;
}

/** The chunk that holds physical address pa, if any. */
export function chunkAt(layout: SystemLayout, pa: number): NamedChunk | null {
  return namedChunks(layout).find((c) => pa >= c.base && pa < c.base + c.size) ?? null;
}
