/**
 * A campaign worker thread: builds a job executor from workerData, says it is ready, then runs the jobs it
 * is sent one at a time, in order (a machine need not be reentrant). It says when it starts each job, so
 * the campaign times the job itself and not its wait in the queue.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { createJobExecutor, type ExecutorInit, type Job, type JobExecutor } from './job.ts';

export type ToWorker = { readonly id: number; readonly job: Job };
export type FromWorker =
  | { readonly kind: 'ready' }
  | { readonly kind: 'init-error'; readonly message: string }
  | { readonly kind: 'started'; readonly id: number }
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

async function run(message: ToWorker): Promise<void> {
  port?.postMessage({ kind: 'started', id: message.id } satisfies FromWorker);
  try {
    const result = await executor(message.job);
    port?.postMessage({ kind: 'result', id: message.id, result } satisfies FromWorker);
  } catch (error) {
    port?.postMessage({ kind: 'job-error', id: message.id, message: messageOf(error) } satisfies FromWorker);
  }
}

let queue = Promise.resolve();
port.on('message', (message: ToWorker) => {
  queue = queue.then(() => run(message));
});
