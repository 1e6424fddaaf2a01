/**
 * What two threads get out of this machine at all: the same fixed work, shaped like a campaign case
 * (small objects, maps, strings, so the garbage collector works too), on one thread and then on two at
 * once. The ratio of throughputs is the most a 2-worker campaign can gain here: on two cores shared with
 * a hypervisor's other guests, or two hyperthreads of one core, it is well below 2, and the campaign's own
 * speed-up is read against it.
 */
import { Worker } from 'node:worker_threads';

const ROUNDS = 6000;
const ENTRY = new URL('./parallel-ceiling-worker.mjs', import.meta.url);

function thread(): Promise<number> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(ENTRY, { workerData: { rounds: ROUNDS } });
    worker.once('message', (m: { ms: number }) => resolve(m.ms));
    worker.once('error', reject);
  });
}

/** Throughput of two threads over one; best of three rounds, since other load only ever lowers it. */
export async function parallelCeiling(): Promise<number> {
  let best = 0;
  for (let round = 0; round < 3; round++) {
    const one = await thread();
    const two = await Promise.all([thread(), thread()]);
    best = Math.max(best, (2 * one) / Math.max(...two));
  }
  return best;
}
