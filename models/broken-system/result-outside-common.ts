/**
 * Broken on purpose (for the integrity family): the inode cache leaves its result in its own private
 * chunk instead of the mailbox in common memory, against claims 1 and 5. The gate then copies whatever the
 * mailbox's result slot held before into the caller's context.
 */
import type { ModuleKind } from '../../src/machine/system.ts';
import { createModule, InodeCache, type Module, type ModuleContext, type Window } from '../reference/modules/index.ts';
import type { SystemParts } from '../reference/system/index.ts';

class InodeCacheResultInPrivateChunk extends InodeCache {
  protected override leaveResult(context: ModuleContext, _mailbox: number, result: number): void {
    context.port.store32(this.window.va + this.window.size - 4, result);
  }
}

export const resultOutsideCommon: Pick<SystemParts, 'module'> = {
  module: (kind: ModuleKind, window: Window): Module => (kind === 'inode-cache' ? new InodeCacheResultInPrivateChunk(window) : createModule(kind, window)),
};
