/**
 * The buffer cache of space 0 (claims 10, 13): block number -> cached value, a hash table over the whole
 * private chunk. Space 0 runs with paging off, so its window is the chunk's physical range.
 */
import { type CallOp, RESULT } from '../../../src/machine/system.ts';
import { MemoryHashTable } from './hash-table.ts';
import { Module, type ModuleContext } from './module.ts';

export class BufferCache extends Module {
  private table(context: ModuleContext): MemoryHashTable {
    return new MemoryHashTable(context.port, this.window.va, this.window.size);
  }

  protected handle(op: CallOp, p: readonly number[], context: ModuleContext): number {
    const table = this.table(context);
    const block = p[0]!;
    switch (op) {
      case 'bc.read':
        return table.get([block]) ?? RESULT.MISS;
      case 'bc.write': {
        const previous = table.get([block]) ?? RESULT.MISS;
        table.set([block], p[1]!);
        return previous;
      }
      default:
        return RESULT.MISS;
    }
  }
}
