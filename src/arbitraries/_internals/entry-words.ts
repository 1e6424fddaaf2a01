/**
 * Paging-structure entries inside the 8-byte words a trace's memory is made of. A PAE entry fills its
 * word; a 32-bit paging entry is 4 bytes (SDM 4.3), half a word, so writing one rewrites its word with
 * the neighbouring entry kept. The encoders of both modes and the stage-2 promotion write entries through
 * here, so the packing lives once.
 * @internal
 */
import { wordOf } from './data-seeding.ts';

/** Width of a paging-structure entry: 8 bytes under PAE, 4 under 32-bit paging. */
export type EntryBytes = 4 | 8;

function fieldOf(pa: number, bytes: EntryBytes): { shift: bigint; mask: bigint } {
  const shift = BigInt((pa - wordOf(pa)) * 8);
  return { shift, mask: ((1n << BigInt(bytes * 8)) - 1n) << shift };
}

/** The entry of `bytes` at `pa`, read from `word`, the 8-byte word that holds it. */
export function entryIn(word: bigint, pa: number, bytes: EntryBytes): bigint {
  const { shift, mask } = fieldOf(pa, bytes);
  return (word & mask) >> shift;
}

/** `word` with the entry of `bytes` at `pa` replaced by `value`, its other bytes kept. */
export function withEntryIn(word: bigint, pa: number, bytes: EntryBytes, value: bigint): bigint {
  const { shift, mask } = fieldOf(pa, bytes);
  return (word & ~mask) | (value << shift);
}
