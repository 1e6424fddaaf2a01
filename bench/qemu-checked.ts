/**
 * qemu.checked-accesses-per-second as a campaign gets it: one worker thread per QEMU, each running its
 * share of the traces in batches and comparing a finished batch with the specification while its QEMU
 * runs the next. Compared in one thread after every batch had run, the figure left a core idle for most
 * of the comparison and the QEMUs idle for all of it.
 *
 * The clock starts when both workers have loaded their code, generated their traces and warmed up, and
 * stops when the last comparison ends: it covers adapting, staging, QEMU, reading back and the
 * specification. The warm-up runs other traces of the same kind through the same pipeline and the same
 * QEMU first, as the first minute of a campaign does: a figure taken from cold threads measured mostly
 * V8 compiling the code (about three quarters of the workers' CPU, measured), not checking accesses.
 */
import { Worker, type MessagePort } from 'node:worker_threads';
import { QemuMachine } from '../models/qemu/index.ts';
import { compare, type Comparison } from '../src/machine/check.ts';
import { isAccessStep, type Step, type Trace } from '../src/machine/trace.ts';
import { cpuAccount, type CpuSpent } from './cpu-account.ts';
import { peakResidentMb } from './qemu-resident.ts';
import { BENCH_SEED, sampleTraces } from './qemu-traces.ts';

/** What one worker checked and where its time went (milliseconds of its own wall time). */
export interface CheckedShare {
  /** Accesses the comparison judged (checkedAccesses). */
  readonly accesses: number;
  /** Accesses QEMU ran, judged or not. */
  readonly executed: number;
  readonly adaptMs: number;
  /** Waiting for QEMU's batch after the previous comparison ended. */
  readonly waitMs: number;
  readonly compareMs: number;
  readonly residentMb: number;
  readonly errors: number;
}

export interface CheckedWork {
  readonly worker: number;
  readonly workers: number;
  readonly count: number;
  readonly maxSteps: number;
  readonly tracesPerBoot: number;
  /** Traces (for all workers together) run before the clock starts. */
  readonly warmUp: number;
}

const ms = (start: number): number => performance.now() - start;

const accessesIn = (steps: readonly Step[]): number => steps.filter(isAccessStep).length;

/**
 * The accesses of a trace that the comparison judged: all of them, unless an observation diverged, after
 * which the specification is not followed any further (a finding is its first divergence), or the
 * comparison was inconclusive, whose steps after the cut to MAX_STATES states could not have given a
 * finding. The benchmark's traces nearly all meet a known QEMU deviation (252 of 256, 100 of them at a
 * step), so counting every access QEMU ran overstated the figure by 70%; one is inconclusive.
 */
export function checkedAccesses(trace: Trace, verdict: Pick<Comparison, 'divergence' | 'inconclusive' | 'boundedAfter'>): number {
  const { divergence, inconclusive, boundedAfter } = verdict;
  const at = divergence?.kind === 'observation' ? divergence.stepIndex : inconclusive ? boundedAfter : null;
  return accessesIn(at === null ? trace.steps : trace.steps.slice(0, at + 1));
}

async function checkShare(machine: QemuMachine, traces: readonly Trace[], tracesPerBoot: number): Promise<Omit<CheckedShare, 'residentMb'>> {
  let t = performance.now();
  const adapted = traces.map((x) => machine.adapt(x).trace);
  const adaptMs = ms(t);
  const groups: Trace[][] = [];
  for (let i = 0; i < adapted.length; i += tracesPerBoot) groups.push(adapted.slice(i, i + tracesPerBoot));
  let waitMs = 0;
  let compareMs = 0;
  let errors = 0;
  let accesses = 0;
  let running = groups.length > 0 ? machine.runBatch(groups[0] as Trace[]) : null;
  for (let g = 0; g < groups.length && running !== null; g++) {
    t = performance.now();
    const outcomes = await running;
    waitMs += ms(t);
    running = g + 1 < groups.length ? machine.runBatch(groups[g + 1] as Trace[]) : null;
    t = performance.now();
    outcomes.forEach((o, i) => {
      const trace = (groups[g] as Trace[])[i] as Trace;
      if (o.result === null) errors++;
      else accesses += checkedAccesses(trace, compare(trace, o.result));
    });
    compareMs += ms(t);
  }
  const executed = adapted.reduce((n, x) => n + accessesIn(x.steps), 0);
  return { accesses, executed, adaptMs, waitMs, compareMs, errors };
}

/** Of the traces sampled for all workers, this worker's share. */
function shareOf(work: CheckedWork, count: number, seed: number): Trace[] {
  return sampleTraces('translation', count, work.maxSteps, 'large', seed).filter((_, i) => i % work.workers === work.worker);
}

/**
 * Worker side: generate this worker's traces, warm up on other traces, say ready, wait for the start,
 * check, post the figures.
 */
export async function checkedShare(work: CheckedWork, port: MessagePort | null): Promise<void> {
  const mine = shareOf(work, work.count, BENCH_SEED);
  const machine = new QemuMachine({ processes: 1, tracesPerBoot: work.tracesPerBoot });
  try {
    await checkShare(machine, shareOf(work, work.warmUp, BENCH_SEED + 1), work.tracesPerBoot);
    port?.postMessage({ kind: 'ready' });
    await new Promise((resolve) => port?.once('message', resolve));
    const { value, mb } = await peakResidentMb(() => checkShare(machine, mine, work.tracesPerBoot));
    port?.postMessage({ kind: 'done', share: { ...value, residentMb: mb } satisfies CheckedShare });
  } finally {
    machine.close();
  }
}

/** The checked figure, the executed one beside it, each worker's split, and the CPU the clocked part took. */
export interface CheckedRates {
  readonly rate: number;
  readonly executedRate: number;
  readonly shares: CheckedShare[];
  /** CPU over the clocked part: this process (the workers, adapting, driving, comparing) and the machine. */
  readonly cpu: CpuSpent;
  /** The accesses judged, all workers together (what cpu is divided by per access). */
  readonly accesses: number;
}

/**
 * Main side: runs the workers; returns the accesses checked per second, the accesses QEMU ran per second
 * in the same pipeline, each worker's split, and the CPU spent.
 */
export async function checkedAccessesPerSecond(work: Omit<CheckedWork, 'worker'>): Promise<CheckedRates> {
  const workers = Array.from({ length: work.workers }, (_, worker) => new Worker(new URL('./qemu-checked-worker.mjs', import.meta.url), { workerData: { ...work, worker }, execArgv: [] }));
  const message = (w: Worker, kind: string): Promise<{ share?: CheckedShare }> =>
    new Promise((resolve, reject) => {
      const onMessage = (m: { kind: string; share?: CheckedShare }): void => {
        if (m.kind !== kind) return;
        w.off('message', onMessage);
        resolve(m);
      };
      w.on('message', onMessage);
      w.once('error', reject);
    });
  try {
    await Promise.all(workers.map((w) => message(w, 'ready')));
    const start = performance.now();
    const spent = cpuAccount();
    const done = workers.map((w) => message(w, 'done'));
    for (const w of workers) w.postMessage('go');
    const shares = (await Promise.all(done)).map((m) => m.share as CheckedShare);
    const seconds = ms(start) / 1000;
    const cpu = spent();
    const accesses = shares.reduce((n, s) => n + s.accesses, 0);
    return { rate: accesses / seconds, executedRate: shares.reduce((n, s) => n + s.executed, 0) / seconds, shares, cpu, accesses };
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
}
