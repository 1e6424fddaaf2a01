/**
 * The cross-space call gate (claims 5, 7, 15, 17). A thread's call, step by step:
 *
 *   1. disable preemption of the current thread                     (claims 7, 17)
 *   2. copy the parameters from the caller's context (its stack frame, common memory) into the mailbox
 *   3. switch translation to the callee's space (paging on with its CR3; claims 5, 6, 16)
 *   4. run the module: it reads the mailbox, works in its private chunk, leaves the result in the mailbox
 *   5. switch translation back to the application's space 0 (paging off)
 *   6. copy the result from the mailbox into the caller's context's result slot
 *   7. enable preemption
 *
 * `call` is a generator that yields after every step: each yield is a point where the scheduler may
 * preempt the thread, which it does only while preemption is enabled. A module's call into another space's
 * module (claim 15) uses the next mailbox frame and switches directly: CR3 between paged spaces, paging
 * off and on for space 0's buffer cache.
 */
import { ABI, type CallOp, CALL_OPS, decodeOpcode, mailboxFrameAddress } from '../../../src/machine/system.ts';
import { MemoryPort, type Module, type ModuleContext } from '../modules/index.ts';
import { type Kernel, KernelPanic } from './kernel.ts';

/** What the gate needs of the scheduler: claim 7's preemption switch. */
export interface PreemptionControl {
  disablePreemption(): void;
  enablePreemption(): void;
}

export class Gate {
  private readonly port: MemoryPort;
  /** Mailbox frames in use: 0 outside calls, 1 during a thread's call, 2 during a nested call, ... */
  private depth = 0;
  private readonly context: ModuleContext;

  constructor(
    protected readonly kernel: Kernel,
    protected readonly modules: readonly Module[],
    protected readonly preemption: PreemptionControl,
    inodeCacheSpace: number | null,
  ) {
    this.port = new MemoryPort(kernel.cpu);
    this.context = {
      port: this.port,
      inodeCacheSpace,
      callModule: (space, op, parameters) => this.callModule(space, op, parameters),
    };
  }

  /** A thread's call whose context frame is at `frame` (a linear address of space 0, common memory). */
  *call(frame: number): Generator<void, void, void> {
    this.preemption.disablePreemption();
    yield;
    const mailbox = mailboxFrameAddress(0);
    this.copyWords(frame, mailbox, ABI.FIRST_PARAMETER_WORD + ABI.PARAMETER_WORDS);
    yield;
    const target = this.targetOf(mailbox);
    this.kernel.switchTo(target);
    yield;
    this.runModule(target, mailbox);
    yield;
    this.kernel.switchTo(0);
    yield;
    this.copyWords(mailbox + 4 * ABI.RESULT_WORD, frame + 4 * ABI.RESULT_WORD, 1);
    yield;
    this.preemption.enablePreemption();
  }

  /** Copies `words` words from one common-memory address to another, with loads and stores. */
  private copyWords(from: number, to: number, words: number): void {
    for (let k = 0; k < words; k++) this.port.store32(to + 4 * k, this.port.load32(from + 4 * k));
  }

  private targetOf(mailbox: number): number {
    const decoded = decodeOpcode(this.port.load32(mailbox));
    if (decoded === null || decoded.space >= this.modules.length) throw new KernelPanic(`gate: bad opcode in the mailbox`);
    return decoded.space;
  }

  private runModule(space: number, mailbox: number): void {
    this.depth++;
    try {
      this.modules[space]!.serve(this.context, mailbox);
    } finally {
      this.depth--;
    }
  }

  /**
   * Claim 15: the calling module places the parameters in common memory (the next mailbox frame),
   * translation switches to the callee's space, the callee leaves its result there, translation switches
   * back, and the caller reads the result.
   */
  callModule(space: number, op: CallOp, parameters: readonly number[]): number {
    if (this.depth >= ABI.MAILBOX_DEPTHS) throw new KernelPanic('gate: calls nested too deep');
    const from = this.kernel.currentSpace;
    const mailbox = mailboxFrameAddress(this.depth);
    this.port.store32(mailbox, ((CALL_OPS.indexOf(op) << 8) | space) >>> 0);
    for (let k = 0; k < ABI.PARAMETER_WORDS; k++) this.port.store32(mailbox + 4 * (1 + k), parameters[k] ?? 0);
    this.kernel.switchTo(space);
    this.runModule(space, mailbox);
    this.kernel.switchTo(from);
    return this.port.load32(mailbox + 4 * ABI.RESULT_WORD);
  }
}
