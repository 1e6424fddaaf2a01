/**
 * The reference gate (models/reference/system/gate.ts) restated with each step of a call as a protected
 * method, so that a gate mutant overrides one step or the order of the steps. The reference keeps its
 * steps private; this restatement follows it line for line, and the catalog test checks that, unchanged,
 * it passes the space-level families like the reference.
 */
import { ABI, type CallOp, CALL_OPS, decodeOpcode, mailboxFrameAddress } from '../../src/machine/system.ts';
import { MemoryPort, type Module, type ModuleContext } from '../reference/modules/index.ts';
import { Gate, type Kernel, KernelPanic, type PreemptionControl } from '../reference/system/index.ts';

export class SteppableGate extends Gate {
  protected readonly memory: MemoryPort;
  protected nesting = 0;
  protected readonly moduleContext: ModuleContext;

  constructor(kernel: Kernel, modules: readonly Module[], preemption: PreemptionControl, inodeCacheSpace: number | null) {
    super(kernel, modules, preemption, inodeCacheSpace);
    this.memory = new MemoryPort(kernel.cpu);
    this.moduleContext = {
      port: this.memory,
      inodeCacheSpace,
      callModule: (space, op, parameters) => this.callModule(space, op, parameters),
    };
  }

  /** The seven steps of a call (claims 5, 7), each followed by a point where the thread may be preempted. */
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
    yield;
    this.leave();
    yield;
    this.copyOut(mailbox, frame);
    yield;
    this.enable();
  }

  protected disable(): void {
    this.preemption.disablePreemption();
  }

  protected enable(): void {
    this.preemption.enablePreemption();
  }

  /** Opcode and parameters from the caller's context frame into the mailbox frame. */
  protected copyIn(frame: number, mailbox: number): void {
    this.copy(frame, mailbox, ABI.FIRST_PARAMETER_WORD + ABI.PARAMETER_WORDS);
  }

  /** The result slot of the mailbox frame into the caller's context frame. */
  protected copyOut(mailbox: number, frame: number): void {
    this.copy(mailbox + 4 * ABI.RESULT_WORD, frame + 4 * ABI.RESULT_WORD, 1);
  }

  protected enter(space: number): void {
    this.kernel.switchTo(space);
  }

  protected leave(): void {
    this.kernel.switchTo(0);
  }

  protected copy(from: number, to: number, words: number): void {
    for (let k = 0; k < words; k++) this.memory.store32(to + 4 * k, this.memory.load32(from + 4 * k));
  }

  protected target(mailbox: number): number {
    const decoded = decodeOpcode(this.memory.load32(mailbox));
    if (decoded === null || decoded.space >= this.modules.length) throw new KernelPanic(`gate: bad opcode in the mailbox`);
    return decoded.space;
  }

  protected run(space: number, mailbox: number): void {
    this.nesting++;
    try {
      this.modules[space]!.serve(this.moduleContext, mailbox);
    } finally {
      this.nesting--;
    }
  }

  override callModule(space: number, op: CallOp, parameters: readonly number[]): number {
    if (this.nesting >= ABI.MAILBOX_DEPTHS) throw new KernelPanic('gate: calls nested too deep');
    const from = this.kernel.currentSpace;
    const mailbox = mailboxFrameAddress(this.nesting);
    this.memory.store32(mailbox, ((CALL_OPS.indexOf(op) << 8) | space) >>> 0);
    for (let k = 0; k < ABI.PARAMETER_WORDS; k++) this.memory.store32(mailbox + 4 * (1 + k), parameters[k] ?? 0);
    this.kernel.switchTo(space);
    this.run(space, mailbox);
    this.kernel.switchTo(from);
    return this.memory.load32(mailbox + 4 * ABI.RESULT_WORD);
  }
}
