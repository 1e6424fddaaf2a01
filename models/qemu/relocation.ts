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
  /**
   * Regions that move together, aligned: 1 (2 MiB, PAE) or 2 (4 MiB, 32-bit paging, whose 4 MiB pages
   * must stay one aligned 4 MiB frame and whose PDE keeps bits 21..12 of a table address). Default 1.
   */
  readonly granule?: 1 | 2;
  /**
   * Units (of `granule` regions) above 4 GiB that must land congruent, modulo 4 GiB, with where another
   * unit lands: a 4 MiB PDE that is also read as a page-table pointer (CR4.PSE = 0) names its table with
   * the same bits 31..22 as its frame (SDM 4.3, Tables 4-4 and 4-5).
   */
  readonly congruent?: ReadonlyMap<number, number>;
  /** Which of the free same-low-bits targets a unit prefers (default: any); the first free one otherwise. */
  readonly prefer?: (unit: number, target: number) => boolean;
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
    const g = request.granule ?? 1;
    const unitOf = (region: number): number => Math.floor(region / g);
    const units = new Set([...request.regions].map(unitOf));
    const low = new Set([...request.low].map(unitOf));
    const pinned = new Set([...request.pinned].map(unitOf));
    const used = (unit: number): boolean => someRegion(unit, g, (r) => request.regions.has(r));
    const usable = (unit: number, isLow: boolean): boolean => !someRegion(unit, g, (r) => !isUsableRegion(r, isLow));
    const congruent = request.congruent ?? new Map<number, number>();
    const taken = new Set<number>();
    const toMove: number[] = [];
    const stays = (u: number): boolean => pinned.has(u) || usable(u, low.has(u));
    for (const u of [...units].sort((a, b) => a - b)) {
      const partner = congruent.get(u);
      if (stays(u) && (partner === undefined || stays(partner))) taken.add(u);
      else toMove.push(u);
    }
    const free = (u: number, isLow: boolean): boolean => !taken.has(u) && !used(u) && usable(u, isLow);
    const moves = new Map<number, number>();
    const unitBytes = g * PAGE_2M;
    // Ascending: a unit below 4 GiB has its place before a unit above 4 GiB that must be congruent with it.
    for (const u of toMove) {
      const isLow = low.has(u);
      const partner = congruent.get(u);
      const low32 = partner === undefined ? (u * unitBytes) % FOUR_GIB : ((moves.get(partner) ?? partner) * unitBytes) % FOUR_GIB;
      const preferred = (t: number, l: boolean): boolean => free(t, l) && (request.prefer?.(u, t) ?? true);
      const target = sameLow32(low32, unitBytes, isLow, preferred) ?? sameLow32(low32, unitBytes, isLow, free) ?? firstFree(unitBytes, isLow, free);
      if (target === null) throw new Error('guest RAM has no free region left for the trace');
      taken.add(target);
      moves.set(u, target);
    }
    const regionMoves = new Map<number, number>();
    for (const [from, to] of moves) for (let k = 0; k < g; k++) regionMoves.set(from * g + k, to * g + k);
    return new Relocation(regionMoves);
  }
}

/** Whether `test` holds for some region of the unit `unit` of `g` regions. */
function someRegion(unit: number, g: number, test: (region: number) => boolean): boolean {
  for (let k = 0; k < g; k++) if (test(unit * g + k)) return true;
  return false;
}

/** A free unit with the address bits 31..0 of `low32`, preferring the lowest. */
function sameLow32(low32: number, unitBytes: number, low: boolean, free: (u: number, low: boolean) => boolean): number | null {
  for (let base = low32; base < (low ? GUEST_LAYOUT.LOW_RAM_TOP : HIGH_RAM_TOP); base += FOUR_GIB) {
    const u = base / unitBytes;
    if (free(u, low)) return u;
  }
  return null;
}

/** The first free unit, scanning high RAM first (traces rarely go there) and low RAM from 1 GiB. */
function firstFree(unitBytes: number, low: boolean, free: (u: number, low: boolean) => boolean): number | null {
  const ranges: [number, number][] = low
    ? [[2 ** 30, GUEST_LAYOUT.LOW_RAM_TOP], [2 * 1024 * 1024, 2 ** 30]]
    : [[HIGH_RAM_BASE, HIGH_RAM_TOP], [2 ** 30, GUEST_LAYOUT.LOW_RAM_TOP], [2 * 1024 * 1024, 2 ** 30]];
  for (const [from, to] of ranges)
    for (let base = Math.ceil(from / unitBytes) * unitBytes; base + unitBytes <= to; base += unitBytes) if (free(base / unitBytes, low)) return base / unitBytes;
  return null;
}
