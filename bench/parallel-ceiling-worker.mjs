// One thread of the parallel-ceiling probe (parallel-ceiling.ts): a fixed amount of work shaped like a
// campaign case (small objects, maps, arrays, strings), timed in the thread itself.
import { parentPort, workerData } from 'node:worker_threads';

function work(rounds) {
  let checksum = 0;
  for (let r = 0; r < rounds; r++) {
    const map = new Map();
    const list = [];
    for (let i = 0; i < 200; i++) {
      const entry = { pa: i * 4096 + r, value: (i * 2654435761) >>> 0, tag: `w${i}` };
      map.set(entry.pa, entry);
      list.push(entry);
    }
    for (const e of list) checksum = (checksum + (map.get(e.pa)?.value ?? 0)) >>> 0;
  }
  return checksum;
}

const start = performance.now();
const checksum = work(workerData.rounds);
parentPort.postMessage({ ms: performance.now() - start, checksum });
