/**
 * Broken on purpose (for the integrity family): a gate that never disables preemption, against claims 7
 * and 17. A thread can then be preempted between copying its parameters into the mailbox and copying the
 * result out, and another thread's call overwrites the mailbox in between.
 */
import { Gate } from '../reference/system/index.ts';
import type { SystemParts } from '../reference/system/index.ts';

export const noPreemptionGate: Pick<SystemParts, 'gate'> = {
  gate: (kernel, modules, _preemption, inodeCacheSpace) =>
    new Gate(kernel, modules, { disablePreemption: () => {}, enablePreemption: () => {} }, inodeCacheSpace),
};
