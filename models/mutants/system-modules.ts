/**
 * Seeded faults in the modules (models/reference/modules): private state kept outside the private chunk,
 * an off-by-one at the chunk's end, an off-by-one in the result slot.
 */
import { PAGE_2M } from '../../src/arch/entry-layout.ts';
import { ABI, type CallOp, type ModuleKind, RESULT } from '../../src/machine/system.ts';
import { createReferenceProcessor } from '../reference/index.ts';
import { BufferCache, createModule, InodeCache, type Module, type ModuleContext, NameCache, Snapshot, type Window } from '../reference/modules/index.ts';
import { createSpaceSystem } from '../reference/system/index.ts';
import { type Mutant, systemMutant } from './mutant.ts';

/**
 * The inode cache keeps its map in a JavaScript Map: every answer is right, but the module's state is no
 * longer in its private chunk, so nothing a translation does can reach it (DESIGN.md: such a module tests
 * nothing).
 */
class InodeCacheInJs extends InodeCache {
  private readonly sizes = new Map<number, number>();

  protected override handle(op: CallOp, p: readonly number[], context: ModuleContext): number {
    const ino = p[0]!;
    switch (op) {
      case 'ic.get':
        return this.sizes.get(ino) ?? RESULT.MISS;
      case 'ic.set': {
        const previous = this.sizes.get(ino) ?? RESULT.MISS;
        this.sizes.set(ino, p[1]!);
        return previous;
      }
      case 'ic.fetch': {
        const cached = this.sizes.get(ino);
        if (cached !== undefined) return cached;
        const fromBlock = context.callModule(0, 'bc.read', [ino]);
        if (fromBlock !== RESULT.MISS) this.sizes.set(ino, fromBlock);
        return fromBlock;
      }
      default:
        return RESULT.MISS;
    }
  }
}

/**
 * The window's size taken as its last 2 MiB unit's index plus two (an off-by-one in the unit count): every
 * module's hash table spreads over 2 MiB past the window's end, which its space does not map (a fault) or
 * which is someone else's memory.
 */
function windowOneUnitLong(kind: ModuleKind, window: Window): Module {
  return createModule(kind, { va: window.va, size: window.size + PAGE_2M });
}

/** The result left one word past the result slot, in the first word of the mailbox frame's locals. */
function leaveResultLate(context: ModuleContext, mailbox: number, result: number): void {
  context.port.store32(mailbox + 4 * (ABI.RESULT_WORD + 1), result);
}

class BufferCacheResultLate extends BufferCache {
  protected override leaveResult(context: ModuleContext, mailbox: number, result: number): void {
    leaveResultLate(context, mailbox, result);
  }
}
class InodeCacheResultLate extends InodeCache {
  protected override leaveResult(context: ModuleContext, mailbox: number, result: number): void {
    leaveResultLate(context, mailbox, result);
  }
}
class NameCacheResultLate extends NameCache {
  protected override leaveResult(context: ModuleContext, mailbox: number, result: number): void {
    leaveResultLate(context, mailbox, result);
  }
}
class SnapshotResultLate extends Snapshot {
  protected override leaveResult(context: ModuleContext, mailbox: number, result: number): void {
    leaveResultLate(context, mailbox, result);
  }
}

const RESULT_LATE: Readonly<Record<ModuleKind, new (window: Window) => Module>> = {
  'buffer-cache': BufferCacheResultLate,
  'inode-cache': InodeCacheResultLate,
  'name-cache': NameCacheResultLate,
  snapshot: SnapshotResultLate,
};

function withModules(create: (kind: ModuleKind, window: Window) => Module) {
  return (name: string) => createSpaceSystem(name, createReferenceProcessor, { module: create });
}

export const moduleMutants: readonly Mutant[] = [
  systemMutant(
    {
      name: 'module-state-outside-chunk',
      layer: 'modules',
      description: 'Private state kept outside the chunk: the inode cache keeps its map in a JavaScript object instead of its private chunk.',
      family: 'layout',
    },
    withModules((kind, window) => (kind === 'inode-cache' ? new InodeCacheInJs(window) : createModule(kind, window))),
  ),
  systemMutant(
    {
      name: 'module-window-end-off-by-one',
      layer: 'modules',
      description: 'An off-by-one at the chunk\'s end: modules take their window one 2 MiB unit longer than it is, so table slots lie past its end.',
      family: 'integrity',
    },
    withModules(windowOneUnitLong),
  ),
  systemMutant(
    {
      name: 'module-result-word-off-by-one',
      layer: 'modules',
      description: 'The module leaves its result one word past the result slot of the mailbox frame, where the gate does not look.',
      family: 'integrity',
    },
    withModules((kind, window) => new RESULT_LATE[kind](window)),
  ),
];
