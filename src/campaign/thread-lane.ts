/**
 * A lane backed by a worker thread. A job that overruns its time is abandoned by terminating the worker
 * (the only way to stop a machine stuck in a loop); the next job starts a fresh one.
 */
import { Worker } from 'node:worker_threads';
import type { ExecutorInit, Job, JobResult } from './job.ts';
import type { Lane, LaneResult } from './lane.ts';
import type { FromWorker, ToWorker } from './worker.ts';

const ENTRY = new URL('./worker-entry.mjs', import.meta.url);

interface Pending {
  readonly id: number;
  readonly settle: (r: LaneResult) => void;
}

export class ThreadLane implements Lane {
  private worker: Promise<Worker> | null = null;
  private pending: Pending | null = null;
  private nextId = 0;

  constructor(private readonly init: ExecutorInit) {}

  async start(): Promise<void> {
    await this.ensureWorker();
  }

  private ensureWorker(): Promise<Worker> {
    this.worker ??= this.spawn();
    return this.worker;
  }

  private spawn(): Promise<Worker> {
    // execArgv [] keeps the parent's loader flags out: the entry registers tsx itself.
    const worker = new Worker(ENTRY, { workerData: this.init, execArgv: [] });
    return new Promise((resolve, reject) => {
      worker.on('message', (m: FromWorker) => {
        if (m.kind === 'ready') resolve(worker);
        else if (m.kind === 'init-error') {
          reject(new Error(m.message));
          void worker.terminate();
        } else this.answer(m);
      });
      worker.on('error', (error) => {
        reject(error);
        this.lose(worker, { kind: 'lost', reason: 'crash', message: `the worker died: ${error.message}` });
      });
      worker.on('exit', (code) => {
        reject(new Error(`the worker exited with code ${code} before it was ready`));
        this.lose(worker, { kind: 'lost', reason: 'crash', message: `the worker exited with code ${code}` });
      });
    });
  }

  private answer(m: Extract<FromWorker, { kind: 'result' | 'job-error' }>): void {
    const p = this.pending;
    if (p === null || p.id !== m.id) return;
    p.settle(m.kind === 'result' ? (m.result as JobResult) : { kind: 'lost', reason: 'crash', message: m.message });
  }

  /** Settles the running job with `result` and forgets the worker, if `worker` is still this lane's. */
  private lose(worker: Worker, result: LaneResult): void {
    void this.worker?.then((current) => {
      if (current !== worker) return;
      this.worker = null;
      this.pending?.settle(result);
    }, () => undefined);
  }

  async run(job: Job, timeoutMs: number): Promise<LaneResult> {
    const worker = await this.ensureWorker();
    const id = ++this.nextId;
    return new Promise<LaneResult>((resolve) => {
      const timer = setTimeout(() => {
        this.pending?.settle({ kind: 'lost', reason: 'timeout', message: `no answer within ${timeoutMs} ms` });
        this.worker = null;
        void worker.terminate();
      }, timeoutMs);
      this.pending = {
        id,
        settle: (r) => {
          clearTimeout(timer);
          this.pending = null;
          resolve(r);
        },
      };
      worker.postMessage({ id, job } satisfies ToWorker);
    });
  }

  async close(): Promise<void> {
    this.pending?.settle({ kind: 'lost', reason: 'stopped', message: 'the campaign stopped' });
    const worker = this.worker;
    this.worker = null;
    if (worker !== null) await worker.then((w) => w.terminate(), () => undefined);
  }
}
