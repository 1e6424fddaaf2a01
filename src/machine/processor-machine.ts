/**
 * Adapts any in-process Processor to the batch Machine contract: load the trace's image and registers,
 * execute each step, record one observation per step, dump memory at the end.
 *
 * Two-stage traces (a `stage2` list or a `map-stage2` step) need a processor with `mapStage2`; any other
 * throws "machine X has no second stage", which the runner reports as a machine-error.
 */
import { hexFromHalves, hiHalf, loHalf } from '../arch/word.ts';
import type { Machine } from './machine.ts';
import type { MachineResult, Observation } from './observation.ts';
import type { Processor, ProcessorFactory } from './processor.ts';
import type { Step, Trace } from './trace.ts';

const DONE: Observation = { kind: 'done' };

/** A Machine built from a Processor, which says whether that processor has a second stage. */
export interface ProcessorMachine extends Machine {
  /** True when the processor implements `mapStage2` (two-stage traces apply to it). */
  readonly secondStage: boolean;
}

export function processorMachine(name: string, factory: ProcessorFactory): ProcessorMachine {
  let secondStage: boolean | null = null;
  return {
    name,
    // Decided once, from a processor built for the purpose, the first time someone asks.
    get secondStage(): boolean {
      secondStage ??= typeof factory({}).mapStage2 === 'function';
      return secondStage;
    },
    run(trace: Trace): MachineResult {
      const cpu = factory({ maxPhyAddr: trace.maxPhyAddr });
      loadImage(cpu, trace, name);
      const observations = trace.steps.map((step) => execute(cpu, step, name));
      return { observations, memory: cpu.dumpMemory() };
    },
  };
}

/** Whether a machine is known to implement the second stage (only processor machines can say so). */
export function hasSecondStage(machine: Machine): boolean {
  return (machine as Partial<ProcessorMachine>).secondStage === true;
}

function noSecondStage(name: string): Error {
  return new Error(`machine ${name} has no second stage`);
}

/**
 * Puts the second stage in place, then the image, then the registers: EFER and CR4 before CR3, CR0 (PG)
 * last, as a boot would. The second stage comes first because loading PDPTEs reads through it.
 */
export function loadImage(cpu: Processor, trace: Trace, name = 'this machine'): void {
  const stage2 = trace.stage2 ?? [];
  if (stage2.length > 0) {
    if (cpu.mapStage2 === undefined) throw noSecondStage(name);
    for (const m of stage2) cpu.mapStage2(m.ipa, m.pa);
  }
  for (const word of trace.memory) {
    cpu.writePhys32(word.pa, loHalf(word.value));
    cpu.writePhys32(word.pa + 4, hiHalf(word.value));
  }
  const { cr0, cr3, cr4, efer } = trace.registers;
  cpu.writeEfer(efer);
  cpu.movCr4(cr4);
  cpu.movCr3(cr3);
  cpu.movCr0(cr0);
}

function faultObservation(cpu: Processor): Observation {
  const fault = cpu.fault;
  if (fault === null) throw new Error('processor reported failure without a fault');
  return fault.kind === 'page-fault'
    ? { kind: 'page-fault', errorCode: fault.errorCode, cr2: fault.cr2 }
    : { kind: 'general-protection' };
}

function status(cpu: Processor, ok: boolean): Observation {
  return ok ? DONE : faultObservation(cpu);
}

export function execute(cpu: Processor, step: Step, name = 'this machine'): Observation {
  switch (step.op) {
    case 'load':
    case 'fetch': {
      const ok = step.op === 'load' ? cpu.load(step.va, step.size, step.user) : cpu.fetch(step.va, step.size, step.user);
      return ok ? { kind: 'value', value: hexFromHalves(cpu.valueLo, cpu.valueHi) } : faultObservation(cpu);
    }
    case 'store':
      return status(cpu, cpu.store(step.va, step.size, loHalf(step.value), hiHalf(step.value), step.user));
    case 'mov-cr0':
      return status(cpu, cpu.movCr0(step.value));
    case 'mov-cr3':
      return status(cpu, cpu.movCr3(step.value));
    case 'mov-cr4':
      return status(cpu, cpu.movCr4(step.value));
    case 'invlpg':
      cpu.invlpg(step.va);
      return DONE;
    case 'write-phys':
      cpu.writePhys32(step.pa, loHalf(step.value));
      cpu.writePhys32(step.pa + 4, hiHalf(step.value));
      return DONE;
    case 'map-stage2':
      // A machine without a second stage cannot run this step: the runner reports a machine-error.
      if (cpu.mapStage2 === undefined) throw noSecondStage(name);
      cpu.mapStage2(step.ipa, step.pa);
      return DONE;
  }
}
