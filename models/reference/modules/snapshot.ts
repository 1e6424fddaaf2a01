/**
 * Snapshot block maps (claims 8, 12, 14, 20): a live block map and the maps frozen by each snapshot.
 * In the private window:
 *
 *   [0, 64)             header: word 0 = snapshots taken, word 1 = next free version record
 *   [64, size / 2)      hash table: block -> offset of its newest version record
 *   [size / 2, size)    version records of 16 bytes: epoch (snapshots taken when written), value, next
 *
 * A write made after snapshot s was taken carries epoch >= s, so the value of a block as of snapshot s is
 * the newest record with epoch < s. The live map is the newest record. Chains are bounded and offsets
 * checked, so memory that is not a block map gives wrong answers, never a fault outside the window.
 */
import { type CallOp, RESULT } from '../../../src/machine/system.ts';
import { MemoryHashTable } from './hash-table.ts';
import { Module, type ModuleContext } from './module.ts';
import type { MemoryPort } from './memory-port.ts';

const HEADER_BYTES = 64;
const RECORD_BYTES = 16;
const MAX_CHAIN = 1 << 16;

export class Snapshot extends Module {
  private get recordsBase(): number {
    return this.window.size / 2;
  }

  protected handle(op: CallOp, p: readonly number[], context: ModuleContext): number {
    const port = context.port;
    const base = this.window.va;
    const table = new MemoryHashTable(port, base + HEADER_BYTES, this.recordsBase - HEADER_BYTES);
    switch (op) {
      case 'snap.take': {
        const taken = (port.load32(base) + 1) >>> 0;
        port.store32(base, taken);
        return taken;
      }
      case 'snap.write':
        return this.write(port, table, p[0]!, p[1]!);
      case 'snap.read':
        return this.read(port, table, p[0]!, p[1]!);
      default:
        return RESULT.MISS;
    }
  }

  private validRecord(offset: number): boolean {
    return offset >= this.recordsBase && offset + RECORD_BYTES <= this.window.size && offset % RECORD_BYTES === 0;
  }

  private write(port: MemoryPort, table: MemoryHashTable, block: number, value: number): number {
    const base = this.window.va;
    const taken = port.load32(base);
    const head = table.get([block]);
    const headValid = head !== null && this.validRecord(head);
    const previous = headValid ? port.load32(base + head + 4) : 0;
    if (headValid && port.load32(base + head) === taken) {
      port.store32(base + head + 4, value);
      return previous;
    }
    const next = port.load32(base + 4) || this.recordsBase;
    if (!this.validRecord(next)) return previous;
    port.store32(base + 4, next + RECORD_BYTES);
    port.store32(base + next, taken);
    port.store32(base + next + 4, value);
    port.store32(base + next + 8, headValid ? head : 0);
    table.set([block], next);
    return previous;
  }

  private read(port: MemoryPort, table: MemoryHashTable, snapshot: number, block: number): number {
    const base = this.window.va;
    if (snapshot > port.load32(base)) return RESULT.NO_SNAPSHOT;
    let record = table.get([block]);
    for (let steps = 0; record !== null && this.validRecord(record) && steps < MAX_CHAIN; steps++) {
      if (snapshot === 0 || port.load32(base + record) < snapshot) return port.load32(base + record + 4);
      record = port.load32(base + record + 8);
    }
    return 0;
  }
}
