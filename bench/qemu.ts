/**
 * QEMU as a machine under test, with two QEMU processes (one per core of the target machine):
 *
 *   qemu.boots-per-second             boots of one small trace each (QEMU start-up, guest, exit)
 *   qemu.accesses-per-second          accesses QEMU runs and reports back, long traces (about 4096
 *                                     steps) in batches, adapting, staging and reading back included
 *   qemu.checked-accesses-per-second  accesses run on QEMU and compared with the specification, on
 *                                     traces of up to a thousand steps (the specification's cost grows
 *                                     with the trace: it keeps memory as immutable maps)
 *   qemu.traces-per-second            default-size traces (what a campaign runs), checked
 *   qemu.resident-mb                  the largest resident set of one QEMU while all this runs
 *
 * Split timings of the two access figures (milliseconds of their wall time): qemu.accesses-adapt-ms,
 * qemu.accesses-run-ms (runBatch: staging, QEMU, reading back, decoding), and the same for the checked
 * figure with qemu.checked-compare-ms (the specification's comparison). qemu.load-average-at-start is the
 * one-minute load average when the benchmark starts: the figures are wall-clock rates on a shared machine.
 *
 * Traces are generated before the clock starts; generation is not QEMU's cost. Returns {} when QEMU is
 * not installed (the reason is printed).
 */
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import fc from 'fast-check';
import { trackedPids } from '../models/qemu/child-registry.ts';
import { QemuMachine, qemuUnavailableReason } from '../models/qemu/index.ts';
import { familyTraceArbitraries } from '../src/arbitraries/index.ts';
import { compare } from '../src/machine/check.ts';
import { isAccessStep, type Trace } from '../src/machine/trace.ts';

const PROCESSES = 2;

/** A tracked child and its children: QEMU is the child of coreutils' timeout, or the child itself. */
function qemuPids(): number[] {
  return trackedPids().flatMap((pid) => {
    try {
      const children = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim();
      return [pid, ...(children === '' ? [] : children.split(' ').map(Number))];
    } catch {
      return [pid];
    }
  });
}

/**
 * Samples the resident set of every QEMU this process runs while `body` runs; returns the largest, in MiB.
 * Only this process's QEMUs are looked at (through the child registry), not every process of the machine:
 * scanning /proc every 15 ms took the main thread about 2 ms each time, and counted other users' QEMUs.
 */
async function peakResidentMb<T>(body: () => Promise<T>): Promise<{ value: T; mb: number }> {
  let peakKiB = 0;
  const sample = (): void => {
    for (const pid of qemuPids()) {
      try {
        if (!readFileSync(`/proc/${pid}/cmdline`, 'utf8').startsWith('/usr/libexec/qemu-system-i386')) continue;
        const hwm = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
        if (hwm !== null) peakKiB = Math.max(peakKiB, Number(hwm[1]));
      } catch {
        // the process ended between the listing and the read
      }
    }
  };
  const timer = setInterval(sample, 15);
  try {
    const value = await body();
    return { value, mb: peakKiB / 1024 };
  } finally {
    clearInterval(timer);
  }
}

function seconds(start: bigint): number {
  return Number(process.hrtime.bigint() - start) / 1e9;
}

function sample(family: 'translation' | 'tlb-coherence', count: number, maxSteps: number, size: fc.Size): Trace[] {
  const previous = fc.readConfigureGlobal();
  fc.configureGlobal({ ...previous, baseSize: size });
  try {
    return fc.sample(familyTraceArbitraries[family]({ maxSteps }), { seed: 20261121, numRuns: count });
  } finally {
    fc.configureGlobal(previous);
  }
}

const accessesOf = (traces: readonly Trace[]): number => traces.reduce((n, t) => n + t.steps.filter(isAccessStep).length, 0);

async function bootsPerSecond(): Promise<number> {
  const machine = new QemuMachine({ processes: PROCESSES, tracesPerBoot: 1 });
  const traces = sample('translation', 40, 4, 'small').map((t) => machine.adapt(t).trace);
  const start = process.hrtime.bigint();
  await machine.runBatch(traces);
  return machine.boots / seconds(start);
}

/** Accesses per second, and where the time went: adapting, running (staging, QEMU, reading back), checking. */
async function accessesPerSecond(traces: readonly Trace[], check: boolean): Promise<{ rate: number; adaptMs: number; runMs: number; checkMs: number }> {
  const machine = new QemuMachine({ processes: PROCESSES, tracesPerBoot: 8 });
  const start = process.hrtime.bigint();
  const adapted = traces.map((t) => machine.adapt(t).trace);
  const adaptMs = seconds(start) * 1000;
  const outcomes = await machine.runBatch(adapted);
  const runMs = seconds(start) * 1000 - adaptMs;
  if (check)
    outcomes.forEach((o, i) => {
      if (o.result !== null) compare(adapted[i] as Trace, o.result);
    });
  const total = seconds(start);
  return { rate: accessesOf(adapted) / total, adaptMs, runMs, checkMs: total * 1000 - adaptMs - runMs };
}

async function campaignTraces(): Promise<number> {
  const traces = [...sample('translation', 300, 24, 'small'), ...sample('tlb-coherence', 300, 24, 'small')];
  const machine = new QemuMachine({ processes: PROCESSES });
  const start = process.hrtime.bigint();
  const adapted = traces.map((t) => machine.adapt(t).trace);
  const outcomes = await machine.runBatch(adapted);
  outcomes.forEach((o, i) => {
    if (o.result !== null) compare(adapted[i] as Trace, o.result);
  });
  return traces.length / seconds(start);
}

export async function qemuBenchmarks(): Promise<Record<string, number>> {
  const unavailable = qemuUnavailableReason();
  if (unavailable !== null) {
    console.log(`  qemu benchmarks skipped: ${unavailable}`);
    return {};
  }
  const load = loadavg()[0] as number;
  const long = sample('translation', 16, 4096, 'xlarge');
  const medium = sample('translation', 64, 1024, 'large');
  const { value, mb } = await peakResidentMb(async () => ({
    boots: await bootsPerSecond(),
    accesses: await accessesPerSecond(long, false),
    checked: await accessesPerSecond(medium, true),
    traces: await campaignTraces(),
  }));
  return {
    'qemu.boots-per-second': value.boots,
    'qemu.accesses-per-second': value.accesses.rate,
    'qemu.accesses-adapt-ms': value.accesses.adaptMs,
    'qemu.accesses-run-ms': value.accesses.runMs,
    'qemu.checked-accesses-per-second': value.checked.rate,
    'qemu.checked-adapt-ms': value.checked.adaptMs,
    'qemu.checked-run-ms': value.checked.runMs,
    'qemu.checked-compare-ms': value.checked.checkMs,
    'qemu.load-average-at-start': load,
    'qemu.traces-per-second': value.traces,
    'qemu.resident-mb': mb,
  };
}
