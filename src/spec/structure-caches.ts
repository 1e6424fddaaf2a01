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

/** Same walks: every part of the context that a walk reads (contexts with a second stage are not kept). */
function sameContext(a: PagingContext, b: PagingContext): boolean {
  if (a.mode !== b.mode || a.cr3 !== b.cr3 || a.pse !== b.pse || a.nxe !== b.nxe || a.pge !== b.pge) return false;
  if (a.pdptAddress !== b.pdptAddress || a.maxPhyAddr !== b.maxPhyAddr || a.stage2.size > 0 || b.stage2.size > 0) return false;
  for (let i = 0; i < 4; i++) if (a.pdptes[i] !== b.pdptes[i]) return false;
  return true;
}

interface Kept {
  readonly cache: StructureCache;
  readonly context: PagingContext;
  readonly memory: PhysicalMemory;
}

/** The caches of one comparison's contexts, each with the memory it was last valid for, by CR3. */
export class StructureCaches {
  private readonly byCr3 = new Map<number, Kept[]>();

  /** Keeps a context's cache as it is left, valid for `memory`. */
  remember(cache: StructureCache, memory: PhysicalMemory): void {
    const context = cache.context;
    if (context === undefined || context === null || context.stage2.size > 0) return;
    cache.frames ??= tableFrames(memory, context);
    const kept = this.byCr3.get(context.cr3) ?? [];
    const i = kept.findIndex((k) => sameContext(k.context, context));
    const entry = { cache, context, memory };
    if (i >= 0) kept[i] = entry;
    else kept.push(entry);
    this.byCr3.set(context.cr3, kept);
  }

  /** The cache to use for `ctx` in `memory`: the one it last had if its structures are untouched, else a new one. */
  recall(ctx: PagingContext | null, memory: PhysicalMemory): StructureCache {
    const known = ctx === null ? undefined : this.byCr3.get(ctx.cr3)?.find((k) => sameContext(k.context, ctx));
    if (known === undefined || known.cache.frames === null) return emptyStructureCache(ctx);
    for (const base of known.cache.frames) if (!memory.sharesFrame(known.memory, base)) return emptyStructureCache(ctx);
    return known.cache;
  }
}
