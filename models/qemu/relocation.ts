/**
 * Moving a trace's physical memory onto guest RAM, 2 MiB region by region. A region keeps its place when
 * it lies in RAM and away from the guest's own areas; otherwise it moves to a free region with the same
 * low 32 address bits if there is one (a frame just below 4 GiB, say, lands at 8 GiB minus the same
 * offset), so frames that differed only above bit 31 still do. Offsets inside a region never change, so a
 * 2 MiB page stays one aligned 2 MiB frame and every 4 KiB frame keeps its place in it.
 *
 * Regions that must be reachable with paging off (PDPTs, which CR3 addresses with 32 bits, and regions
 * that accesses reach with paging off) stay below 3 GiB, where QEMU has RAM under 4 GiB.
 */
import { PAGE_2M } from '../../src/arch/entry-layout.ts';
import { GUEST_LAYOUT, HIGH_RAM_BASE, HIGH_RAM_TOP, inGuestRam, WINDOW_BASES } from './guest-abi.ts';

const FOUR_GIB = 2 ** 32;

export const regionOf = (pa: number): number => Math.floor(pa / PAGE_2M);

function overlaps(base: number, bytes: number, otherBase: number, otherBytes: number): boolean {
  return base < otherBase + otherBytes && otherBase < base + bytes;
}

/** The guest's own physical areas: firmware and home, the staging area, every window. */
export function isGuestRegion(region: number): boolean {
  const base = region * PAGE_2M;
  if (base < 2 * 1024 * 1024) return true;
  if (overlaps(base, PAGE_2M, GUEST_LAYOUT.STAGING_BASE, GUEST_LAYOUT.STAGING_BYTES)) return true;
  return WINDOW_BASES.some((w) => overlaps(base, PAGE_2M, w, GUEST_LAYOUT.WINDOW_BYTES));
}

/** Whether a trace may keep a region: in RAM and not the guest's. */
export function isUsableRegion(region: number, low: boolean): boolean {
  const base = region * PAGE_2M;
  if (isGuestRegion(region) || !inGuestRam(base, PAGE_2M)) return false;
  return !low || base + PAGE_2M <= GUEST_LAYOUT.LOW_RAM_TOP;
}

export interface RelocationRequest {
  /** Every region the trace uses. */
  readonly regions: ReadonlySet<number>;
  /** The subset that must stay below 3 GiB. */
  readonly low: ReadonlySet<number>;
  /** Regions that stay where they are whatever they are (the guest window the trace runs from). */
  readonly pinned: ReadonlySet<number>;
}

export class Relocation {
  private constructor(private readonly moves: ReadonlyMap<number, number>) {}

  /** Regions that moved, as old -> new region numbers. */
  get moved(): ReadonlyMap<number, number> {
    return this.moves;
  }

  region(region: number): number {
    return this.moves.get(region) ?? region;
  }

  /** The new physical address of `pa`. */
  address(pa: number): number {
    const region = regionOf(pa);
    const target = this.moves.get(region);
    return target === undefined ? pa : target * PAGE_2M + (pa - region * PAGE_2M);
  }

  static plan(request: RelocationRequest): Relocation {
    const taken = new Set<number>();
    const toMove: number[] = [];
    for (const r of [...request.regions].sort((a, b) => a - b)) {
      if (request.pinned.has(r) || isUsableRegion(r, request.low.has(r))) taken.add(r);
      else toMove.push(r);
    }
    const free = (r: number, low: boolean): boolean => !taken.has(r) && !request.regions.has(r) && isUsableRegion(r, low);
    const moves = new Map<number, number>();
    for (const r of toMove) {
      const low = request.low.has(r);
      const target = sameLow32(r, low, free) ?? firstFree(low, free);
      if (target === null) throw new Error('guest RAM has no free 2 MiB region left for the trace');
      taken.add(target);
      moves.set(r, target);
    }
    return new Relocation(moves);
  }
}

/** A free region with the same address bits 31..21, preferring the lowest. */
function sameLow32(region: number, low: boolean, free: (r: number, low: boolean) => boolean): number | null {
  const low32 = (region * PAGE_2M) % FOUR_GIB;
  for (let base = low32; base < (low ? GUEST_LAYOUT.LOW_RAM_TOP : HIGH_RAM_TOP); base += FOUR_GIB) {
    const r = regionOf(base);
    if (free(r, low)) return r;
  }
  return null;
}

/** The first free region, scanning high RAM first (traces rarely go there) and low RAM from 1 GiB. */
function firstFree(low: boolean, free: (r: number, low: boolean) => boolean): number | null {
  const ranges: [number, number][] = low
    ? [[2 ** 30, GUEST_LAYOUT.LOW_RAM_TOP], [2 * 1024 * 1024, 2 ** 30]]
    : [[HIGH_RAM_BASE, HIGH_RAM_TOP], [2 ** 30, GUEST_LAYOUT.LOW_RAM_TOP], [2 * 1024 * 1024, 2 ** 30]];
  for (const [from, to] of ranges)
    for (let base = from; base + PAGE_2M <= to; base += PAGE_2M) if (free(regionOf(base), low)) return regionOf(base);
  return null;
}
