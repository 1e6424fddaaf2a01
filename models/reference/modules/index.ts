/**
 * The modules of the multi-space system, one file each: buffer cache (space 0), inode cache, name lookup
 * cache, snapshot block maps (claims 8, 10, 12, 14, 19, 20). Each keeps its data structures in its private
 * window, in the machine's memory, through loads and stores with its space's translation.
 */
import type { ModuleKind } from '../../../src/machine/system.ts';
import { BufferCache } from './buffer-cache.ts';
import { InodeCache } from './inode-cache.ts';
import type { Module, Window } from './module.ts';
import { NameCache } from './name-cache.ts';
import { Snapshot } from './snapshot.ts';

export { BufferCache } from './buffer-cache.ts';
export { InodeCache } from './inode-cache.ts';
export { MemoryPort, ModuleFault } from './memory-port.ts';
export { Module, type ModuleContext, type Window } from './module.ts';
export { NameCache } from './name-cache.ts';
export { Snapshot } from './snapshot.ts';

export type ModuleFactory = (kind: ModuleKind, window: Window) => Module;

export const createModule: ModuleFactory = (kind, window) => {
  switch (kind) {
    case 'buffer-cache':
      return new BufferCache(window);
    case 'inode-cache':
      return new InodeCache(window);
    case 'name-cache':
      return new NameCache(window);
    case 'snapshot':
      return new Snapshot(window);
  }
};
