/**
 * Control-register bits the specification does not model and QEMU would act on: keep CR4.PSE, PAE and PGE
 * (SDM 4.10.4.1 names the ones whose change flushes the TLB) and EFER.NXE. Another CR4 bit would make QEMU
 * raise #GP (a feature the emulated CPU lacks) or change the rights (SMEP, SMAP, PKE), and EFER.LME would
 * enter IA-32e paging. CR0 is kept as it is: the guest adds PE and clears EM and TS itself, which changes
 * nothing the specification looks at.
 */
import { CR4, EFER } from '../../src/arch/entry-layout.ts';
import type { Step, Trace } from '../../src/machine/trace.ts';
import type { AdaptationCounts } from './adaptation-counts.ts';

const CR4_KEPT = ((1 << CR4.PSE_BIT) | (1 << CR4.PAE_BIT) | (1 << CR4.PGE_BIT)) >>> 0;
const EFER_KEPT = (1 << EFER.NXE_BIT) >>> 0;

export function normalizeControlBits(trace: Trace, counts: AdaptationCounts): Trace {
  const clears = (value: number, kept: number): boolean => (value & kept) >>> 0 !== value >>> 0;
  const { cr4, efer } = trace.registers;
  let cleared = (clears(cr4, CR4_KEPT) ? 1 : 0) + (clears(efer, EFER_KEPT) ? 1 : 0);
  for (const s of trace.steps) if (s.op === 'mov-cr4' && clears(s.value, CR4_KEPT)) cleared++;
  // Most traces set no other bit: they are kept as they are, without a copy of their steps.
  if (cleared === 0) return trace;
  const registers = { ...trace.registers, cr4: (cr4 & CR4_KEPT) >>> 0, efer: (efer & EFER_KEPT) >>> 0 };
  const steps = trace.steps.map((s): Step => (s.op === 'mov-cr4' ? { ...s, value: (s.value & CR4_KEPT) >>> 0 } : s));
  counts.add('control-bits-cleared', cleared);
  return { ...trace, registers, steps };
}
