/**
 * An open-addressing hash table laid out in a module's memory, for the caches' maps. Slots of 8 words:
 *
 *   word 0      state: 0 empty, 1 used, 2 removed (a tombstone, so later keys stay findable)
 *   words 1..5  key (up to five words; unused ones 0)
 *   word 6      value
 *   word 7      unused
 *
 * The slot index comes from a hash of the key over the whole area, so entries spread over every page of
 * the window (and its 2 MiB / 4 KiB mix): a wrong translation anywhere shows up as a wrong result. Probing
 * is linear and bounded; memory that does not look like a table (after a remap under the module) gives
 * wrong answers, never a loop.
 */
import type { MemoryPort } from './memory-port.ts';

const SLOT_BYTES = 32;
const KEY_WORDS = 5;
const VALUE_WORD = 6;
const MAX_PROBES = 64;
const STATE = { EMPTY: 0, USED: 1, REMOVED: 2 } as const;

function hashKey(key: readonly number[]): number {
  let h = 0x811c9dc5;
  for (const w of key) h = Math.imul(h ^ w, 0x01000193);
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

export class MemoryHashTable {
  readonly capacity: number;

  constructor(
    private readonly port: MemoryPort,
    private readonly base: number,
    size: number,
  ) {
    this.capacity = Math.max(1, Math.floor(size / SLOT_BYTES));
  }

  private slot(index: number): number {
    return this.base + index * SLOT_BYTES;
  }

  private matches(slot: number, key: readonly number[]): boolean {
    for (let k = 0; k < KEY_WORDS; k++) {
      if (this.port.load32(slot + 4 * (1 + k)) !== (key[k] ?? 0)) return false;
    }
    return true;
  }

  /** The slot holding key, and the first reusable slot met on the way (for an insert). */
  private find(key: readonly number[]): { found: number | null; free: number | null } {
    let free: number | null = null;
    const start = hashKey(key) % this.capacity;
    for (let i = 0; i < MAX_PROBES && i < this.capacity; i++) {
      const slot = this.slot((start + i) % this.capacity);
      const state = this.port.load32(slot);
      if (state === STATE.EMPTY) return { found: null, free: free ?? slot };
      if (state === STATE.USED && this.matches(slot, key)) return { found: slot, free };
      if (state === STATE.REMOVED && free === null) free = slot;
    }
    return { found: null, free };
  }

  get(key: readonly number[]): number | null {
    const { found } = this.find(key);
    return found === null ? null : this.port.load32(found + 4 * VALUE_WORD);
  }

  /** Sets key to value; false when the table has no slot left within the probe bound. */
  set(key: readonly number[], value: number): boolean {
    const { found, free } = this.find(key);
    const slot = found ?? free;
    if (slot === null) return false;
    if (found === null) {
      for (let k = 0; k < KEY_WORDS; k++) this.port.store32(slot + 4 * (1 + k), key[k] ?? 0);
      this.port.store32(slot, STATE.USED);
    }
    this.port.store32(slot + 4 * VALUE_WORD, value);
    return true;
  }

  /** Removes key; its value, or null when it was absent. */
  remove(key: readonly number[]): number | null {
    const { found } = this.find(key);
    if (found === null) return null;
    const value = this.port.load32(found + 4 * VALUE_WORD);
    this.port.store32(found, STATE.REMOVED);
    return value;
  }
}
