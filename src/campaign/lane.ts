/**
 * A lane runs one job at a time for the campaign: in a worker thread (thread-lane.ts) or in the campaign's
 * own thread (here). A job that does not answer in time, or whose worker dies, comes back as `lost` rather
 * than as an exception, so a hanging or crashing user machine is a finding, never a harness crash.
 */
import { createJobExecutor, type ExecutorInit, type Job, type JobExecutor, type JobResult } from './job.ts';

/** `retry`: the job never started (it waited behind one that was lost) and must be run again. */
export type LostReason = 'timeout' | 'crash' | 'stopped' | 'retry';

export type LaneResult = JobResult | { readonly kind: 'lost'; readonly reason: LostReason; readonly message: string };

export interface Lane {
  /** How many jobs the lane takes at once (it runs them one after the other). */
  readonly depth: number;
  /** Prepares the lane (loads the machine and families); rejects if they cannot be loaded. */
  start(): Promise<void>;
  run(job: Job, timeoutMs: number): Promise<LaneResult>;
  /** Ends the lane; a job still running comes back as lost (stopped). */
  close(): Promise<void>;
}

/**
 * The lane of `workers: 0`: no thread start-up, used by replay and by quick library calls. A machine that
 * hangs synchronously cannot be interrupted here; one that never settles its promise is timed out.
 */
export class InProcessLane implements Lane {
  readonly depth = 1;
  private executor: JobExecutor | null = null;
  private abandon: ((r: LaneResult) => void) | null = null;

  constructor(private readonly init: ExecutorInit) {}

  async start(): Promise<void> {
    this.executor ??= await createJobExecutor(this.init);
  }

  async run(job: Job, timeoutMs: number): Promise<LaneResult> {
    await this.start();
    // A synchronous machine settles each job in microtasks only; without this turn of the event loop the
    // campaign's timers (the time budget, progress, a stop signal) would never fire between jobs.
    await new Promise((resolve) => setImmediate(resolve));
    const executor = this.executor as JobExecutor;
    let timer: NodeJS.Timeout | undefined;
    const lost = new Promise<LaneResult>((resolve) => {
      this.abandon = resolve;
      timer = setTimeout(() => resolve({ kind: 'lost', reason: 'timeout', message: `no answer within ${timeoutMs} ms` }), timeoutMs);
    });
    const done = executor.run(job).catch((error: unknown): LaneResult => ({ kind: 'lost', reason: 'crash', message: error instanceof Error ? error.message : String(error) }));
    try {
      return await Promise.race([done, lost]);
    } finally {
      clearTimeout(timer);
      this.abandon = null;
    }
  }

  async close(): Promise<void> {
    this.abandon?.({ kind: 'lost', reason: 'stopped', message: 'the campaign stopped' });
  }
}
