/**
 * The page walk, as a pure function of memory and the paging context: PAE paging (walk-pae.ts) or 32-bit
 * paging (walk-32.ts), through the second stage when there is one. It records every entry it reads and the
 * rule it applied, so a divergence can be explained step by step. It sets no accessed or dirty bit: that
 * is the caller's decision once the access is known to complete (SDM 4.8).
 */
import type { PhysicalMemory } from './physical-memory.ts';
import { walk32 } from './walk-32.ts';
import { walkPae } from './walk-pae.ts';
import type { PagingContext, WalkResult } from './walk-result.ts';

export type { EntryRead, PagingContext, PagingMode, Translation, WalkFault, WalkResult } from './walk-result.ts';

export function walk(memory: PhysicalMemory, ctx: PagingContext, va: number): WalkResult {
  return ctx.mode === 'pae' ? walkPae(memory, ctx, va) : walk32(memory, ctx, va);
}
