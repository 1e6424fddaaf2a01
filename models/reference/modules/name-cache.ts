/**
 * The dynamic name lookup cache (claims 8, 12, 14, 19): (directory inode, name) -> inode, a hash table
 * over the private window keyed by the directory, the name's length and its bytes. `nc.stat` looks a name
 * up and asks the inode cache for the inode's size: a module-to-module call between paged spaces, which
 * switches CR3 (claim 15).
 */
import { type CallOp, NAME_MAX, RESULT } from '../../../src/machine/system.ts';
import { MemoryHashTable } from './hash-table.ts';
import { Module, type ModuleContext } from './module.ts';

export class NameCache extends Module {
  protected handle(op: CallOp, p: readonly number[], context: ModuleContext): number {
    const table = new MemoryHashTable(context.port, this.window.va, this.window.size);
    // dir, length, three words of name bytes; a length beyond NAME_MAX is clamped, never trusted.
    const key = [p[0]!, Math.min(p[1]!, NAME_MAX), p[2]!, p[3]!, p[4]!];
    switch (op) {
      case 'nc.enter': {
        const previous = table.get(key) ?? RESULT.MISS;
        table.set(key, p[5]!);
        return previous;
      }
      case 'nc.lookup':
        return table.get(key) ?? RESULT.MISS;
      case 'nc.remove':
        return table.remove(key) ?? RESULT.MISS;
      case 'nc.stat': {
        const ino = table.get(key);
        if (ino === null || context.inodeCacheSpace === null) return RESULT.MISS;
        return context.callModule(context.inodeCacheSpace, 'ic.get', [ino]);
      }
      default:
        return RESULT.MISS;
    }
  }
}
