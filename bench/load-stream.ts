/**
 * The address streams the MMU benchmarks load from, shared by the reference machine's benchmark and the
 * variants' so both measure the same work: consecutive pages from 16 MiB mapped to distinct random frames
 * above 4 GiB, with data in every page, and a loop of 4-byte loads over a ring of addresses.
 */
import { PAGE_4K } from '../src/arch/entry-layout.ts';
import type { Processor, ProcessorOptions } from '../src/machine/processor.ts';
import { PaeTableBuilder } from '../models/reference/index.ts';
import { xorshift32 } from './benchmark.ts';

const PG = 0x80000000;
const PAE = 1 << 5;
const PHYSICAL_FRAMES = 2 ** 36 / PAGE_4K;
const ADDRESS_RING = 1 << 16;

export interface Stream<P extends Processor = Processor> {
  readonly cpu: P;
  /** Linear addresses to load from, used round-robin. */
  readonly addresses: Uint32Array;
}

/** Maps `pages` consecutive pages from 16 MiB up to distinct random frames above the first 4 GiB. */
export function mappedStream<P extends Processor>(
  factory: (options: ProcessorOptions) => P,
  pages: number,
  seed: number,
  order: (i: number) => number,
): Stream<P> {
  const random = xorshift32(seed);
  const builder = new PaeTableBuilder({ pdpt: 0x1000, tables: 0x100000 });
  const frames = new Set<number>();
  const base = 0x01000000;
  for (let p = 0; p < pages; p++) {
    let frame: number;
    do frame = 2 ** 20 + (random() % (PHYSICAL_FRAMES - 2 ** 20));
    while (frames.has(frame));
    frames.add(frame);
    builder.map4k(base + p * PAGE_4K, frame * PAGE_4K, { accessed: true });
  }
  const cpu = factory({ maxPhyAddr: 36 });
  builder.writeTo(cpu);
  cpu.movCr4(PAE);
  cpu.movCr3(builder.cr3);
  cpu.movCr0(PG);
  const addresses = new Uint32Array(ADDRESS_RING);
  for (let i = 0; i < ADDRESS_RING; i++) addresses[i] = base + order(i);
  // data in every page, so loads read allocated frames
  for (let p = 0; p < pages; p++) cpu.store(base + p * PAGE_4K, 4, p + 1, 0, false);
  return { cpu, addresses };
}

export function loadLoop(stream: Stream): (count: number) => number {
  const { cpu, addresses } = stream;
  const mask = addresses.length - 1;
  return (count) => {
    let sum = 0;
    for (let i = 0; i < count; i++) {
      cpu.load(addresses[i & mask]!, 4, false);
      sum = (sum + cpu.valueLo) | 0;
    }
    return sum;
  };
}
