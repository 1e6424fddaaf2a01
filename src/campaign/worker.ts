/**
 * A campaign worker thread: builds a job executor from workerData, says it is ready, then runs the jobs it
 * is sent one at a time, in order (a machine need not be reentrant). It says when it starts each job, so
 * the campaign times the job itself and not its wait in the queue. On a machine that runs batches, the
 * machine part of the jobs waiting in the queue runs ahead in one batch (job.ts, prefetch).
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
    await prefetchFrom(message);
    const result = await executor.run(message.job);
    port?.postMessage({ kind: 'result', id: message.id, result } satisfies FromWorker);
  } catch (error) {
    port?.postMessage({ kind: 'job-error', id: message.id, message: messageOf(error) } satisfies FromWorker);
  }
}

/** Jobs received and not yet started, in order. */
const waiting: ToWorker[] = [];
/** Jobs whose machine part already ran in a batch. */
const prefetched = new Set<number>();

/**
 * Before a job that was not prefetched, runs it and every job waiting behind it in one batch (inside the
 * job's own time, so the batch counts against its timeout). Jobs arrive as earlier ones finish, so each
 * batch takes what queued up meanwhile: about the lane's depth.
 */
async function prefetchFrom(message: ToWorker): Promise<void> {
  if (prefetched.delete(message.id)) return;
  const batch = [message, ...waiting.filter((m) => !prefetched.has(m.id))];
  for (const m of batch) if (m !== message) prefetched.add(m.id);
  await executor.prefetch(batch.map((m) => m.job));
}

let running = false;

async function drain(): Promise<void> {
  running = true;
  for (let next = waiting.shift(); next !== undefined; next = waiting.shift()) await run(next);
  running = false;
}

port.on('message', (message: ToWorker) => {
  waiting.push(message);
  // After this turn: the other messages posted with this one arrive first and join its batch.
  if (!running) {
    running = true;
    setImmediate(() => void drain());
  }
});
