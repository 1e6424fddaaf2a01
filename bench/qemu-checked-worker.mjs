// A worker thread of the QEMU benchmark's checked figure: registers tsx, then runs its share of the traces
// on its own QEMU, comparing each batch with the specification while QEMU runs the next (bench/qemu.ts).
import { parentPort, workerData } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

register();
const { checkedShare } = await import('./qemu-checked.ts');
await checkedShare(workerData, parentPort);
