/**
 * Initial contents of the data frames a trace touches. Every seeded word holds a 64-bit mix of its own
 * physical address, so each byte depends on every address bit: a load that reaches the wrong frame (a
 * 32-bit truncation, a stale TLB entry, a 2 MiB offset one bit short) reads a different value, even when
 * the two addresses differ only above bit 32 and the load is one byte wide. The encoders of both paging
 * modes build a trace's memory image here (seededMemory).
 * @internal
 */
import { CR0 } from '../../arch/entry-layout.ts';
import { hexFromBigInt } from '../../arch/word.ts';
import type { MemoryWord, Step } from '../../machine/trace.ts';
import { HIGH_TABLE_POOL, inRange, LOW_TABLE_POOL } from './physical-layout.ts';

const MASK64 = (1n << 64n) - 1n;

/** splitmix64's finaliser over the address; never zero (memory words must be non-zero). */
export function seedValueAt(pa: number): bigint {
  let z = (BigInt(pa) + 0x9e3779b97f4a7c15n) & MASK64;
  z = ((z ^ (z >> 30n)) * 0xbf58476d1ce4e5b9n) & MASK64;
  z = ((z ^ (z >> 27n)) * 0x94d049bb133111ebn) & MASK64;
  z = z ^ (z >> 31n);
  return z === 0n ? 1n : z;
}

/** The 8-byte-aligned word holding byte `pa`. */
export function wordOf(pa: number): number {
  return pa - (pa % 8);
}

/** A linear range that steps may reach, and the frame it maps to. */
export interface ReachableRange {
  readonly linear: number;
  readonly bytes: number;
  readonly frame: number;
}

/**
 * The initial memory image of a generated trace: the paging-structure words as first written, then a
 * seeded word at both ends of every access step, wherever it may land. With paging off an access lands
 * at its own address; with paging on, at the frame of every range that holds it (any mapping of any
 * root may be the one used: CR3 switches, global and stale entries). Words in the page-table pools or
 * at or above 2^maxPhyAddr are never seeded; zero words are left out (the format wants them non-zero).
 */
export function seededMemory(
  tableWords: ReadonlyMap<number, bigint>,
  initialCr0: number,
  steps: readonly Step[],
  ranges: readonly ReachableRange[],
  maxPhyAddr: number,
): MemoryWord[] {
  const words = new Map(tableWords);
  const seed = (pa: number): void => {
    const w = wordOf(pa);
    if (w >= 2 ** maxPhyAddr || inRange(w, LOW_TABLE_POOL) || inRange(w, HIGH_TABLE_POOL) || words.has(w)) return;
    words.set(w, seedValueAt(w));
  };
  const pagingOn = (cr0: number): boolean => cr0 >= 2 ** CR0.PG_BIT;
  let paging = pagingOn(initialCr0);
  for (const s of steps) {
    if (s.op === 'mov-cr0') paging = pagingOn(s.value);
    else if (s.op === 'load' || s.op === 'store' || s.op === 'fetch') {
      for (const a of [s.va, s.va + s.size - 1]) {
        if (!paging) {
          seed(a);
          continue;
        }
        for (const r of ranges) if (a >= r.linear && a < r.linear + r.bytes) seed(r.frame + (a - r.linear));
      }
    }
  }
  return [...words.entries()]
    .filter(([, v]) => v !== 0n)
    .sort((x, y) => x[0] - y[0])
    .map(([pa, v]) => ({ pa, value: hexFromBigInt(v) }));
}
