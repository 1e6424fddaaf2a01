/**
 * Load throughput of the patent variants beside the reference machine's, on the streams of
 * reference-mmu.ts: a TLB-hit stream (four hot pages) and a TLB-miss stream (4096 pages spread over
 * 64 GiB, visited so that every load misses the reference's 256-entry TLB, and the variants' TSB and
 * hashed table as well). Direct `load(va, 4, false)` calls on each machine's Processor.
 *
 * Each machine is measured in its own worker thread (variants-worker.mjs): the variants subclass the
 * reference processor, and measuring them in one isolate would make the reference's call sites
 * polymorphic and its figures depend on what ran before. `variantBenchmarks` returns every rate (the best
 * of a few interleaved rounds), and each variant's rates as a ratio of the reference's from the same run.
 */
import { Worker } from 'node:worker_threads';
import { PAGE_4K } from '../src/arch/entry-layout.ts';
import type { ProcessorFactory } from '../src/machine/processor.ts';
import { createReferenceProcessor } from '../models/reference/index.ts';
import { createHashedProcessor } from '../models/variants/hashed/index.ts';
import { createIntermediateProcessor } from '../models/variants/intermediate/index.ts';
import { createSharedTlbProcessor } from '../models/variants/shared-tlb/index.ts';
import { createTsbProcessor } from '../models/variants/tsb/index.ts';
import { keep, opsPerSecond, xorshift32 } from './benchmark.ts';
import { loadLoop, mappedStream } from './load-stream.ts';

const HIT_LOADS = 10_000_000;
const MISS_LOADS = 2_000_000;
const HOT_PAGES = 4;
const MISS_PAGES = 4096;
const ROUNDS = 3;

export const BENCHMARKED_MACHINES: Readonly<Record<string, ProcessorFactory>> = {
  reference: createReferenceProcessor,
  'variant:tsb': createTsbProcessor,
  'variant:hashed': createHashedProcessor,
  'variant:intermediate': createIntermediateProcessor,
  'variant:shared-tlb': createSharedTlbProcessor,
};

export interface LoadRates {
  readonly hit: number;
  readonly miss: number;
}

/** Measures one machine in this thread (the worker calls it). */
export function measureLoadRates(name: string): LoadRates {
  const factory = BENCHMARKED_MACHINES[name];
  if (factory === undefined) throw new Error(`no benchmarked machine ${name}`);
  const random = xorshift32(7);
  const hot = mappedStream(factory, HOT_PAGES, 1, () => (random() % (HOT_PAGES * PAGE_4K)) & ~3);
  const cold = mappedStream(factory, MISS_PAGES, 2, (i) => (i % MISS_PAGES) * PAGE_4K + ((i * 8) % PAGE_4K));
  const hit = opsPerSecond(HIT_LOADS, loadLoop(hot), 3);
  const miss = opsPerSecond(MISS_LOADS, loadLoop(cold), 3);
  keep(hit + miss);
  return { hit, miss };
}

function inWorker(name: string): Promise<LoadRates> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL('./variants-worker.mjs', import.meta.url), { workerData: { name }, execArgv: [] });
    worker.once('message', (rates: LoadRates) => {
      resolve(rates);
      void worker.terminate();
    });
    worker.once('error', reject);
  });
}

/**
 * Every machine's TLB-hit and TLB-miss loads/s, and each variant's as a ratio of the reference's:
 * keys `<machine> tlb-hit loads/s`, `<machine> tlb-miss loads/s`, `<variant> tlb-hit vs reference`,
 * `<variant> tlb-miss vs reference`.
 */
export async function variantBenchmarks(rounds = ROUNDS): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  const rates = new Map<string, LoadRates>();
  // Rounds interleave the machines, and each keeps its best: a busy moment hurts no machine alone.
  for (let round = 0; round < rounds; round++) {
    for (const name of Object.keys(BENCHMARKED_MACHINES)) {
      const r = await inWorker(name);
      const best = rates.get(name);
      rates.set(name, best === undefined ? r : { hit: Math.max(best.hit, r.hit), miss: Math.max(best.miss, r.miss) });
    }
  }
  const reference = rates.get('reference') as LoadRates;
  for (const [name, r] of rates) {
    out[`${name} tlb-hit loads/s`] = r.hit;
    out[`${name} tlb-miss loads/s`] = r.miss;
    if (name === 'reference') continue;
    out[`${name} tlb-hit vs reference`] = r.hit / reference.hit;
    out[`${name} tlb-miss vs reference`] = r.miss / reference.miss;
  }
  return out;
}
