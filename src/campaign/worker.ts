/**
 * A campaign worker thread: builds a job executor from workerData, says it is ready, then answers each
 * job message with its result. Jobs arrive one at a time per worker.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { createJobExecutor, type ExecutorInit, type Job, type JobExecutor } from './job.ts';

export type ToWorker = { readonly id: number; readonly job: Job };
export type FromWorker =
  | { readonly kind: 'ready' }
  | { readonly kind: 'init-error'; readonly message: string }
  | { readonly kind: 'result'; readonly id: number; readonly result: unknown }
  | { readonly kind: 'job-error'; readonly id: number; readonly message: string };

const port = parentPort;
if (port === null) throw new Error('internal: worker.ts runs only as a worker thread');

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

let executor: JobExecutor;
try {
  executor = await createJobExecutor(workerData as ExecutorInit);
  port.postMessage({ kind: 'ready' } satisfies FromWorker);
} catch (error) {
  port.postMessage({ kind: 'init-error', message: messageOf(error) } satisfies FromWorker);
}

port.on('message', (message: ToWorker) => {
  executor(message.job).then(
    (result) => port.postMessage({ kind: 'result', id: message.id, result } satisfies FromWorker),
    (error: unknown) => port.postMessage({ kind: 'job-error', id: message.id, message: messageOf(error) } satisfies FromWorker),
  );
});
