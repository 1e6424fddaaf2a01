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
 * Traces are generated before the clock starts; generation is not QEMU's cost. Returns {} when QEMU is
 * not installed (the reason is printed).
 */
import { readdirSync, readFileSync } from 'node:fs';
import fc from 'fast-check';
import { QemuMachine, qemuUnavailableReason } from '../models/qemu/index.ts';
import { familyTraceArbitraries } from '../src/arbitraries/index.ts';
import { compare } from '../src/machine/check.ts';
import { isAccessStep, type Trace } from '../src/machine/trace.ts';

const PROCESSES = 2;

/** Samples the resident set of every running QEMU while `body` runs; returns the largest, in MiB. */
async function peakResidentMb<T>(body: () => Promise<T>): Promise<{ value: T; mb: number }> {
  let peakKiB = 0;
  const sample = (): void => {
    for (const entry of readdirSync('/proc')) {
      if (!/^\d+$/.test(entry)) continue;
      try {
        if (!readFileSync(`/proc/${entry}/cmdline`, 'utf8').startsWith('/usr/libexec/qemu-system-i386')) continue;
        const hwm = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${entry}/status`, 'utf8'));
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

async function accessesPerSecond(traces: readonly Trace[], check: boolean): Promise<number> {
  const machine = new QemuMachine({ processes: PROCESSES, tracesPerBoot: 8 });
  const start = process.hrtime.bigint();
  const adapted = traces.map((t) => machine.adapt(t).trace);
  const outcomes = await machine.runBatch(adapted);
  if (check)
    outcomes.forEach((o, i) => {
      if (o.result !== null) compare(adapted[i] as Trace, o.result);
    });
  return accessesOf(adapted) / seconds(start);
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
    'qemu.accesses-per-second': value.accesses,
    'qemu.checked-accesses-per-second': value.checked,
    'qemu.traces-per-second': value.traces,
    'qemu.resident-mb': mb,
  };
}
