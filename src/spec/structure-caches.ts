/**
 * What the specification remembers about a paging context's structures while it is current: the context
 * itself, the frames of its paging structures (paging-structures.ts) and its walks (walk-memo.ts). A
 * state shares its cache with the states after it until a step changes the context's registers or a word
 * of its paging structures.
 *
 * A comparison also keeps, per context, the cache it last had, to take it up again when the context
 * returns (a MOV to CR3 back to an earlier address space) if none of its structure frames changed in
 * between: every frame is then the very same object in both memories, so every walk reads the same words.
 * Traces switch spaces often, and each switch used to start from no walk at all.
 */
import type { PhysicalMemory } from './physical-memory.ts';
import { tableFrames } from './paging-structures.ts';
import type { PagingContext } from './walk.ts';
import type { WalkMemo } from './walk-memo.ts';

export interface StructureCache {
  /** The paging context (null: paging off), made once (undefined: not yet). */
  context: PagingContext | null | undefined;
  frames: ReadonlySet<number> | null;
  readonly walks: WalkMemo;
}

export function emptyStructureCache(context?: PagingContext | null): StructureCache {
  return { context, frames: null, walks: new Map() };
}

/** A context's parts that decide its walks, as text; null for a second stage (not taken up again). */
function signature(ctx: PagingContext): string | null {
  if (ctx.stage2.size > 0) return null;
  return `${ctx.mode}:${ctx.cr3}:${ctx.pse}:${ctx.nxe}:${ctx.pge}:${ctx.pdptAddress}:${ctx.maxPhyAddr}:${ctx.pdptes.join(',')}`;
}

/** The caches of one comparison's contexts, each with the memory it was last valid for. */
export class StructureCaches {
  private readonly byContext = new Map<string, { readonly cache: StructureCache; readonly memory: PhysicalMemory }>();

  /** Keeps a context's cache as it is left, valid for `memory`. */
  remember(cache: StructureCache, memory: PhysicalMemory): void {
    const ctx = cache.context;
    if (ctx === undefined || ctx === null) return;
    const key = signature(ctx);
    if (key === null) return;
    cache.frames ??= tableFrames(memory, ctx);
    this.byContext.set(key, { cache, memory });
  }

  /** The cache to use for `ctx` in `memory`: the one it last had if its structures are untouched, else a new one. */
  recall(ctx: PagingContext | null, memory: PhysicalMemory): StructureCache {
    const key = ctx === null ? null : signature(ctx);
    const known = key === null ? undefined : this.byContext.get(key);
    if (known === undefined || known.cache.frames === null) return emptyStructureCache(ctx);
    for (const base of known.cache.frames) if (!memory.sharesFrame(known.memory, base)) return emptyStructureCache(ctx);
    return known.cache;
  }
}
