/**
 * Resident memory of the reference machine after a trace that touches frames spread over all 64 GiB:
 * 20,000 4 KiB pages mapped to distinct random frames, one store into each, run through the batch
 * Machine contract (`referenceMachine.run`), the result kept alive while measuring.
 */
import { PAGE_4K } from '../src/arch/entry-layout.ts';
import { hexFromHalves } from '../src/arch/word.ts';
import { type Step, type Trace, TRACE_FORMAT, TRACE_VERSION } from '../src/machine/trace.ts';
import { PaeTableBuilder, referenceMachine } from '../models/reference/index.ts';
import { type Benchmark, measurement, xorshift32 } from './benchmark.ts';

const FRAMES = 20_000;
const PHYSICAL_FRAMES = 2 ** 36 / PAGE_4K;
const MiB = 2 ** 20;

export function spreadTrace(frames: number, seed: number): Trace {
  const random = xorshift32(seed);
  const builder = new PaeTableBuilder({ pdpt: 0x1000, tables: 0x100000 });
  const used = new Set<number>();
  const steps: Step[] = [];
  const base = 0x01000000;
  for (let p = 0; p < frames; p++) {
    let frame: number;
    do frame = 2 ** 10 + (random() % (PHYSICAL_FRAMES - 2 ** 10));
    while (used.has(frame));
    used.add(frame);
    const va = base + p * PAGE_4K;
    builder.map4k(va, frame * PAGE_4K);
    steps.push({ op: 'store', va: va + ((p * 8) % PAGE_4K), size: 8, value: hexFromHalves(p + 1, p), user: false });
  }
  return {
    format: TRACE_FORMAT,
    version: TRACE_VERSION,
    maxPhyAddr: 36,
    registers: { cr0: 0x80000000, cr3: builder.cr3, cr4: 1 << 5, efer: 0 },
    memory: builder.memory(),
    steps,
  };
}

export const sparseMemoryBenchmark: Benchmark = {
  name: 'sparse-memory',
  description: `resident memory after a trace touching ${FRAMES} frames spread over 64 GiB`,
  async run() {
    const before = process.memoryUsage().rss;
    const trace = spreadTrace(FRAMES, 3);
    const result = await referenceMachine.run(trace);
    const rss = process.memoryUsage().rss;
    const highest = result.memory.reduce((max, w) => Math.max(max, w.pa), 0);
    return [
      measurement('frames touched', FRAMES, 'frames'),
      measurement('highest physical address written', highest / 2 ** 30, 'GiB'),
      measurement('words in final memory', result.memory.length, 'words'),
      measurement('rss before the trace', before / MiB, 'MiB'),
      measurement('rss after the trace', rss / MiB, 'MiB', { kind: 'max', value: 300 }),
    ];
  },
};
