/**
 * From the guest's result records to the contract's observations, and to the final memory. Anything the
 * contract cannot express (an exception other than #PF or #GP, a step that never ran, a fetch the guest
 * could not probe) is a machine error with a readable reason, never a made-up observation.
 */
import { PAGE_4K, VECTOR_GENERAL_PROTECTION, VECTOR_PAGE_FAULT } from '../../src/arch/entry-layout.ts';
import { hexFromHalves } from '../../src/arch/word.ts';
import { formatStep, hex32 } from '../../src/machine/format.ts';
import type { BatchOutcome } from '../../src/machine/machine.ts';
import type { Observation } from '../../src/machine/observation.ts';
import type { Step, Trace } from '../../src/machine/trace.ts';
import { RESULT_KIND } from './guest-abi.ts';
import type { RawResult, TraceReadout } from './batch-layout.ts';


const VECTOR_NAMES: Readonly<Record<number, string>> = { 0: '#DE', 1: '#DB', 3: '#BP', 6: '#UD', 7: '#NM', 8: '#DF', 13: '#GP', 14: '#PF', 17: '#AC' };

function vectorName(v: number): string {
  return `${VECTOR_NAMES[v] ?? 'exception'} (vector ${v})`;
}

/**
 * The fetch probe ran at some byte of the faulting page (guest.asm, fetch); the fetch itself would have
 * faulted at its first byte in that page (SDM 4.7: CR2 is the linear address that caused the fault).
 * A CR2 other than the probe address is reported as QEMU gave it.
 */
function fetchFaultAddress(step: Step, r: RawResult): number {
  if (step.op !== 'fetch' || r.hi !== r.extra) return r.hi;
  const page = r.extra - (r.extra % PAGE_4K);
  return page === step.va - (step.va % PAGE_4K) ? step.va : page;
}

function observation(step: Step, r: RawResult, index: number): Observation | string {
  const where = `step ${index} (${formatStep(step).replace(/\s+/g, ' ')})`;
  switch (r.kind) {
    case RESULT_KIND.done:
      return { kind: 'done' };
    case RESULT_KIND.value:
      return { kind: 'value', value: hexFromHalves(r.lo, r.hi) };
    case RESULT_KIND.exception:
    case RESULT_KIND.probeException:
      if (r.vector === VECTOR_PAGE_FAULT) return { kind: 'page-fault', errorCode: r.lo, cr2: fetchFaultAddress(step, r) };
      if (r.vector === VECTOR_GENERAL_PROTECTION) return { kind: 'general-protection' };
      return r.kind === RESULT_KIND.probeException
        ? `${where}: the fetch probe at ${hex32(r.extra)} raised ${vectorName(r.vector)}, which a fetch cannot`
        : `${where} raised ${vectorName(r.vector)} (error code ${hex32(r.lo)}, eip ${hex32(r.extra)}), which the contract has no observation for`;
    case RESULT_KIND.unprobeable:
      return `${where}: no byte of the page at ${hex32(r.extra)} is a harmless instruction, so the guest could not probe the fetch`;
    case RESULT_KIND.none:
      return `${where} never ran`;
    default:
      return `${where}: the guest wrote an unknown result kind ${r.kind}`;
  }
}

export function decodeTrace(trace: Trace, readout: TraceReadout): BatchOutcome {
  if (readout.initFault !== 0)
    return { result: null, error: `QEMU refused the trace's initial control registers with ${vectorName(readout.initFault & 0xff)}` };
  const observations: Observation[] = [];
  for (let i = 0; i < trace.steps.length; i++) {
    const o = observation(trace.steps[i] as Step, readout.results[i] as RawResult, i);
    if (typeof o === 'string') return { result: null, error: o };
    observations.push(o);
  }
  const memory = readout.words
    .map((w) => ({ pa: w.pa, value: hexFromHalves(w.lo, w.hi) }))
    .sort((a, b) => a.pa - b.pa);
  return { result: { observations, memory }, error: null };
}
