/**
 * Load throughput of the reference processor, direct `load(va, 4, false)` calls:
 *
 * - TLB-hit stream: a few pages, many loads; compared with a loop of Map.get over the same addresses
 *   (a Map keyed by page number), the cheapest lookup a JavaScript MMU could do instead of a TLB.
 * - TLB-miss stream: 4096 4 KiB mappings to frames spread over 64 GiB, visited in an order that always
 *   misses a 256-entry TLB, so every load is a full walk over sparse RAM.
 */
import { PAGE_4K } from '../src/arch/entry-layout.ts';
import { createReferenceProcessor, type ReferenceProcessor } from '../models/reference/index.ts';
import { type Benchmark, keep, measurement, opsPerSecond, xorshift32 } from './benchmark.ts';
import { loadLoop, mappedStream, type Stream } from './load-stream.ts';

const LOADS = 20_000_000;
const MISS_LOADS = 4_000_000;
const HOT_PAGES = 4;
const MISS_PAGES = 4096;

/** The baseline: Map.get by page number over the same addresses. */
function mapLoop(stream: Stream): (count: number) => number {
  const { addresses } = stream;
  const mask = addresses.length - 1;
  const pages = new Map<number, number>();
  for (const va of addresses) pages.set(va >>> 12, (va >>> 12) + 1);
  return (count) => {
    let sum = 0;
    for (let i = 0; i < count; i++) sum = (sum + (pages.get(addresses[i & mask]! >>> 12) ?? 0)) | 0;
    return sum;
  };
}

/** Fraction of the stream's loads that find their translation in the TLB (measured, not timed). */
function hitRate(stream: Stream<ReferenceProcessor>): number {
  const { cpu, addresses } = stream;
  let hits = 0;
  for (const va of addresses) {
    if (cpu.tlb.lookupSmall(va) >= 0) hits++;
    cpu.load(va, 4, false);
  }
  return hits / addresses.length;
}

export const referenceMmuBenchmark: Benchmark = {
  name: 'reference-mmu',
  description: 'loads/s of the reference processor on TLB-hit and TLB-miss streams, against Map.get',
  run() {
    const random = xorshift32(7);
    const hot = mappedStream(createReferenceProcessor, HOT_PAGES, 1, () => (random() % (HOT_PAGES * PAGE_4K)) & ~3);
    // page i of the ring is page (i mod 4096): each TLB set sees 64 pages in turn, more than its ways
    const cold = mappedStream(createReferenceProcessor, MISS_PAGES, 2, (i) => (i % MISS_PAGES) * PAGE_4K + ((i * 8) % PAGE_4K));

    const hitLoads = opsPerSecond(LOADS, loadLoop(hot));
    const hitMap = opsPerSecond(LOADS, mapLoop(hot));
    const missLoads = opsPerSecond(MISS_LOADS, loadLoop(cold));
    const missMap = opsPerSecond(MISS_LOADS, mapLoop(cold));
    keep(hitRate(hot));
    return [
      measurement('tlb-hit loads/s', hitLoads, 'loads/s'),
      measurement('tlb-hit Map.get/s (baseline)', hitMap, 'gets/s'),
      measurement('tlb-hit ratio (loads / Map.get)', hitLoads / hitMap, 'x', { kind: 'min', value: 0.5 }),
      measurement('tlb-hit stream hit rate', hitRate(hot), 'fraction'),
      measurement('tlb-miss loads/s', missLoads, 'loads/s', { kind: 'min', value: 5e6 }),
      measurement('tlb-miss Map.get/s (baseline)', missMap, 'gets/s'),
      measurement('tlb-miss ratio (loads / Map.get)', missLoads / missMap, 'x'),
      measurement('tlb-miss stream hit rate', hitRate(cold), 'fraction', { kind: 'max', value: 0 }),
    ];
  },
};
