/**
 * The traces the QEMU machine takes: PAE paging throughout, or 32-bit paging throughout (the adapter drops
 * a MOV to CR4 that would set PAE in a 32-bit trace, adapt-32.ts), without a second stage. A PAE trace that
 * switches to 32-bit paging, and a two-stage trace, get a machine error that says so, rather than a
 * made-up run.
 */
import { CR4 } from '../../src/arch/entry-layout.ts';
import type { Trace } from '../../src/machine/trace.ts';

const pae = (cr4: number): boolean => ((cr4 >>> CR4.PAE_BIT) & 1) === 1;

/** Null when QEMU can run the trace (after adaptation), else why not. */
export function unsupportedReason(trace: Trace): string | null {
  if (pae(trace.registers.cr4) && trace.steps.some((s) => s.op === 'mov-cr4' && !pae(s.value)))
    return 'the QEMU machine runs a trace in one paging mode (this PAE trace switches to 32-bit paging, CR4.PAE = 0)';
  if ((trace.stage2?.length ?? 0) > 0 || trace.steps.some((s) => s.op === 'map-stage2'))
    return 'the QEMU machine has no second stage of translation (this trace maps one)';
  return null;
}
