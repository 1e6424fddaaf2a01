/**
 * The second stage of two-stage translation (US5784707A): intermediate 4 KiB frames map to physical 4 KiB
 * frames, identity where no mapping is listed. Ordinary x86 paging is the case of an empty map. The
 * whole first stage goes through it: page-table entries are read at intermediate addresses too.
 */
import { PAGE_4K } from '../arch/entry-layout.ts';
import type { PhysicalMemory } from './physical-memory.ts';

/** Intermediate frame base -> physical frame base. */
export type Stage2 = ReadonlyMap<number, number>;

export const NO_STAGE2: Stage2 = new Map();

export function physicalOf(stage2: Stage2, ipa: number): number {
  const offset = ipa % PAGE_4K;
  const frame = ipa - offset;
  return (stage2.get(frame) ?? frame) + offset;
}

/** An entry as the walk reads it: where it physically is, its width, and its value. */
export interface EntryWord {
  readonly pa: number;
  readonly value: bigint;
}

/** Reads a `width`-byte little-endian entry at intermediate address ipa (entries never cross a word). */
export function readEntry(memory: PhysicalMemory, stage2: Stage2, ipa: number, width: 4 | 8): EntryWord {
  const pa = physicalOf(stage2, ipa);
  const wordPa = pa - (pa % 8);
  const word = memory.readWord(wordPa);
  const value = width === 8 ? word : (word >> BigInt((pa - wordPa) * 8)) & 0xffffffffn;
  return { pa, value };
}
