/**
 * What each space must map, as plain data: the specification of the kernel's page tables.
 *
 *   space 0      paging off: linear = physical over [0, 4 GiB) (claims 4, 6, 9, 13)
 *   space k > 0  common chunk at its own addresses (claims 1, 10), private window onto the private chunk
 *                (claims 1, 9), BIOS chunk at the top (claims 3, 11), nothing else
 *
 * Each mapped region is cut into 2 MiB regions counted from the region's first byte, mapped with a 2 MiB
 * page or 512 4 KiB pages per the layout's page-size choice (regionUsesSmallPages). `AddressModel` adds the
 * kernel's remaps of 2 MiB window pages, and answers "what physical address must va reach in space k".
 */
import { type PageSizeChoice, regionUsesSmallPages, type SystemLayout } from '../../machine/system.ts';
import { FOUR_GIB, spaceCount } from './chunks.ts';

export const PAGE_4K = 4096;
export const PAGE_2M = 2 * 1024 * 1024;

export interface MappedRegion {
  /** 'common', 'bios' or 'window' */
  readonly kind: 'common' | 'window' | 'bios';
  readonly va: number;
  readonly pa: number;
  readonly size: number;
  readonly pages: PageSizeChoice;
}

/** The regions paged space k maps, in linear-address order. */
export function pagedRegions(layout: SystemLayout, space: number): MappedRegion[] {
  const s = layout.spaces[space - 1];
  if (s === undefined) throw new Error(`layout has no paged space ${space}`);
  const biosBase = FOUR_GIB - layout.bios.size;
  return [
    { kind: 'common', va: 0, pa: 0, size: layout.common.size, pages: layout.common.pages },
    { kind: 'window', va: s.window.va, pa: s.chunk.base, size: s.window.size, pages: s.pages },
    { kind: 'bios', va: biosBase, pa: biosBase, size: layout.bios.size, pages: layout.bios.pages },
  ];
}

/** A run of same-size pages mapping [va, va + size) onto [pa, pa + size). */
export interface PageRun {
  readonly va: number;
  readonly pa: number;
  readonly size: number;
  readonly pageSize: number;
}

/** The page runs a region is mapped with (one per 2 MiB region, merged when the page size repeats). */
export function regionPageRuns(region: MappedRegion): PageRun[] {
  const runs: PageRun[] = [];
  const step = region.pages === '4K' ? region.size : PAGE_2M;
  for (let offset = 0, index = 0; offset < region.size; offset += step, index++) {
    const size = Math.min(step, region.size - offset);
    const pageSize = regionUsesSmallPages(region.pages, index) ? PAGE_4K : PAGE_2M;
    const last = runs[runs.length - 1];
    if (last !== undefined && last.pageSize === pageSize && last.va + last.size === region.va + offset) {
      runs[runs.length - 1] = { ...last, size: last.size + size };
    } else {
      runs.push({ va: region.va + offset, pa: region.pa + offset, size, pageSize });
    }
  }
  return runs;
}

/** Everything paged space k must map, as page runs in linear order, coalesced like a walk's runs. */
export function expectedPageRuns(layout: SystemLayout, space: number): PageRun[] {
  return coalescePageRuns(pagedRegions(layout, space).flatMap(regionPageRuns));
}

/** Merges neighbours that continue each other in both linear and physical addresses with one page size. */
export function coalescePageRuns(runs: readonly PageRun[]): PageRun[] {
  const out: PageRun[] = [];
  for (const r of runs) {
    const last = out[out.length - 1];
    if (last !== undefined && last.pageSize === r.pageSize && last.va + last.size === r.va && last.pa + last.size === r.pa) {
      out[out.length - 1] = { ...last, size: last.size + r.size };
    } else {
      out.push(r);
    }
  }
  return out;
}

/**
 * The abstract address map of every space, with the 2 MiB remaps the kernel made since boot. Plain maps;
 * no page tables.
 */
export class AddressModel {
  /** `${space}:${page va}` -> frame, for remapped 2 MiB window pages. */
  private readonly remaps = new Map<string, number>();

  constructor(readonly layout: SystemLayout) {}

  get spaces(): number {
    return spaceCount(this.layout);
  }

  /** The physical address va reaches in `space`, or null where nothing is mapped (the access faults). */
  translate(space: number, va: number): number | null {
    if (space === 0) return va;
    for (const region of pagedRegions(this.layout, space)) {
      if (va < region.va || va >= region.va + region.size) continue;
      if (region.kind === 'window') {
        const page = va - ((va - region.va) % PAGE_2M);
        const frame = this.remaps.get(`${space}:${page}`);
        if (frame !== undefined) return frame + (va - page);
      }
      return region.pa + (va - region.va);
    }
    return null;
  }

  /** Whether va lies in a 2 MiB page of `space`'s private window (the pages the kernel may remap). */
  inLargeWindowPage(space: number, va: number): boolean {
    if (space === 0) return false;
    const s = this.layout.spaces[space - 1]!;
    if (va < s.window.va || va >= s.window.va + s.window.size) return false;
    return !regionUsesSmallPages(s.pages, Math.floor((va - s.window.va) / PAGE_2M));
  }

  remap(space: number, va: number, frame: number): void {
    const s = this.layout.spaces[space - 1]!;
    const page = va - ((va - s.window.va) % PAGE_2M);
    this.remaps.set(`${space}:${page}`, frame);
  }
}
