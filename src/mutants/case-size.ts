/**
 * The size of a shrunk counterexample, as the benchmark reports it: how many steps a reader must follow,
 * and how many mappings they must keep in mind.
 *
 * For a walk-level trace: its steps, and the present leaf entries (PTEs, and PDEs with PS = 1) reachable
 * from the roots the trace loads (initial CR3 and every MOV to CR3) in its initial image. For a
 * space-level case: the calls, switch operations or probes it runs, and the paged spaces of its layout.
 */
import { BIT, PAE_CR3_PDPT_MASK, PAE_INDEX } from '../arch/entry-layout.ts';
import { bigIntFromHex } from '../arch/word.ts';
import type { Trace } from '../machine/trace.ts';

export interface CaseSize {
  readonly steps: number;
  readonly mappings: number;
}

const PRESENT = 1n << BigInt(BIT.P);
const PS = 1n << BigInt(BIT.PS);
/** Address bits 51..12 of an entry; the image holds no address above 2^52. */
const ADDRESS_FIELD = ((1n << 52n) - 1n) & ~0xfffn;

function isTrace(c: unknown): c is Trace {
  return typeof c === 'object' && c !== null && (c as { format?: unknown }).format === 'xlatcheck-trace';
}

/** Present leaves reachable from the trace's roots in its initial image, each counted once. */
export function traceMappings(trace: Trace): number {
  const words = new Map<number, bigint>(trace.memory.map((w) => [w.pa, bigIntFromHex(w.value)]));
  const read = (pa: number): bigint => words.get(pa) ?? 0n;
  const roots = new Set<number>([(trace.registers.cr3 & PAE_CR3_PDPT_MASK) >>> 0]);
  for (const step of trace.steps) if (step.op === 'mov-cr3') roots.add((step.value & PAE_CR3_PDPT_MASK) >>> 0);
  const leaves = new Set<number>();
  const directories = new Set<number>();
  for (const root of roots) {
    for (let i = 0; i < 4; i++) {
      const pdpte = read(root + i * PAE_INDEX.ENTRY_BYTES);
      if ((pdpte & PRESENT) !== 0n) directories.add(Number(pdpte & ADDRESS_FIELD));
    }
  }
  for (const directory of directories) {
    for (let i = 0; i < PAE_INDEX.ENTRIES_PER_TABLE; i++) {
      const pdeAddress = directory + i * PAE_INDEX.ENTRY_BYTES;
      const pde = read(pdeAddress);
      if ((pde & PRESENT) === 0n) continue;
      if ((pde & PS) !== 0n) {
        leaves.add(pdeAddress);
        continue;
      }
      const table = Number(pde & ADDRESS_FIELD);
      for (let j = 0; j < PAE_INDEX.ENTRIES_PER_TABLE; j++) {
        const pteAddress = table + j * PAE_INDEX.ENTRY_BYTES;
        if ((read(pteAddress) & PRESENT) !== 0n) leaves.add(pteAddress);
      }
    }
  }
  return leaves.size;
}

/** Steps and mappings of a space-level case, read from its shape (layout plus calls, ops or probes). */
function spaceCaseSize(c: Record<string, unknown>): CaseSize {
  const layout = c.layout as { spaces?: readonly unknown[] } | undefined;
  const mappings = Array.isArray(layout?.spaces) ? layout.spaces.length : 0;
  const program = c.program as { threads?: readonly (readonly unknown[])[] } | undefined;
  if (Array.isArray(program?.threads)) return { steps: program.threads.reduce((n, t) => n + t.length, 0), mappings };
  if (Array.isArray(c.ops)) return { steps: c.ops.length, mappings };
  if (Array.isArray(c.probes)) return { steps: c.probes.length, mappings };
  return { steps: 0, mappings };
}

/** The size of any family's case; an unknown shape counts as zero steps and zero mappings. */
export function caseSize(c: unknown): CaseSize {
  if (isTrace(c)) return { steps: c.steps.length, mappings: traceMappings(c) };
  if (typeof c === 'object' && c !== null) return spaceCaseSize(c as Record<string, unknown>);
  return { steps: 0, mappings: 0 };
}
