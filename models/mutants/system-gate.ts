/**
 * Seeded faults in the cross-space call gate (models/reference/system/gate.ts; steps in steppable-gate.ts):
 * preemption enabled too early, the result copied back before the module finishes, parameters copied into
 * another thread's context, paging not turned off on return.
 */
import { mailboxFrameAddress } from '../../src/machine/system.ts';
import { createReferenceProcessor } from '../reference/index.ts';
import { createSpaceSystem, type Kernel, type PreemptionControl } from '../reference/system/index.ts';
import type { Module } from '../reference/modules/index.ts';
import { type Mutant, systemMutant } from './mutant.ts';
import { SteppableGate } from './steppable-gate.ts';

type GateClass = new (kernel: Kernel, modules: readonly Module[], preemption: PreemptionControl, inodeCacheSpace: number | null) => SteppableGate;

/** Preemption enabled as soon as the module returns, before switching back and copying the result out. */
class EarlyPreemptionGate extends SteppableGate {
  override *call(frame: number): Generator<void, void, void> {
    const mailbox = mailboxFrameAddress(0);
    this.disable();
    yield;
    this.copyIn(frame, mailbox);
    yield;
    const target = this.target(mailbox);
    this.enter(target);
    yield;
    this.run(target, mailbox);
    this.enable(); // the fault: the mailbox still holds this thread's result
    yield;
    this.leave();
    yield;
    this.copyOut(mailbox, frame);
    yield;
  }
}

/** The result slot copied back into the caller's context before the module has run. */
class EarlyResultGate extends SteppableGate {
  override *call(frame: number): Generator<void, void, void> {
    const mailbox = mailboxFrameAddress(0);
    this.disable();
    yield;
    this.copyIn(frame, mailbox);
    yield;
    const target = this.target(mailbox);
    this.enter(target);
    yield;
    this.copyOut(mailbox, frame); // the fault: the module has not written its result yet
    yield;
    this.run(target, mailbox);
    yield;
    this.leave();
    yield;
    this.enable();
  }
}

/**
 * Parameters copied into the same frame of the next thread's stack (the frame address computed with the
 * thread index off by one) instead of the mailbox: another thread's context is overwritten and the module
 * reads whatever the mailbox held.
 */
class OtherThreadSlotGate extends SteppableGate {
  protected override copyIn(frame: number, _mailbox: number): void {
    super.copyIn(frame, frame + this.kernel.layout.stackBytes);
  }
}

/** Return to space 0 without turning paging off: translation stays on the callee's page tables. */
class PagingLeftOnGate extends SteppableGate {
  protected override leave(): void {
    // the fault: no MOV to CR0 clearing PG
  }
}

function withGate(GateKind: GateClass) {
  return (name: string) =>
    createSpaceSystem(name, createReferenceProcessor, {
      gate: (kernel, modules, preemption, inodeCacheSpace) => new GateKind(kernel, modules, preemption, inodeCacheSpace),
    });
}

export const gateMutants: readonly Mutant[] = [
  systemMutant(
    {
      name: 'gate-preemption-early',
      layer: 'gate',
      description: 'Preemption enabled too early: right after the module returns, while the result still waits in the shared mailbox.',
      family: 'integrity',
    },
    withGate(EarlyPreemptionGate),
  ),
  systemMutant(
    {
      name: 'gate-result-before-module',
      layer: 'gate',
      description: 'The result is copied back into the caller\'s context before the module finishes, so the caller gets the mailbox\'s previous result.',
      family: 'integrity',
    },
    withGate(EarlyResultGate),
  ),
  systemMutant(
    {
      name: 'gate-parameters-other-thread',
      layer: 'gate',
      description: 'Parameters copied into another thread\'s slot: the next thread\'s context frame on its stack, instead of the mailbox.',
      family: 'integrity',
    },
    withGate(OtherThreadSlotGate),
  ),
  systemMutant(
    {
      name: 'gate-paging-left-on',
      layer: 'gate',
      description: 'Paging not turned off on return: the thread goes back to space 0 with CR0.PG = 1 and the callee\'s CR3.',
      family: 'switch',
    },
    withGate(PagingLeftOnGate),
  ),
];
