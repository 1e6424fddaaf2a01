/**
 * What the modules' unit tests share: a reference machine with paging off (a module's window is physical
 * memory), a module context whose module-to-module calls run the callee as the gate does, a way to make
 * one call through the mailbox, and the modules' hash (an independent copy: it says where a key must land,
 * so a test does not take the code under test as its own oracle). Test support only: Stryker does not
 * mutate it (stryker.config.json, "!**\/*-rig.ts").
 */
import { ABI, CALL_OPS, type CallOp, mailboxFrameAddress } from '../../../src/machine/system.ts';
import { createReferenceProcessor, type ReferenceProcessor } from '../index.ts';
import { MemoryPort } from './memory-port.ts';
import type { Module, ModuleContext } from './module.ts';

export const MAILBOX = mailboxFrameAddress(0);

export interface Rig {
  readonly cpu: ReferenceProcessor;
  readonly context: ModuleContext;
  /** The module-to-module calls made through the context, in order. */
  readonly calls: { space: number; op: CallOp; parameters: number[] }[];
}

/**
 * A machine with paging off (windows are physical memory) and a context whose module-to-module calls
 * run the callee as the gate does: opcode and parameters in the next mailbox frame, the callee serves
 * it, the caller reads the result slot.
 */
export function rig(modules: Readonly<Record<number, Module>> = {}, inodeCacheSpace: number | null = null): Rig {
  const cpu = createReferenceProcessor({});
  const port = new MemoryPort(cpu);
  const calls: Rig['calls'] = [];
  const context: ModuleContext = {
    port,
    inodeCacheSpace,
    callModule: (space, op, parameters) => {
      calls.push({ space, op, parameters: [...parameters] });
      const mailbox = mailboxFrameAddress(1);
      port.store32(mailbox, ((CALL_OPS.indexOf(op) << 8) | space) >>> 0);
      for (let k = 0; k < ABI.PARAMETER_WORDS; k++) port.store32(mailbox + 4 * (1 + k), parameters[k] ?? 0);
      modules[space]!.serve(context, mailbox);
      return port.load32(mailbox + 4 * ABI.RESULT_WORD);
    },
  };
  return { cpu, context, calls };
}

/** Writes a call into the mailbox frame, lets the module serve it and returns its result slot. */
export function call(r: Rig, module: Module, op: CallOp, parameters: readonly number[] = [], space = 1): number {
  r.cpu.writePhys32(MAILBOX, ((CALL_OPS.indexOf(op) << 8) | space) >>> 0);
  for (let k = 0; k < ABI.PARAMETER_WORDS; k++) r.cpu.writePhys32(MAILBOX + 4 * (1 + k), parameters[k] ?? 0);
  r.cpu.writePhys32(MAILBOX + 4 * ABI.RESULT_WORD, ABI.RESULT_PENDING);
  module.serve(r.context, MAILBOX);
  return r.cpu.readPhys32(MAILBOX + 4 * ABI.RESULT_WORD);
}

export function words(cpu: ReferenceProcessor, base: number, count: number): number[] {
  return Array.from({ length: count }, (_, k) => cpu.readPhys32(base + 4 * k));
}

/** The table's hash (FNV-1a over the key words, then a 32-bit finaliser): it fixes where a key lives. */
export function hashKey(key: readonly number[]): number {
  let h = 0x811c9dc5;
  for (const w of key) h = Math.imul(h ^ w, 0x01000193);
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}
