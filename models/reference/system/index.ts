/**
 * The multi-space system of the seed claims, on any Processor: a kernel that builds the spaces of a
 * layout in physical memory (kernel.ts, page-tables.ts, layout.ts checks the layout first), the modules in
 * their private chunks (../modules), the cross-space call gate (gate.ts), the scheduler (scheduler.ts) and
 * the application threads of space 0 (application.ts).
 *
 * `createSpaceSystem(name, processors, parts)` makes a SpaceSystemFactory (src/machine/system.ts) that
 * boots a fresh processor from `processors` per system; `referenceSpaceSystem` runs on the reference
 * processor. Broken variants (models/broken-system) pass one replaced part.
 */
import type { ProcessorFactory } from '../../../src/machine/processor.ts';
import type { BootOptions, SpaceSystem, SpaceSystemFactory } from '../../../src/machine/system.ts';
import { createReferenceProcessor } from '../index.ts';
import { createModule } from '../modules/index.ts';
import { Gate } from './gate.ts';
import { Kernel } from './kernel.ts';
import { checkLayout } from './layout.ts';
import { BootedSystem, type SystemParts } from './space-system.ts';

export { Gate, type PreemptionControl } from './gate.ts';
export { BIOS_SIGNATURE, Kernel, KernelPanic } from './kernel.ts';
export { checkLayout } from './layout.ts';
export { ENTRY_FLAGS, type PaeRoot, PageTableWriter } from './page-tables.ts';
export { Scheduler } from './scheduler.ts';
export { BootedSystem, type SystemParts } from './space-system.ts';

export const REFERENCE_PARTS: SystemParts = {
  kernel: (cpu, layout) => new Kernel(cpu, layout),
  module: createModule,
  gate: (kernel, modules, preemption, inodeCacheSpace) => new Gate(kernel, modules, preemption, inodeCacheSpace),
};

export function createSpaceSystem(name: string, processors: ProcessorFactory, parts: Partial<SystemParts> = {}): SpaceSystemFactory {
  const all: SystemParts = { ...REFERENCE_PARTS, ...parts };
  return {
    name,
    boot(options: BootOptions): SpaceSystem {
      // The layout is checked before the processor exists: an invalid MAXPHYADDR is a layout error too.
      checkLayout(options.layout, options.threads);
      const raw = processors({ maxPhyAddr: options.layout.maxPhyAddr });
      const cpu = options.observe === undefined ? raw : options.observe(raw);
      return new BootedSystem(cpu, options.layout, options.threads, all);
    },
  };
}

export const referenceSpaceSystem: SpaceSystemFactory = createSpaceSystem('reference', createReferenceProcessor);
