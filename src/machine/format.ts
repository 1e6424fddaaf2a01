/**
 * Readable renderings of traces and observations, for failing properties, findings and reports.
 */
import { describeObservation, type Observation } from './observation.ts';
import type { Step, Trace } from './trace.ts';

export function hex32(v: number): string {
  return '0x' + (v >>> 0).toString(16).padStart(8, '0');
}

/** A physical address may exceed 32 bits: print it without truncation. */
export function hexPhys(v: number): string {
  return '0x' + v.toString(16).padStart(9, '0');
}

export function formatStep(step: Step): string {
  switch (step.op) {
    case 'load':
    case 'fetch':
      return `${step.op.padEnd(10)} va=${hex32(step.va)} size=${step.size} ${step.user ? 'user' : 'supervisor'}`;
    case 'store':
      return `${'store'.padEnd(10)} va=${hex32(step.va)} size=${step.size} ${step.user ? 'user' : 'supervisor'} value=${step.value}`;
    case 'mov-cr0':
    case 'mov-cr3':
    case 'mov-cr4':
      return `${step.op.padEnd(10)} ${hex32(step.value)}`;
    case 'invlpg':
      return `${'invlpg'.padEnd(10)} va=${hex32(step.va)}`;
    case 'write-phys':
      return `${'write-phys'.padEnd(10)} pa=${hexPhys(step.pa)} value=${step.value}`;
    case 'map-stage2':
      return `${'map-stage2'.padEnd(10)} ipa=${hexPhys(step.ipa)} -> pa=${hexPhys(step.pa)}`;
  }
}

export function formatTrace(trace: Trace, observations?: readonly Observation[]): string {
  const r = trace.registers;
  const lines = [
    `trace (MAXPHYADDR ${trace.maxPhyAddr}): cr0=${hex32(r.cr0)} cr3=${hex32(r.cr3)} cr4=${hex32(r.cr4)} efer=${hex32(r.efer)}`,
    `  memory (${trace.memory.length} words):`,
    ...trace.memory.map((w) => `    [${hexPhys(w.pa)}] = ${w.value}`),
    ...(trace.stage2 !== undefined && trace.stage2.length > 0
      ? [`  second stage (${trace.stage2.length} frames):`, ...trace.stage2.map((m) => `    ipa ${hexPhys(m.ipa)} -> pa ${hexPhys(m.pa)}`)]
      : []),
    `  steps (${trace.steps.length}):`,
    ...trace.steps.map((s, i) => {
      const o = observations?.[i];
      return `    ${String(i).padStart(3)}  ${formatStep(s)}${o ? `   -> ${describeObservation(o)}` : ''}`;
    }),
  ];
  return lines.join('\n');
}
