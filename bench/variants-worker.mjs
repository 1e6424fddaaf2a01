// A worker thread of the variant benchmark: registers tsx, measures one machine's load rates in a fresh
// isolate (so one machine's classes never make another's call sites polymorphic), posts them back.
import { parentPort, workerData } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

register();
const { measureLoadRates } = await import('./variants.ts');
parentPort.postMessage(measureLoadRates(workerData.name));
