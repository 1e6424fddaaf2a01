/**
 * The inode cache (claim 8): inode number -> size, a hash table over the private window. `ic.fetch` fills
 * a miss by calling the buffer cache of space 0 (claim 15: a module-to-module call, here from a paged
 * space to the directly mapped one, so paging goes off and on again, claim 16).
 */
import { type CallOp, RESULT } from '../../../src/machine/system.ts';
import { MemoryHashTable } from './hash-table.ts';
import { Module, type ModuleContext } from './module.ts';

export class InodeCache extends Module {
  protected handle(op: CallOp, p: readonly number[], context: ModuleContext): number {
    const table = new MemoryHashTable(context.port, this.window.va, this.window.size);
    const ino = p[0]!;
    switch (op) {
      case 'ic.get':
        return table.get([ino]) ?? RESULT.MISS;
      case 'ic.set': {
        const previous = table.get([ino]) ?? RESULT.MISS;
        table.set([ino], p[1]!);
        return previous;
      }
      case 'ic.fetch': {
        const cached = table.get([ino]);
        if (cached !== null) return cached;
        const fromBlock = context.callModule(0, 'bc.read', [ino]);
        if (fromBlock !== RESULT.MISS) table.set([ino], fromBlock);
        return fromBlock;
      }
      default:
        return RESULT.MISS;
    }
  }
}
