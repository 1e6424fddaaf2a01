/**
 * A lane backed by a worker thread. It keeps up to DEPTH jobs at the worker, so the worker starts the next
 * job as soon as it finishes one instead of waiting for the campaign's thread to answer. A job is timed
 * from the moment the worker starts it; one that overruns is abandoned by terminating the worker (the only
 * way to stop a machine stuck in a loop), and the jobs queued behind it come back as `retry`. The next job
 * starts a fresh worker.
 */
import { Worker } from 'node:worker_threads';
import type { ExecutorInit, Job, JobResult } from './job.ts';
import type { Lane, LaneResult } from './lane.ts';
import type { FromWorker, ToWorker } from './worker.ts';

const ENTRY = new URL('./worker-entry.mjs', import.meta.url);

interface Pending {
  readonly settle: (r: LaneResult) => void;
  readonly timeoutMs: number;
  timer: NodeJS.Timeout | null;
}

export class ThreadLane implements Lane {
  /** Jobs in flight per worker by default: one running, one waiting. */
  static readonly DEFAULT_DEPTH = 2;
  private worker: Promise<Worker> | null = null;
  private readonly pending = new Map<number, Pending>();
  private nextId = 0;

  /** `depth`: jobs in flight at the worker (more let a batching machine run them together). */
  constructor(
    private readonly init: ExecutorInit,
    readonly depth: number = ThreadLane.DEFAULT_DEPTH,
  ) {}

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
      worker.on('message', (m: FromWorker) => this.onMessage(worker, m, resolve, reject));
      worker.on('error', (error) => {
        reject(error);
        this.lose(worker, 'crash', `the worker died: ${error.message}`);
      });
      worker.on('exit', (code) => {
        reject(new Error(`the worker exited with code ${code} before it was ready`));
        this.lose(worker, 'crash', `the worker exited with code ${code}`);
      });
    });
  }

  private onMessage(worker: Worker, m: FromWorker, ready: (w: Worker) => void, failed: (e: Error) => void): void {
    switch (m.kind) {
      case 'ready':
        return ready(worker);
      case 'init-error':
        failed(new Error(m.message));
        void worker.terminate();
        return;
      case 'started': {
        const p = this.pending.get(m.id);
        if (p !== undefined) p.timer = setTimeout(() => this.timeOut(worker, p.timeoutMs), p.timeoutMs);
        return;
      }
      case 'result':
        return this.settle(m.id, m.result as JobResult);
      case 'job-error':
        return this.settle(m.id, { kind: 'lost', reason: 'crash', message: m.message });
    }
  }

  private settle(id: number, result: LaneResult): void {
    const p = this.pending.get(id);
    if (p === undefined) return;
    if (p.timer !== null) clearTimeout(p.timer);
    this.pending.delete(id);
    p.settle(result);
  }

  /** The running job (the one whose timer runs) gets `reason`; the jobs queued behind it are retried. */
  private settleAll(reason: 'timeout' | 'crash' | 'stopped', message: string): void {
    for (const [id, p] of [...this.pending.entries()]) {
      const started = p.timer !== null;
      this.settle(id, { kind: 'lost', reason: started || reason === 'stopped' ? reason : 'retry', message });
    }
  }

  private timeOut(worker: Worker, timeoutMs: number): void {
    this.worker = null;
    this.settleAll('timeout', `no answer within ${timeoutMs} ms`);
    void worker.terminate();
  }

  /** Forgets a worker that died, if it is still this lane's. */
  private lose(worker: Worker, reason: 'crash', message: string): void {
    void this.worker?.then((current) => {
      if (current !== worker) return;
      this.worker = null;
      this.settleAll(reason, message);
    }, () => undefined);
  }

  async run(job: Job, timeoutMs: number): Promise<LaneResult> {
    const worker = await this.ensureWorker();
    const id = ++this.nextId;
    return new Promise<LaneResult>((resolve) => {
      this.pending.set(id, { settle: resolve, timeoutMs, timer: null });
      worker.postMessage({ id, job } satisfies ToWorker);
    });
  }

  async close(): Promise<void> {
    this.settleAll('stopped', 'the campaign stopped');
    const worker = this.worker;
    this.worker = null;
    if (worker !== null) await worker.then((w) => w.terminate(), () => undefined);
  }
}
