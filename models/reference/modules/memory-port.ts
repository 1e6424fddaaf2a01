/**
 * How module code touches memory: 32-bit loads and stores through the processor, with the translation of
 * the space it runs in, supervisor mode. A fault is not a value a module can go on with: it becomes a
 * ModuleFault, which stops the run (the kernel would panic).
 */
import type { Processor } from '../../../src/machine/processor.ts';

export class ModuleFault extends Error {
  override readonly name = 'ModuleFault';
}

export class MemoryPort {
  constructor(readonly cpu: Processor) {}

  load32(va: number): number {
    if (!this.cpu.load(va >>> 0, 4, false)) throw new ModuleFault(`load at 0x${(va >>> 0).toString(16)} faulted: ${describe(this.cpu)}`);
    return this.cpu.valueLo >>> 0;
  }

  store32(va: number, value: number): void {
    if (!this.cpu.store(va >>> 0, 4, value >>> 0, 0, false)) {
      throw new ModuleFault(`store at 0x${(va >>> 0).toString(16)} faulted: ${describe(this.cpu)}`);
    }
  }
}

function describe(cpu: Processor): string {
  const f = cpu.fault;
  if (f === null) return 'unknown fault';
  return f.kind === 'page-fault' ? `#PF error code 0x${f.errorCode.toString(16)}` : '#GP';
}
