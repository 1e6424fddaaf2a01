/**
 * QEMU's x86 MMU (software emulation) as a machine under the walk-level contract. A batch of traces is
 * written into a guest RAM file, QEMU runs the guest (guest/guest.asm), which runs the traces one after
 * another, and the observations and final memory are read back when it says it is done. A QEMU stays up
 * for the next batch, on the same RAM file, within budgets (resident-qemus.ts). Batches are cut to fit the
 * staging area and run on up to one QEMU per core.
 *
 * The machine runs only traces QEMU can represent: `adapt` makes any trace one of those, and callers
 * check the adapted trace. A boot that hangs, crashes or triple-faults costs the trace it was running a
 * machine error (with the reason); the traces after it run again in a new boot.
 */
import { availableParallelism } from 'node:os';
import { isMainThread } from 'node:worker_threads';
import type { Divergence } from '../../src/machine/divergence.ts';
import type { Adaptation, BatchOutcome, KnownDeviationMatch, Machine } from '../../src/machine/machine.ts';
import type { MachineResult } from '../../src/machine/observation.ts';
import type { Trace } from '../../src/machine/trace.ts';
import { adaptForQemu, isRepresentable } from './adapt.ts';
import { findQemu, qemuUnavailableReason } from './availability.ts';
import { BootSlots } from './boot-slots.ts';
import { type BatchReadout, STAGING_CAPACITY, type StagedTrace, stagedBytes } from './batch-layout.ts';
import { mappedWindow } from './choose-window.ts';
import { EXIT_CODE, exitStatusOf, TRACE_STATUS } from './guest-abi.ts';
import { GUEST_BINARY } from './guest/assemble.ts';
import { knownDeviationOf } from './known-deviations.ts';
import { decodeTrace } from './observations.ts';
import type { BootOutcome } from './qemu-process.ts';
import { readBackPages } from './read-back-pages.ts';
import { ResidentQemus } from './resident-qemus.ts';
import { unsupportedReason } from './supported-traces.ts';

export interface QemuMachineOptions {
  /**
   * QEMU processes this machine runs at once. Default: one per core on the main thread, one in a worker
   * thread (a campaign runs one worker per core, each with its own machine).
   */
  readonly processes?: number;
  /**
   * Most traces in one boot. Default 64: QEMU's own memory grows in steps over a long boot (its TLB
   * tables double), and 64 campaign-size traces keep it near 60 MB resident; 256 reach 100 MB.
   */
  readonly tracesPerBoot?: number;
  /**
   * Whether a QEMU stays up between batches (resident-qemus.ts), so that a batch costs no QEMU start-up.
   * Default true; false boots one QEMU per batch.
   */
  readonly resident?: boolean;
  /** Timeout of one batch, before an allowance per step. Default 15 s. */
  readonly bootTimeoutMs?: number;
  /** The multiboot image to boot instead of the guest (tests of hangs and crashes). */
  readonly kernel?: string;
  /** The qemu-system-i386 binary; default: findQemu(). */
  readonly qemu?: string;
}

/** A machine error from run(): checkTrace reports it as a divergence of kind machine-error. */
export class QemuMachineError extends Error {
  override readonly name = 'QemuMachineError';
}

/** Per-step allowance on top of the boot timeout, generous for a loaded CI machine. */
const TIMEOUT_PER_STEP_MS = 2;
/** Budgets of one boot (a single larger trace still gets a boot of its own). */
const STEPS_PER_BOOT = 32768;
const PAGES_PER_BOOT = 16384;
/** Traces one resident QEMU runs before it is retired, besides the step and page budgets. */
const RESIDENT_TRACES = 64;
/**
 * Steps one resident QEMU runs before it is retired. Not STEPS_PER_BOOT: that bounds one batch's time
 * (each batch has its own timeout), and QEMU's memory does not grow with steps run (its translation
 * cache has a fixed size; what grows is the RAM file, bounded by PAGES_PER_BOOT). With the benchmark's
 * traces (~1,000 steps) STEPS_PER_BOOT retired a QEMU every 4 batches of 8; now the pages do, about
 * every 8.
 */
const RESIDENT_STEPS = RESIDENT_TRACES * 4096;

type Slot = BatchOutcome | null;
type StagedGroup = { readonly index: number; readonly staged: StagedTrace }[];

export class QemuMachine implements Machine {
  readonly name = 'qemu';
  /** The guest and the adapter run PAE traces and 32-bit paging traces (with PSE and PSE-36). */
  readonly pagingModes = ['pae', '32-bit'] as const;
  private readonly processes: number;
  private readonly tracesPerBoot: number;
  private readonly bootTimeoutMs: number;
  private readonly kernel: string;
  private readonly qemu: string | null;
  private readonly slots: BootSlots;
  private readonly qemus: ResidentQemus;
  private bootCount = 0;

  constructor(options: QemuMachineOptions = {}) {
    this.processes = Math.max(1, options.processes ?? (isMainThread ? availableParallelism() : 1));
    this.tracesPerBoot = Math.max(1, options.tracesPerBoot ?? 64);
    this.bootTimeoutMs = options.bootTimeoutMs ?? 15_000;
    this.kernel = options.kernel ?? GUEST_BINARY;
    this.qemu = options.qemu ?? findQemu();
    this.slots = new BootSlots(this.processes);
    this.qemus = new ResidentQemus({
      qemu: this.qemu ?? '',
      kernel: this.kernel,
      resident: options.resident ?? true,
      budget: { traces: RESIDENT_TRACES, steps: RESIDENT_STEPS, pages: PAGES_PER_BOOT },
    });
  }

  /** Retires the QEMUs that wait for more batches (they also go after idling, or with this process). */
  close(): void {
    this.qemus.close();
  }

  /** QEMU processes started so far (for benchmarks). */
  get boots(): number {
    return this.bootCount;
  }

  /** Recognises the documented QEMU departures from the SDM (known-deviations.ts), for bucketing. */
  knownDeviation(trace: Trace, divergence: Divergence): KnownDeviationMatch | null {
    const known = knownDeviationOf(trace, divergence);
    return known === null ? null : { id: known.id, rule: known.rule, departs: known.departs };
  }

  adapt(trace: Trace): Adaptation {
    return adaptForQemu(trace);
  }

  async run(trace: Trace): Promise<MachineResult> {
    const [outcome] = await this.runBatch([trace]);
    if (outcome === undefined || outcome.error !== null) throw new QemuMachineError(outcome?.error ?? 'no outcome');
    return outcome.result;
  }

  /**
   * Traces are staged group by group as boots become due, not all before the first: the main thread
   * stages the next group while QEMU runs the current one, and decodes a finished group while QEMU runs
   * the next.
   */
  async runBatch(traces: readonly Trace[]): Promise<BatchOutcome[]> {
    const outcomes: Slot[] = traces.map(() => null);
    const unavailable = this.qemu === null ? (qemuUnavailableReason() ?? 'QEMU is not available') : null;
    const groups = this.groups(traces, outcomes);
    if (unavailable !== null) for (let group = groups.next(); !group.done; group = groups.next()) for (const s of group.value) outcomes[s.index] = { result: null, error: unavailable };
    else {
      const lane = async (): Promise<void> => {
        for (let group = groups.next(); !group.done; group = groups.next()) await this.bootGroup(group.value, outcomes);
      };
      // One lane more than QEMUs: it stages a group while the others' QEMUs run.
      await Promise.all(Array.from({ length: this.processes + 1 }, lane));
    }
    return outcomes.map((o) => o ?? { result: null, error: 'the trace was not run' });
  }

  /**
   * Consecutive traces, as many per boot as the staging area, tracesPerBoot and the step and page budgets
   * allow (the budgets bound a boot's time and QEMU's memory when traces are long), staged as each group
   * is asked for. A trace the guest cannot run as it is gets its reason in `outcomes` instead.
   */
  private *groups(traces: readonly Trace[], outcomes: Slot[]): Generator<StagedGroup, void, undefined> {
    let current: StagedGroup = [];
    let used = { bytes: 0, steps: 0, pages: 0 };
    for (const [index, trace] of traces.entries()) {
      const staged = stage(trace);
      if (typeof staged === 'string') {
        outcomes[index] = { result: null, error: staged };
        continue;
      }
      const cost = { bytes: stagedBytes(staged), steps: staged.trace.steps.length, pages: staged.pages.length };
      const full =
        current.length === this.tracesPerBoot ||
        used.bytes + cost.bytes > STAGING_CAPACITY ||
        used.steps + cost.steps > STEPS_PER_BOOT ||
        used.pages + cost.pages > PAGES_PER_BOOT;
      if (current.length > 0 && full) {
        yield current;
        current = [];
        used = { bytes: 0, steps: 0, pages: 0 };
      }
      current.push({ index, staged });
      used = { bytes: used.bytes + cost.bytes, steps: used.steps + cost.steps, pages: used.pages + cost.pages };
    }
    if (current.length > 0) yield current;
  }

  private async bootGroup(group: StagedGroup, outcomes: Slot[]): Promise<void> {
    const batch = group.map((g) => g.staged);
    const steps = batch.reduce((n, t) => n + t.trace.steps.length, 0);
    const timeoutMs = this.bootTimeoutMs + steps * TIMEOUT_PER_STEP_MS;
    const { outcome, readout, layout, booted } = await this.slots.run(() => this.qemus.run(batch, timeoutMs));
    if (booted) this.bootCount++;
    const images = layout.images;
    const finished = outcome.waiting || (outcome.status === exitStatusOf(EXIT_CODE.ok) && outcome.signal === null && !outcome.timedOut);
    group.forEach((g, i) => {
      const r = readout.traces[i];
      if (r !== undefined && r.status === TRACE_STATUS.done) outcomes[g.index] = decodeTrace(g.staged.trace, r, images[i]);
    });
    if (finished && readout.next >= group.length) return;
    const stopped = Math.min(readout.next, group.length);
    const culprit = group[stopped];
    if (culprit === undefined) return;
    const reason = explainFailure(outcome, readout, timeoutMs);
    if (readout.traces[stopped]?.status !== TRACE_STATUS.started) {
      // The guest never reached this trace: QEMU itself failed; retrying would fail the same way.
      for (const g of group.slice(stopped)) outcomes[g.index] = { result: null, error: reason };
      return;
    }
    outcomes[culprit.index] = { result: null, error: reason };
    const rest = group.slice(stopped + 1);
    if (rest.length > 0) await this.bootGroup(rest, outcomes);
  }
}

/** The trace as the guest needs it, or why QEMU cannot run it as it is. */
function stage(trace: Trace): StagedTrace | string {
  const unsupported = unsupportedReason(trace);
  if (unsupported !== null) return unsupported;
  if (!isRepresentable(trace)) {
    const kinds = Object.entries(adaptForQemu(trace).adaptations)
      .map(([k, n]) => `${k} x${n}`)
      .join(', ');
    return `QEMU cannot run this trace as it is (it needs: ${kinds}); check machine.adapt(trace).trace instead`;
  }
  const window = mappedWindow(trace);
  if (window === null) return 'the adapted trace maps no guest window';
  return { trace, window: window.base, pages: readBackPages(trace, window) };
}

function explainFailure(outcome: BootOutcome, readout: BatchReadout, timeoutMs: number): string {
  const stderr = outcome.stderr === '' ? '' : `; QEMU said: ${outcome.stderr.split('\n').slice(-2).join(' / ')}`;
  if (outcome.timedOut) return `QEMU hung: still running after ${timeoutMs} ms on this trace, and was killed${stderr}`;
  if (outcome.status === 0 && outcome.signal === null)
    return `QEMU triple-faulted on this trace: it exited with status 0 under -no-reboot, so the guest could not deliver an exception${stderr}`;
  if (outcome.status === exitStatusOf(EXIT_CODE.fatal)) {
    if (readout.fatal === 0x200) return 'the guest ran out of room for final memory on this trace';
    if (readout.fatal === 0x300) return 'the guest read a command it does not know on this trace';
    return `the guest stopped on an exception (vector ${readout.fatal & 0xff}) outside any step, at eip 0x${readout.fatalEip.toString(16)}, on this trace`;
  }
  if (outcome.status === exitStatusOf(EXIT_CODE.noBatch)) return 'the guest found no batch in memory';
  const how = outcome.signal !== null ? `was killed by ${outcome.signal}` : outcome.status === null ? 'could not be started' : `exited with status ${outcome.status}`;
  return `QEMU crashed: it ${how} while running this trace${stderr}`;
}

