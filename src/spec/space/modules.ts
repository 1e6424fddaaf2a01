/**
 * What every module call must return, from each module's abstract state as a plain map. These are the
 * specifications of the modules the claims name: the buffer cache of space 0 (claims 10, 13), the inode
 * cache (claim 8), the dynamic name lookup cache from (directory inode, name) to inode (claims 8, 12, 14,
 * 19) and the snapshot block maps (claims 8, 12, 14, 20). Nested calls follow the contract of
 * src/machine/system.ts: `ic.fetch` fills a miss from space 0's buffer cache, `nc.stat` asks the inode cache
 * of the lowest-numbered inode-cache space.
 */
import { type Call, type ModuleKind, RESULT, type SystemLayout } from '../../machine/system.ts';
import { inodeCacheSpace } from './layout-rules.ts';

export class BufferCacheModel {
  readonly blocks = new Map<number, number>();

  read(block: number): number {
    return this.blocks.get(block) ?? RESULT.MISS;
  }

  write(block: number, value: number): number {
    const previous = this.read(block);
    this.blocks.set(block, value);
    return previous;
  }
}

export class InodeCacheModel {
  readonly sizes = new Map<number, number>();

  get(ino: number): number {
    return this.sizes.get(ino) ?? RESULT.MISS;
  }

  set(ino: number, size: number): number {
    const previous = this.get(ino);
    this.sizes.set(ino, size);
    return previous;
  }

  /** A miss reads the inode's block from the buffer cache and caches it (unless that misses too). */
  fetch(ino: number, bufferCache: BufferCacheModel): number {
    const cached = this.sizes.get(ino);
    if (cached !== undefined) return cached;
    const fromBlock = bufferCache.read(ino);
    if (fromBlock !== RESULT.MISS) this.sizes.set(ino, fromBlock);
    return fromBlock;
  }
}

export class NameCacheModel {
  readonly entries = new Map<string, number>();

  private static key(dir: number, name: string): string {
    return `${dir}/${name}`;
  }

  enter(dir: number, name: string, ino: number): number {
    const previous = this.lookup(dir, name);
    this.entries.set(NameCacheModel.key(dir, name), ino);
    return previous;
  }

  lookup(dir: number, name: string): number {
    return this.entries.get(NameCacheModel.key(dir, name)) ?? RESULT.MISS;
  }

  remove(dir: number, name: string): number {
    const previous = this.lookup(dir, name);
    this.entries.delete(NameCacheModel.key(dir, name));
    return previous;
  }

  stat(dir: number, name: string, inodeCache: InodeCacheModel | null): number {
    const ino = this.lookup(dir, name);
    return ino === RESULT.MISS || inodeCache === null ? RESULT.MISS : inodeCache.get(ino);
  }
}

/**
 * Block maps with snapshots: snapshot s (1, 2, ...) is the live map as it was when `take` returned s;
 * snapshot 0 is the live map; never-written blocks read 0.
 */
export class SnapshotModel {
  taken = 0;
  /** Per block, the values written, each with the number of snapshots taken before the write. */
  readonly versions = new Map<number, { epoch: number; value: number }[]>();

  take(): number {
    this.taken += 1;
    return this.taken;
  }

  write(block: number, value: number): number {
    const previous = this.read(0, block);
    const list = this.versions.get(block) ?? [];
    const last = list[list.length - 1];
    if (last !== undefined && last.epoch === this.taken) last.value = value;
    else list.push({ epoch: this.taken, value });
    this.versions.set(block, list);
    return previous;
  }

  read(snapshot: number, block: number): number {
    if (snapshot > this.taken) return RESULT.NO_SNAPSHOT;
    const list = this.versions.get(block) ?? [];
    const visible = snapshot === 0 ? list : list.filter((v) => v.epoch < snapshot);
    return visible[visible.length - 1]?.value ?? 0;
  }
}

export type ModuleModel = BufferCacheModel | InodeCacheModel | NameCacheModel | SnapshotModel;

function modelFor(kind: ModuleKind): ModuleModel {
  switch (kind) {
    case 'buffer-cache':
      return new BufferCacheModel();
    case 'inode-cache':
      return new InodeCacheModel();
    case 'name-cache':
      return new NameCacheModel();
    case 'snapshot':
      return new SnapshotModel();
  }
}

/** The abstract state of every module of a layout, indexed by space. */
export class ModuleModels {
  readonly bySpace: ModuleModel[];
  private readonly inodeSpace: number | null;

  constructor(layout: SystemLayout) {
    this.bySpace = [modelFor('buffer-cache'), ...layout.spaces.map((s) => modelFor(s.module))];
    this.inodeSpace = inodeCacheSpace(layout);
  }

  private module<T extends ModuleModel>(space: number, type: new () => T): T {
    const m = this.bySpace[space];
    if (!(m instanceof type)) throw new Error(`space ${space} holds no ${type.name}`);
    return m;
  }

  /**
   * The spaces a call's module calls into, in order, given the current state (ask before `apply`):
   * `ic.fetch` calls space 0's buffer cache on a miss, `nc.stat` calls the inode cache on a hit.
   */
  nestedSpaces(call: Call): number[] {
    if (call.op === 'ic.fetch') {
      return this.module(call.space, InodeCacheModel).sizes.has(call.ino) ? [] : [0];
    }
    if (call.op === 'nc.stat' && this.inodeSpace !== null) {
      return this.module(call.space, NameCacheModel).lookup(call.dir, call.name) === RESULT.MISS ? [] : [this.inodeSpace];
    }
    return [];
  }

  /** Applies a call to the abstract state and returns the result the caller must see. */
  apply(call: Call): number {
    switch (call.op) {
      case 'bc.read':
        return this.module(call.space, BufferCacheModel).read(call.block);
      case 'bc.write':
        return this.module(call.space, BufferCacheModel).write(call.block, call.value);
      case 'ic.get':
        return this.module(call.space, InodeCacheModel).get(call.ino);
      case 'ic.set':
        return this.module(call.space, InodeCacheModel).set(call.ino, call.size);
      case 'ic.fetch':
        return this.module(call.space, InodeCacheModel).fetch(call.ino, this.module(0, BufferCacheModel));
      case 'nc.enter':
        return this.module(call.space, NameCacheModel).enter(call.dir, call.name, call.ino);
      case 'nc.lookup':
        return this.module(call.space, NameCacheModel).lookup(call.dir, call.name);
      case 'nc.remove':
        return this.module(call.space, NameCacheModel).remove(call.dir, call.name);
      case 'nc.stat': {
        const ic = this.inodeSpace === null ? null : this.module(this.inodeSpace, InodeCacheModel);
        return this.module(call.space, NameCacheModel).stat(call.dir, call.name, ic);
      }
      case 'snap.take':
        return this.module(call.space, SnapshotModel).take();
      case 'snap.write':
        return this.module(call.space, SnapshotModel).write(call.block, call.value);
      case 'snap.read':
        return this.module(call.space, SnapshotModel).read(call.snapshot, call.block);
    }
  }
}
