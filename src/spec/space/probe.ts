/**
 * Probes: one load or store through the processor in the current space, judged against the abstract
 * address map (mapping.ts). Before a load the probe writes a marker unique to the expected physical
 * address there (and puts the old bytes back afterwards), so a load that reaches any other frame, through
 * wrong page tables or a stale TLB entry, reads something else. A store must land where the map says, or
 * fault where it says nothing is mapped, and must leave a protected word (another module's chunk) alone.
 *
 * Probe targets are generated abstractly (which region, whose, which slot) and resolved against a layout
 * here, so a case stays meaningful when the shrinker changes the layout.
 */
import type { Processor } from '../../machine/processor.ts';
import type { SystemLayout } from '../../machine/system.ts';
import { FOUR_GIB, privateChunk, spaceCount } from './chunks.ts';
import { hex } from './format.ts';
import type { AddressModel } from './mapping.ts';

export const PROBE_REGIONS = ['common', 'bios', 'window', 'chunk-low32', 'anywhere'] as const;
export type ProbeRegion = (typeof PROBE_REGIONS)[number];

export interface ProbeTarget {
  readonly region: ProbeRegion;
  /** Whose window or chunk ('window', 'chunk-low32'); taken modulo the number of spaces. */
  readonly space: number;
  /** Which 8-byte word of the region; taken modulo its size. */
  readonly slot: number;
}

function windowOf(layout: SystemLayout, space: number): { va: number; size: number } {
  if (space === 0) return { va: layout.bufferCache.base, size: layout.bufferCache.size };
  return layout.spaces[space - 1]!.window;
}

/** The 8-byte-aligned linear address a target designates in a layout. */
export function probeAddress(layout: SystemLayout, t: ProbeTarget): number {
  const space = t.space % spaceCount(layout);
  const word = (base: number, size: number): number => base + ((t.slot * 8) % size);
  switch (t.region) {
    case 'common':
      return word(0, layout.common.size);
    case 'bios':
      return word(FOUR_GIB - layout.bios.size, layout.bios.size);
    case 'window': {
      const w = windowOf(layout, space);
      return word(w.va, w.size);
    }
    case 'chunk-low32': {
      // The address a module would form by truncating another chunk's physical address to 32 bits.
      const c = privateChunk(layout, space);
      return word(c.base, c.size) % FOUR_GIB;
    }
    case 'anywhere':
      return (t.slot * 8) % FOUR_GIB;
  }
}

/** The marker for physical address pa: distinct for every 8-byte word of a 52-bit physical space. */
export function markerOf(pa: number): [number, number] {
  const word = Math.floor(pa / 8);
  return [((word % FOUR_GIB) ^ 0x9e3779b9) >>> 0, (Math.floor(word / FOUR_GIB) + 0xa5000000) >>> 0];
}

function readWord(cpu: Processor, pa: number): [number, number] {
  return [cpu.readPhys32(pa) >>> 0, cpu.readPhys32(pa + 4) >>> 0];
}

function writeWord(cpu: Processor, pa: number, [lo, hi]: [number, number]): void {
  cpu.writePhys32(pa, lo);
  cpu.writePhys32(pa + 4, hi);
}

function faultText(cpu: Processor): string {
  const f = cpu.fault;
  if (f === null) return 'a fault';
  return f.kind === 'page-fault' ? `#PF (error code ${hex(f.errorCode)}, CR2 ${hex(f.cr2)})` : '#GP';
}

/** A load of 8 bytes at va in `space`; null when the outcome is the specification's, else why not. */
export function probeLoad(cpu: Processor, model: AddressModel, space: number, va: number): string | null {
  const expected = model.translate(space, va);
  const where = `load at ${hex(va)} in space ${space}`;
  if (expected === null) {
    if (!cpu.load(va, 8, false)) return null;
    return `${where} read ${hex(cpu.valueHi)}:${hex(cpu.valueLo)}, but space ${space} maps nothing there: the access must fault`;
  }
  const saved = readWord(cpu, expected);
  const marker = markerOf(expected);
  writeWord(cpu, expected, marker);
  const ok = cpu.load(va, 8, false);
  const got: [number, number] = [cpu.valueLo >>> 0, cpu.valueHi >>> 0];
  writeWord(cpu, expected, saved);
  if (!ok) return `${where} raised ${faultText(cpu)}, but it must reach physical ${hex(expected)}`;
  if (got[0] === marker[0] && got[1] === marker[1]) return null;
  return `${where} must reach physical ${hex(expected)} (marker ${hex(marker[1])}:${hex(marker[0])}) but read ${hex(got[1])}:${hex(got[0])}: the translation used is not the space's (wrong page tables or a stale TLB entry)`;
}

/**
 * A store of 8 bytes at va in `space` that must not change the word at `protectedPa` (in another
 * module's chunk); null when all is as specified.
 */
export function probeStore(cpu: Processor, model: AddressModel, space: number, va: number, protectedPa: number): string | null {
  const expected = model.translate(space, va);
  const where = `store at ${hex(va)} in space ${space}`;
  const guard = markerOf(protectedPa);
  const savedGuard = readWord(cpu, protectedPa);
  writeWord(cpu, protectedPa, guard);
  const savedTarget = expected === null ? null : readWord(cpu, expected);
  const value: [number, number] = [(guard[0] ^ 0xffffffff) >>> 0, guard[1]];
  const ok = cpu.store(va, 8, value[0], value[1], false);
  const after = readWord(cpu, protectedPa);
  const landed = expected === null ? null : readWord(cpu, expected);
  if (expected !== null && savedTarget !== null) writeWord(cpu, expected, savedTarget);
  writeWord(cpu, protectedPa, savedGuard);
  if (after[0] !== guard[0] || after[1] !== guard[1]) {
    return `${where} changed physical ${hex(protectedPa)}, which belongs to another space's private chunk`;
  }
  if (expected === null) return ok ? `${where} succeeded, but space ${space} maps nothing there: it must fault` : null;
  if (!ok) return `${where} raised ${faultText(cpu)}, but it must reach physical ${hex(expected)}`;
  if (landed === null || landed[0] !== value[0] || landed[1] !== value[1]) {
    return `${where} did not land at physical ${hex(expected)}, where the space maps it`;
  }
  return null;
}
