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
  const startsPae = pae(trace.registers.cr4);
  let leavesPae = false;
  let mapsStage2 = (trace.stage2?.length ?? 0) > 0;
  for (const s of trace.steps) {
    if (s.op === 'mov-cr4' && startsPae && !pae(s.value)) leavesPae = true;
    else if (s.op === 'map-stage2') mapsStage2 = true;
  }
  if (leavesPae) return 'the QEMU machine runs a trace in one paging mode (this PAE trace switches to 32-bit paging, CR4.PAE = 0)';
  if (mapsStage2) return 'the QEMU machine has no second stage of translation (this trace maps one)';
  return null;
}
