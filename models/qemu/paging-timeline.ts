/**
 * Whether paging is on before each step: CR0.PG as the trace's registers and MOV-to-CR0 steps set it.
 * A MOV that the specification refuses with #GP (a bad PDPTE, SDM 4.4.1) is taken as done: the step
 * diverges there anyway, and the comparison stops at the first divergence.
 */
import { CR0 } from '../../src/arch/entry-layout.ts';
import type { Trace } from '../../src/machine/trace.ts';

const pagingBit = (cr0: number): boolean => ((cr0 >>> CR0.PG_BIT) & 1) === 1;

export function pagingBeforeEachStep(trace: Trace): boolean[] {
  let on = pagingBit(trace.registers.cr0);
  return trace.steps.map((s) => {
    const before = on;
    if (s.op === 'mov-cr0') on = pagingBit(s.value);
    return before;
  });
}
