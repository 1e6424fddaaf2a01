/**
 * From the guest's result records to the contract's observations, and to the final memory. Anything the
 * contract cannot express (an exception other than #PF or #GP, a step that never ran, a fetch the guest
 * could not probe) is a machine error with a readable reason, never a made-up observation.
 */
import { PAGE_4K, VECTOR_GENERAL_PROTECTION, VECTOR_PAGE_FAULT } from '../../src/arch/entry-layout.ts';
import { formatStep, hex32 } from '../../src/machine/format.ts';
import type { BatchOutcome } from '../../src/machine/machine.ts';
import type { Observation } from '../../src/machine/observation.ts';
import type { MemoryWord, Step, Trace } from '../../src/machine/trace.ts';
import { hexFromHalves } from '../../src/arch/word.ts';
import { RESULT_KIND } from './guest-abi.ts';
import { type RawResult, resultAt, resultKind, type TraceReadout, wordCount, wordHi, wordLo, wordPa } from './batch-layout.ts';


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
  switch (r.kind) {
    case RESULT_KIND.done:
      return { kind: 'done' };
    case RESULT_KIND.value:
      return { kind: 'value', value: hexFromHalves(r.lo, r.hi) };
    case RESULT_KIND.exception:
    case RESULT_KIND.probeException:
      if (r.vector === VECTOR_PAGE_FAULT) return { kind: 'page-fault', errorCode: r.lo, cr2: fetchFaultAddress(step, r) };
      if (r.vector === VECTOR_GENERAL_PROTECTION) return { kind: 'general-protection' };
  }
  return machineError(step, r, index);
}

/** Why a result record is no observation (only worked out for the record that stops the decoding). */
function machineError(step: Step, r: RawResult, index: number): string {
  const where = `step ${index} (${formatStep(step).replace(/\s+/g, ' ')})`;
  switch (r.kind) {
    case RESULT_KIND.exception:
    case RESULT_KIND.probeException:
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

/**
 * `image` is the trace's image as written for the guest (batch-layout.ts): a final word equal to the
 * image word at its address keeps the image's hex string, so only changed words are formatted.
 */
export function decodeTrace(trace: Trace, readout: TraceReadout, image?: Uint32Array): BatchOutcome {
  if (readout.initFault !== 0)
    return { result: null, error: `QEMU refused the trace's initial control registers with ${vectorName(readout.initFault & 0xff)}` };
  const observations: Observation[] = [];
  const results = readout.results;
  for (let i = 0; i < trace.steps.length; i++) {
    // Most steps are done and nothing more: their record is not read whole.
    const o = resultKind(results, i) === RESULT_KIND.done ? { kind: 'done' as const } : observation(trace.steps[i] as Step, resultAt(results, i), i);
    if (typeof o === 'string') return { result: null, error: o };
    observations.push(o);
  }
  return { result: { observations, memory: finalMemory(trace, readout.words, image) }, error: null };
}

function finalMemory(trace: Trace, words: Uint32Array, image: Uint32Array | undefined): MemoryWord[] {
  const count = wordCount(words);
  const memory: MemoryWord[] = new Array<MemoryWord>(count);
  // Image words, walked alongside the final words (which the guest writes in address order). A word taken
  // from the image has the final word's address and value and is written the canonical way, so it is
  // right whatever the image's order; an image out of order only finds fewer of them.
  const merge = image !== undefined;
  const initial = trace.memory;
  let j = 0;
  let sorted = true;
  let previous = -1;
  for (let k = 0; k < count; k++) {
    const pa = wordPa(words, k);
    const lo = wordLo(words, k);
    const hi = wordHi(words, k);
    if (pa < previous) sorted = false;
    previous = pa;
    let same: MemoryWord | undefined;
    if (merge) {
      while (j < initial.length && (initial[j] as MemoryWord).pa < pa) j++;
      const w = initial[j];
      if (w !== undefined && w.pa === pa && wordLo(image, j) === lo && wordHi(image, j) === hi && w.value.length === canonicalLength(lo, hi)) same = w;
    }
    // A word the trace left as its image gave it is that image word (words are immutable).
    memory[k] = same ?? { pa, value: hexFromHalves(lo, hi) };
  }
  // The guest reads the pages back in ascending order, so the words come sorted; sort only if not.
  if (!sorted) memory.sort((a, b) => a.pa - b.pa);
  return memory;
}

/**
 * The length of the hex form hexFromHalves writes: "0x" and no leading zero digit. A value of the same
 * number written with this length is written the same way (read without flattening the string).
 */
function canonicalLength(lo: number, hi: number): number {
  return 2 + (hi === 0 ? hexDigits(lo) : 8 + hexDigits(hi));
}

function hexDigits(x: number): number {
  return x === 0 ? 1 : ((31 - Math.clz32(x)) >> 2) + 1;
}
