/**
 * The page sizes the variants' second-level structures hold, as small codes, and the candidate sizes of
 * each paging mode in the order the structures probe them: 4 KiB, then the mode's large size (2 MiB
 * under PAE, 4 MiB under 32-bit paging). One place, so the TSB and the hashed table agree.
 */
import { PAGE_2M, PAGE_4K, PAGE_4M } from '../../src/arch/entry-layout.ts';

export const SIZE_4K = 0;
export const SIZE_2M = 1;
export const SIZE_4M = 2;
export type SizeCode = typeof SIZE_4K | typeof SIZE_2M | typeof SIZE_4M;

/** Bytes and log2(bytes) of each size code. */
export const SIZE_BYTES: readonly number[] = [PAGE_4K, PAGE_2M, PAGE_4M];
export const SIZE_SHIFT: readonly number[] = [12, 21, 22];

export const PAE_SIZES: readonly SizeCode[] = [SIZE_4K, SIZE_2M];
export const PAGING32_SIZES: readonly SizeCode[] = [SIZE_4K, SIZE_4M];
export const ALL_SIZES: readonly SizeCode[] = [SIZE_4K, SIZE_2M, SIZE_4M];

export function sizeCodeOf(pageBytes: number): SizeCode {
  if (pageBytes === PAGE_4K) return SIZE_4K;
  if (pageBytes === PAGE_2M) return SIZE_2M;
  if (pageBytes === PAGE_4M) return SIZE_4M;
  throw new Error(`no page size of ${pageBytes} bytes`);
}

/** Frames in a 2 MiB half: a 4 MiB page is filled into the TLB one 2 MiB half at a time (tlb.ts). */
export const FRAMES_PER_2M = PAGE_2M / PAGE_4K;

/**
 * The TLB fill for va from a cached page: 4 KiB pages fill a small entry with their frame; 2 MiB and
 * 4 MiB pages fill a large (2 MiB) entry with the frame of the 2 MiB unit that holds va.
 */
export function tlbUnitFrame(va: number, size: SizeCode, leafFrame: number): number {
  if (size !== SIZE_4M) return leafFrame;
  return leafFrame + (((va >>> 21) & 1) === 1 ? FRAMES_PER_2M : 0);
}
