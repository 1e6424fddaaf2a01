/**
 * The unit of work a campaign hands to a worker: run i of a family, or a replay of an older finding. The
 * executor resolves the machine and families itself from plain data, so the same code runs in a worker
 * thread and in the campaign's own thread.
 */
import type { Finding, FindingMachine } from '../findings/finding.ts';
import { replayFinding } from '../findings/replay.ts';
import type { StoredFinding } from '../findings/store.ts';
import type { AnyFamily } from '../properties/family.ts';
import { findFamily } from '../properties/registry.ts';
import type { ReplayRecord, ReplaySource } from '../report/campaign-report.ts';
import { resolveMachine } from './machine-spec.ts';
import { UNDECIDED } from '../machine/check.ts';
import type { Trace } from '../machine/trace.ts';
import { batches, PrefetchingMachine } from './prefetching-machine.ts';
import { type CaseLimits, generatedCase, harnessError, type RunContext, type RunOutcome, runCase } from './run-case.ts';
import { StopFlag } from './stop-flag.ts';

export type Job =
  | { readonly kind: 'run'; readonly index: number; readonly property: string }
  | { readonly kind: 'replay'; readonly source: ReplaySource; readonly stored: StoredFinding };

export type ReplayVerdict = Omit<ReplayRecord, 'reproduction'>;

export type JobResult =
  | { readonly kind: 'run'; readonly outcome: RunOutcome }
  | { readonly kind: 'replay'; readonly record: ReplayVerdict; readonly finding: Finding | null };

/** Everything an executor needs, as plain data that can cross to a worker thread. */
export interface ExecutorInit {
  readonly machineSpec: string;
  readonly machineRecord: FindingMachine;
  readonly cwd: string;
  readonly properties: readonly string[];
  readonly campaignSeed: number;
  readonly limits: CaseLimits;
  readonly stopBuffer: SharedArrayBuffer;
}

export interface JobExecutor {
  run(job: Job): Promise<JobResult>;
  /**
   * Runs the machine part of queued run jobs ahead, in one batch, when the machine runs batches (QEMU:
   * one boot for many traces); each job's run() then finds its result. Does nothing otherwise.
   */
  prefetch(jobs: readonly Job[]): Promise<void>;
}

function familyNamed(name: string): AnyFamily {
  const family = findFamily(name);
  if (family === undefined) throw new Error(`internal: no property family named ${name}`);
  return family;
}

async function replay(job: Extract<Job, { kind: 'replay' }>, ctx: RunContext, properties: readonly string[]): Promise<JobResult> {
  const { stored, source } = job;
  const head = { id: stored.id, source, property: stored.finding.property, bucket: stored.finding.bucket };
  if (!properties.includes(stored.finding.property))
    return { kind: 'replay', record: { ...head, status: 'skipped', note: `family ${stored.finding.property} is not in this campaign` }, finding: null };
  const family = familyNamed(stored.finding.property);
  try {
    const r = await replayFinding(stored, family, ctx.machine, ctx.machineRecord);
    const note =
      r.outcome === 'not-reproduced'
        ? 'the machine agrees with the specification on this case'
        : r.outcome === 'inconclusive'
          ? `decided neither way: ${UNDECIDED}`
          : r.sameSignature
          ? 'same divergence'
          : `diverges differently: ${r.divergence?.signature ?? ''}`;
    return { kind: 'replay', record: { ...head, status: r.outcome, note }, finding: r.reproduction };
  } catch (error) {
    const d = harnessError(family, error);
    return { kind: 'replay', record: { ...head, status: 'skipped', note: d.explanation }, finding: null };
  }
}

export async function createJobExecutor(init: ExecutorInit): Promise<JobExecutor> {
  const resolved = await resolveMachine(init.machineSpec, init.cwd);
  const prefetching = batches(resolved.walk) ? new PrefetchingMachine(resolved.walk) : null;
  const machine = prefetching === null ? resolved : { ...resolved, walk: prefetching };
  const families = new Map(init.properties.map((name) => [name, familyNamed(name)]));
  const familyOf = (name: string): AnyFamily => families.get(name) ?? familyNamed(name);
  const ctx: RunContext = {
    campaignSeed: init.campaignSeed,
    machine,
    machineRecord: init.machineRecord,
    limits: init.limits,
    stop: new StopFlag(init.stopBuffer),
  };
  return {
    async run(job) {
      if (job.kind === 'replay') return replay(job, ctx, init.properties);
      return { kind: 'run', outcome: await runCase(familyOf(job.property), job.index, ctx) };
    },
    async prefetch(jobs) {
      if (prefetching === null) return;
      const traces: Trace[] = [];
      for (const job of jobs) {
        if (job.kind !== 'run') continue;
        const family = familyOf(job.property);
        const trace = family.walkTrace?.(machine, generatedCase(family, init.campaignSeed, job.index)) ?? null;
        if (trace !== null) traces.push(trace);
      }
      // A lone trace goes through a batch too: which traces run batched must not depend on how the
      // jobs happened to queue up (a batch of one costs what a run costs: QEMU's run is one).
      if (traces.length > 0) await prefetching.prefetch(traces);
    },
  };
}
