/**
 * runCampaign: replays older findings, then runs the campaign's share of run indices on a few lanes (worker
 * threads) until the runs are done, the duration is spent, too many findings were saved, or the caller
 * aborts; saves each finding as it arrives, then writes report.json, junit.xml and report.html.
 *
 * Lanes pull the next job from one queue, so which worker runs which run varies, but what run i does
 * depends only on the campaign seed and i: the findings and counts are the same for any number of workers.
 */
import { join } from 'node:path';
import { UsageError } from '../config/run-config.ts';
import type { Finding, FindingMachine } from '../findings/finding.ts';
import { FINDINGS_FOLDER, locateFinding, removeFinding, saveFinding, type StoredFinding } from '../findings/store.ts';
import type { ReplaySource, StopReason } from '../report/campaign-report.ts';
import { writeReports } from '../report/write-reports.ts';
import { buildReport } from './build-report.ts';
import { type CampaignOptions, type CampaignResult, STOP_GRACE_MS } from './campaign-options.ts';
import { CampaignTally } from './campaign-tally.ts';
import { type FamilySelection, selectFamilies } from './family-selection.ts';
import type { ExecutorInit, Job } from './job.ts';
import type { FileChange } from './known-sightings.ts';
import { InProcessLane, type Lane, type LaneResult } from './lane.ts';
import { lostRunFinding } from './lost-run.ts';
import { normalizeSpec, resolveMachine } from './machine-spec.ts';
import { prepareOutFolder } from './out-folder.ts';
import { batches } from './prefetching-machine.ts';
import type { CaseLimits } from './run-case.ts';
import { type Replay, replaysFor } from './replay-sources.ts';
import { shardRunCount, shardRuns } from './shard.ts';
import { StopFlag } from './stop-flag.ts';
import { ThreadLane } from './thread-lane.ts';

/**
 * Jobs at a worker of a machine that runs batches, so that about this many traces share one run (one QEMU
 * boot). QEMU, 2 workers, the five walk families, 800 runs: depth 8, 16, 32, 64 gave 61, 81, 102, 116
 * cases/s; 64 campaign-size traces keep a QEMU near 60 MB (qemu-machine.ts, tracesPerBoot).
 */
const BATCH_DEPTH = 64;

/** Replays first, then run i of the shard checks family i mod k. */
function* jobsOf(replays: readonly Replay[], options: CampaignOptions, selection: FamilySelection): Generator<Job> {
  for (const r of replays) yield { kind: 'replay', source: r.source, stored: r.stored };
  const names = selection.families.map((f) => f.name);
  for (const index of shardRuns(options.shard, options.runs)) yield { kind: 'run', index, property: names[index % names.length] as string };
}

class Campaign {
  private readonly stop = new StopFlag();
  private readonly tally: CampaignTally;
  private readonly jobs: Generator<Job>;
  private readonly startedAt = new Date();
  private readonly started = Date.now();
  private readonly timers: NodeJS.Timeout[] = [];
  /** Jobs that never started because the one ahead of them in a worker was lost. */
  private readonly retries: Job[] = [];
  private stopReason: StopReason | null = null;
  private lanes: Lane[] = [];
  /** When the time budget started counting, in ms since the campaign started (startBudget). */
  private budgetStartedMs = 0;

  constructor(
    private readonly options: CampaignOptions,
    private readonly machine: FindingMachine,
    private readonly selection: FamilySelection,
    replays: readonly Replay[],
    /** Jobs kept at each worker thread: a batch's worth on a machine that runs batches. */
    private readonly laneDepth: number,
  ) {
    this.tally = new CampaignTally(selection.families.map((f) => f.name));
    this.jobs = jobsOf(replays, options, selection);
  }

  private elapsed(): number {
    return Date.now() - this.started;
  }

  /** Stops generation; running cases get a short grace (shrinking ends at once), then are abandoned. */
  halt(reason: StopReason): void {
    if (this.stopReason !== null) return;
    this.stopReason = reason;
    this.stop.raise();
    this.timers.push(setTimeout(() => void Promise.all(this.lanes.map((l) => l.close())), STOP_GRACE_MS));
  }

  private nextJob(): Job | undefined {
    if (this.stopReason !== null) return undefined;
    const retry = this.retries.shift();
    if (retry !== undefined) return retry;
    const next = this.jobs.next();
    return next.done === true ? undefined : next.value;
  }

  private get folder(): string {
    return join(this.options.out, FINDINGS_FOLDER);
  }

  /** Where a finding would be saved; the tally decides whether it is (a known deviation's may not be). */
  private locate(finding: Finding | null): StoredFinding | null {
    return finding === null ? null : locateFinding(this.folder, finding);
  }

  /** Saves before it removes, so an interrupted campaign never leaves a bucket without its file. */
  private apply(change: FileChange): void {
    if (change.save !== null) {
      saveFinding(this.folder, change.save.finding);
      this.options.onNote?.(`finding ${change.save.id} saved: ${change.save.finding.bucket}`);
    }
    if (change.remove !== null) removeFinding(this.folder, change.remove);
  }

  /**
   * Every shard replays the same committed regressions: a reproduction of one counts as a sighting in
   * shard 1 only, so merged shard reports count it once, as the unsharded campaign does.
   */
  private countsReplay(source: ReplaySource): boolean {
    return source !== 'regression' || this.options.shard.index === 1;
  }

  private record(job: Job, result: LaneResult): void {
    if (result.kind === 'lost') {
      if (result.reason === 'stopped') return; // abandoned at the stop: neither counted nor saved
      if (result.reason === 'retry') {
        this.retries.push(job);
        return;
      }
      if (job.kind === 'run') {
        const family = this.selection.families.find((f) => f.name === job.property);
        if (family === undefined) throw new Error(`internal: no family ${job.property}`);
        const finding = lostRunFinding(family, job.index, { seed: this.options.seed, machine: this.machine }, result.reason, result.message);
        this.apply(this.tally.addRun(job.property, {}, this.locate(finding)));
      } else {
        const f = job.stored.finding;
        const status = result.reason === 'timeout' ? ('timeout' as const) : ('skipped' as const);
        const record = { id: job.stored.id, source: job.source, property: f.property, bucket: f.bucket, status, note: result.message, reproduction: null };
        this.tally.addReplay(record, null, false);
      }
    } else if (result.kind === 'run') {
      const o = result.outcome;
      this.apply(this.tally.addRun(o.property, o.coverage, this.locate(o.finding), o.inconclusive));
    } else {
      const stored = this.locate(result.finding);
      this.apply(this.tally.addReplay({ ...result.record, reproduction: stored?.id ?? null }, stored, this.countsReplay(result.record.source)));
      const { id, source, status, note } = result.record;
      this.options.onNote?.(`replayed ${id} (${source}): ${status === 'skipped' ? `skipped, ${note}` : status.replace('-', ' ')}`);
    }
    // Known deviations are counted, not limited: on QEMU nearly every case shows one.
    if (this.tally.unexpectedFindings >= this.options.maxFindings) this.halt('finding-limit');
  }

  private async drive(lane: Lane): Promise<void> {
    for (let job = this.nextJob(); job !== undefined; job = this.nextJob()) this.record(job, await lane.run(job, this.options.caseTimeoutMs));
  }

  private progress(): void {
    const elapsedMs = this.elapsed();
    const { runs, durationMs, shard } = this.options;
    const byRuns = runs === null ? 0 : this.tally.cases / Math.max(1, shardRunCount(shard, runs));
    const spentMs = Math.max(0, elapsedMs - this.budgetStartedMs);
    const byTime = durationMs === null ? 0 : spentMs / durationMs;
    this.options.onProgress?.({
      cases: this.tally.cases,
      findings: this.tally.findings.size,
      buckets: this.tally.bucketNames.size,
      elapsedMs,
      casesPerSecond: elapsedMs > 0 ? (this.tally.cases * 1000) / elapsedMs : 0,
      fraction: Math.min(1, Math.max(byRuns, byTime)),
      remainingMs: durationMs === null ? null : Math.max(0, durationMs - spentMs),
    });
  }

  /** Interruption counts from the start; the time budget from when the lanes are ready (startBudget). */
  private startClock(): void {
    const { signal } = this.options;
    // Long campaigns sample less often, so report.json stays a few hundred samples long.
    const sampleEvery = Math.max(1000, (this.options.durationMs ?? 0) / 500);
    let lastSample = 0;
    this.timers.push(
      setInterval(() => {
        if (this.elapsed() - lastSample >= sampleEvery) {
          lastSample = this.elapsed();
          this.tally.sample(lastSample);
        }
        this.progress();
      }, this.options.progressIntervalMs ?? 1000),
    );
    if (signal?.aborted === true) this.halt('interrupted');
    signal?.addEventListener('abort', () => this.halt('interrupted'), { once: true });
  }

  /**
   * The duration is spent on cases, not on starting workers: a worker loads the whole harness first, which
   * on a busy machine took longer than a short budget, and a campaign then ended with no case run.
   */
  private startBudget(): void {
    const { durationMs } = this.options;
    this.budgetStartedMs = this.elapsed();
    if (durationMs !== null) this.timers.push(setTimeout(() => this.halt('budget'), durationMs));
  }

  async run(init: Omit<ExecutorInit, 'stopBuffer'>): Promise<CampaignResult> {
    this.startClock();
    const full: ExecutorInit = { ...init, stopBuffer: this.stop.buffer };
    const count = this.options.workers;
    this.lanes = count === 0 ? [new InProcessLane(full)] : Array.from({ length: count }, () => new ThreadLane(full, this.laneDepth));
    try {
      await Promise.all(this.lanes.map((l) => l.start()));
      this.startBudget();
      await Promise.all(this.lanes.flatMap((l) => Array.from({ length: l.depth }, () => this.drive(l))));
    } finally {
      for (const t of this.timers) clearTimeout(t);
      await Promise.all(this.lanes.map((l) => l.close()));
    }
    const elapsedMs = this.elapsed();
    this.tally.sample(elapsedMs);
    this.progress();
    const report = buildReport({
      options: this.options,
      machine: this.machine,
      selection: this.selection,
      tally: this.tally,
      stopReason: this.stopReason ?? 'completed',
      startedAt: this.startedAt,
      elapsedMs,
      workers: count,
    });
    writeReports(this.options.out, report);
    return { out: this.options.out, report, findings: [...this.tally.findings.values()] };
  }
}

function checkOptions(o: CampaignOptions): void {
  if (o.runs === null && o.durationMs === null) throw new UsageError('a campaign needs a number of runs or a duration');
  if (!Number.isInteger(o.workers) || o.workers < 0) throw new UsageError(`workers must be a whole number, got ${o.workers}`);
  // A shard with no run would check nothing and pass: that is a mistake in the split, not a clean result.
  if (o.runs !== null && shardRunCount(o.shard, o.runs) === 0)
    throw new UsageError(`shard ${o.shard.index}/${o.shard.count} gets none of the ${o.runs} run(s): --runs must be at least the number of shards`);
}

/**
 * The case timeout is meant for a machine that does not answer. A failing case is run, then shrunk, within
 * one job: shrinking must end well inside the timeout, or a machine that answers every run promptly would be
 * reported as one that never finished (a timeout finding instead of its real one).
 */
function shrinkWithinTimeout(o: CampaignOptions): CaseLimits {
  return { ...o.limits, shrinkTimeMs: Math.min(o.limits.shrinkTimeMs, Math.floor(o.caseTimeoutMs / 2)) };
}

export async function runCampaign(options: CampaignOptions): Promise<CampaignResult> {
  checkOptions(options);
  const cwd = options.cwd ?? process.cwd();
  const machine = await resolveMachine(options.machine, cwd);
  const record: FindingMachine = { spec: normalizeSpec(options.machine, cwd), name: machine.name };
  const selection = selectFamilies(machine, options.properties);
  prepareOutFolder(options.out);
  const replays = replaysFor(options.out, options.regressions);
  const properties = selection.families.map((f) => f.name);
  options.onStart?.({ machine: record, properties, skipped: selection.skipped, replays: replays.length });
  const campaign = new Campaign(options, record, selection, replays, batches(machine.walk) ? BATCH_DEPTH : ThreadLane.DEFAULT_DEPTH);
  return campaign.run({
    machineSpec: options.machine,
    machineRecord: record,
    cwd,
    properties,
    campaignSeed: options.seed,
    limits: shrinkWithinTimeout(options),
  });
}
