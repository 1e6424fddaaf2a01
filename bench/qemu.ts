/**
 * QEMU as a machine under test, with two QEMU processes (one per core of the target machine), run by
 * `npm run bench` in a process of its own under the V8 flags xlatcheck runs with (qemu-child.ts,
 * shipped-process.ts):
 *
 *   qemu.boots-per-second             boots of one small trace each (QEMU start-up, guest, exit), with
 *                                     no QEMU kept between batches (the other figures keep them)
 *   qemu.accesses-per-second          accesses QEMU runs and reports back, long traces (about 4096
 *                                     steps) in batches, adapting, staging and reading back included
 *   qemu.checked-accesses-per-second  accesses run on QEMU and judged by the specification's
 *                                     comparison (a trace's accesses up to its first diverging step),
 *                                     on 256 traces of up to a thousand steps after 128 others warmed
 *                                     up, one worker thread per QEMU as in a campaign (qemu-checked.ts)
 *   qemu.checked-executed-per-second  the accesses QEMU ran in that pipeline, judged or not
 *   qemu.traces-per-second            default-size traces (what a campaign runs), checked in this thread
 *   qemu.campaign-cases-per-second    a campaign of the walk families (2 workers, batched), 8 s, in its
 *                                     steady state (from the first case on)
 *   qemu.resident-mb                  the largest resident set of one QEMU while all this runs
 *
 * Split timings (milliseconds of wall time): qemu.accesses-adapt-ms and qemu.accesses-run-ms (runBatch:
 * staging, QEMU, reading back, decoding); for the checked figure, the slower worker's qemu.checked-adapt-ms,
 * qemu.checked-wait-ms (waiting for QEMU) and qemu.checked-compare-ms (the specification's comparison).
 * Against the checked target's budget (2 cores / 200,000 per second = 10 us of CPU per judged access):
 * qemu.checked-cpu-us-per-access is the whole machine's busy CPU per judged access (QEMU and the kernel
 * included) and qemu.checked-node-cpu-us-per-access this process's, every worker thread's (cpu-account.ts).
 * The comparison's wall time is no measure of its CPU here: its threads share the cores with the QEMUs.
 * qemu.load-average-at-start is the one-minute load average when the benchmark starts: the figures are
 * wall-clock rates on a shared machine.
 *
 * Traces are generated before the clock starts; generation is not QEMU's cost. Returns {} when QEMU is
 * not installed (the reason is printed).
 */
import { loadavg } from 'node:os';
import { QemuMachine, qemuUnavailableReason } from '../models/qemu/index.ts';
import { compare } from '../src/machine/check.ts';
import { isAccessStep, type Trace } from '../src/machine/trace.ts';
import { runCampaign } from '../src/campaign/run-campaign.ts';
import { testCampaign } from '../src/campaign/test-options.ts';
import type { CampaignProgress } from '../src/campaign/campaign-options.ts';
import { steadyRate } from './campaign.ts';
import { type CheckedShare, checkedAccessesPerSecond } from './qemu-checked.ts';
import { peakResidentMb } from './qemu-resident.ts';
import { sampleTraces } from './qemu-traces.ts';

const PROCESSES = 2;

function seconds(start: bigint): number {
  return Number(process.hrtime.bigint() - start) / 1e9;
}

const accessesOf = (traces: readonly Trace[]): number => traces.reduce((n, t) => n + t.steps.filter(isAccessStep).length, 0);

/** QEMU start-up itself: one QEMU per batch of one trace (not resident, which would start two in all). */
async function bootsPerSecond(): Promise<number> {
  const machine = new QemuMachine({ processes: PROCESSES, tracesPerBoot: 1, resident: false });
  const traces = sampleTraces('translation', 40, 4, 'small').map((t) => machine.adapt(t).trace);
  const start = process.hrtime.bigint();
  await machine.runBatch(traces);
  return machine.boots / seconds(start);
}

/** Accesses QEMU runs per second, and where the time went: adapting, running (staging, QEMU, reading back). */
async function accessesPerSecond(traces: readonly Trace[]): Promise<{ rate: number; adaptMs: number; runMs: number }> {
  const machine = new QemuMachine({ processes: PROCESSES, tracesPerBoot: 8 });
  const start = process.hrtime.bigint();
  const adapted = traces.map((t) => machine.adapt(t).trace);
  const adaptMs = seconds(start) * 1000;
  await machine.runBatch(adapted);
  const total = seconds(start);
  machine.close();
  return { rate: accessesOf(adapted) / total, adaptMs, runMs: total * 1000 - adaptMs };
}

/** How long the campaign figure's campaign runs. */
const CAMPAIGN_MS = 8_000;

/**
 * A campaign of the walk families on QEMU, as `xlatcheck fuzz --machine qemu` runs it (two workers), in
 * its steady state: from the first case reported to the end (campaign.ts, steadyRate), as a nightly
 * campaign of minutes runs. Counted from the start, a campaign of 1,200 runs measured mostly start-up:
 * 341 cases/s, where a 60,000-run campaign ran 1,097.
 */
async function campaignCasesPerSecond(): Promise<number> {
  const points: { elapsedMs: number; cases: number; cpuMs: number }[] = [];
  const onProgress = (p: CampaignProgress): void => {
    points.push({ elapsedMs: p.elapsedMs, cases: p.cases, cpuMs: 0 });
  };
  await runCampaign(testCampaign({ machine: 'qemu', seed: 20261121, runs: null, durationMs: CAMPAIGN_MS, workers: PROCESSES, progressIntervalMs: 250, onProgress }));
  return steadyRate(points).casesPerSecond;
}

async function campaignTraces(): Promise<number> {
  const traces = [...sampleTraces('translation', 300, 24, 'small'), ...sampleTraces('tlb-coherence', 300, 24, 'small')];
  const machine = new QemuMachine({ processes: PROCESSES });
  const start = process.hrtime.bigint();
  const adapted = traces.map((t) => machine.adapt(t).trace);
  const outcomes = await machine.runBatch(adapted);
  outcomes.forEach((o, i) => {
    if (o.result !== null) compare(adapted[i] as Trace, o.result);
  });
  const elapsed = seconds(start);
  machine.close();
  return traces.length / elapsed;
}

export async function qemuBenchmarks(): Promise<Record<string, number>> {
  const unavailable = qemuUnavailableReason();
  if (unavailable !== null) {
    console.log(`  qemu benchmarks skipped: ${unavailable}`);
    return {};
  }
  const load = loadavg()[0] as number;
  const long = sampleTraces('translation', 16, 4096, 'xlarge');
  const { value, mb } = await peakResidentMb(async () => ({
    boots: await bootsPerSecond(),
    accesses: await accessesPerSecond(long),
    checked: await checkedAccessesPerSecond({ workers: PROCESSES, count: 256, maxSteps: 1024, tracesPerBoot: 8, warmUp: 128 }),
    traces: await campaignTraces(),
    campaign: await campaignCasesPerSecond(),
  }));
  const slowest = <K extends keyof CheckedShare>(key: K): number => Math.max(...value.checked.shares.map((x) => x[key] as number));
  const { cpu, accesses: judged } = value.checked;
  return {
    'qemu.boots-per-second': value.boots,
    'qemu.accesses-per-second': value.accesses.rate,
    'qemu.accesses-adapt-ms': value.accesses.adaptMs,
    'qemu.accesses-run-ms': value.accesses.runMs,
    'qemu.checked-accesses-per-second': value.checked.rate,
    'qemu.checked-executed-per-second': value.checked.executedRate,
    'qemu.checked-adapt-ms': slowest('adaptMs'),
    'qemu.checked-wait-ms': slowest('waitMs'),
    'qemu.checked-compare-ms': slowest('compareMs'),
    ...(cpu.machineUs === null ? {} : { 'qemu.checked-cpu-us-per-access': cpu.machineUs / judged }),
    'qemu.checked-node-cpu-us-per-access': cpu.processUs / judged,
    'qemu.load-average-at-start': load,
    'qemu.traces-per-second': value.traces,
    'qemu.campaign-cases-per-second': value.campaign,
    'qemu.resident-mb': Math.max(mb, slowest('residentMb')),
  };
}
