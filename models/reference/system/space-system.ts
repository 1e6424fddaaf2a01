/**
 * One booted system: kernel, modules, gate, scheduler and the application, on one processor. Each part
 * comes from a factory in `SystemParts`, so that a deliberately broken system (models/broken-system)
 * replaces exactly one of them.
 */
import type { Processor } from '../../../src/machine/processor.ts';
import type { Program, RunReport, SpaceSystem, SystemLayout } from '../../../src/machine/system.ts';
import { type Module, type ModuleFactory, MemoryPort } from '../modules/index.ts';
import { applicationThread } from './application.ts';
import { Gate, type PreemptionControl } from './gate.ts';
import { Kernel } from './kernel.ts';
import { Scheduler } from './scheduler.ts';

export interface SystemParts {
  readonly kernel: (cpu: Processor, layout: SystemLayout) => Kernel;
  readonly module: ModuleFactory;
  readonly gate: (kernel: Kernel, modules: readonly Module[], preemption: PreemptionControl, inodeCacheSpace: number | null) => Gate;
}

/** The space of the inode cache that name caches ask: the lowest-numbered one. */
function inodeCacheSpace(layout: SystemLayout): number | null {
  const i = layout.spaces.findIndex((s) => s.module === 'inode-cache');
  return i < 0 ? null : i + 1;
}

export class BootedSystem implements SpaceSystem {
  readonly kernel: Kernel;
  readonly modules: readonly Module[];
  readonly scheduler: Scheduler;
  readonly gate: Gate;

  constructor(
    readonly cpu: Processor,
    readonly layout: SystemLayout,
    readonly threads: number,
    parts: SystemParts,
  ) {
    this.kernel = parts.kernel(cpu, layout);
    this.kernel.boot();
    this.modules = [
      parts.module('buffer-cache', { va: layout.bufferCache.base, size: layout.bufferCache.size }),
      ...layout.spaces.map((s) => parts.module(s.module, s.window)),
    ];
    this.scheduler = new Scheduler(this.kernel);
    this.gate = parts.gate(this.kernel, this.modules, this.scheduler, inodeCacheSpace(layout));
  }

  get currentSpace(): number {
    return this.kernel.currentSpace;
  }

  switchTo(space: number): void {
    this.kernel.switchTo(space);
  }

  remapLargePage(space: number, va: number, pa: number): void {
    this.kernel.remapLargePage(space, va, pa);
  }

  run(program: Program): RunReport {
    if (program.threads.length > this.threads) {
      throw new Error(`the system was booted for ${this.threads} threads, the program has ${program.threads.length}`);
    }
    const port = new MemoryPort(this.cpu);
    const threads = program.threads.map((calls, t) => applicationThread(t, calls, this.layout, port, this.gate));
    const outcome = this.scheduler.run(threads, program.schedule);
    return {
      panic: outcome.panic,
      preemptions: outcome.preemptions,
      completedCalls: threads.reduce((sum, t) => sum + t.completed, 0),
    };
  }
}
