/**
 * What every module is: code that runs in its space, keeps its data structures in its private window
 * (the only memory it owns), reads its parameters from a mailbox frame in common memory and leaves its
 * result there (claims 1, 5, 15). The data lives in the machine's memory, reached through loads and stores
 * (MemoryPort); a module object holds only where its window is.
 */
import { ABI, type CallOp, decodeOpcode } from '../../../src/machine/system.ts';
import type { MemoryPort } from './memory-port.ts';

export interface Window {
  readonly va: number;
  readonly size: number;
}

/** What a module may ask of the system while it runs: a call into another space's module (claim 15). */
export interface ModuleContext {
  readonly port: MemoryPort;
  /** Calls the module of `space` with op and parameter words through the mailbox; returns its result. */
  callModule(space: number, op: CallOp, parameters: readonly number[]): number;
  /** The space of the inode cache a name cache asks (the lowest-numbered one), or null. */
  readonly inodeCacheSpace: number | null;
}

export abstract class Module {
  constructor(readonly window: Window) {}

  /** Runs one call: the parameters come from the mailbox frame at `mailbox`, the result goes back there. */
  serve(context: ModuleContext, mailbox: number): void {
    const port = context.port;
    const decoded = decodeOpcode(port.load32(mailbox + 4 * ABI.OPCODE_WORD));
    const parameters: number[] = [];
    for (let k = 0; k < ABI.PARAMETER_WORDS; k++) parameters.push(port.load32(mailbox + 4 * (ABI.FIRST_PARAMETER_WORD + k)));
    const result = decoded === null ? 0 : this.handle(decoded.op, parameters, context);
    this.leaveResult(context, mailbox, result);
  }

  /** Claim 5: the result is placed in common memory, in the mailbox frame's result slot. */
  protected leaveResult(context: ModuleContext, mailbox: number, result: number): void {
    context.port.store32(mailbox + 4 * ABI.RESULT_WORD, result);
  }

  protected abstract handle(op: CallOp, parameters: readonly number[], context: ModuleContext): number;
}
