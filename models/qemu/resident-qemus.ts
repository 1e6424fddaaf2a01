/**
 * QEMUs that stay up between batches (qemu-process.ts), each with its RAM file and what it has run. A
 * batch runs on an idle QEMU if it fits that QEMU's budgets, else on a new one. A QEMU is retired (killed,
 * its RAM file closed) when the next batch would take it past its budgets of traces and steps (QEMU's own
 * memory grows slowly with what it runs), near the end of its lifetime, when a batch did not end with the
 * guest waiting for the next one, and after idling: an idle QEMU costs no CPU but keeps its memory.
 *
 * The RAM file keeps every page a trace wrote or the guest read back (they are zero again when the trace
 * is done, but stay allocated), so it grows with what the QEMU runs. When it holds more than its budget
 * after a batch, the pages outside the guest's regions are freed (ram-file.ts) while the guest waits for
 * the next batch: that bounds the QEMU's memory as retiring it did, without the start-up of another QEMU
 * (about 20 ms of CPU) and the first touch of a fresh file's pages.
 *
 * Running a trace after other traces in the same QEMU is what a boot of several traces does already: every
 * trace starts from its own image on zeroed memory with an empty TLB, whichever traces ran before it.
 */
import { type BatchLayout, type BatchReadout, readBatch, type StagedTrace, writeBatch } from './batch-layout.ts';
import { type BootOutcome, QemuProcess } from './qemu-process.ts';
import { RamFile } from './ram-file.ts';

export interface Budget {
  readonly traces: number;
  readonly steps: number;
}

export interface ResidentOptions {
  readonly qemu: string;
  readonly kernel: string;
  /** False: every batch boots a QEMU of its own, which exits after it. */
  readonly resident: boolean;
  /** What one QEMU may run in all. */
  readonly budget: Budget;
  /** Bytes its RAM file may hold after a batch before the traces' pages are freed. */
  readonly ramBytes: number;
}

export interface BatchRun {
  readonly outcome: BootOutcome;
  readonly readout: BatchReadout;
  readonly layout: BatchLayout;
  /** Whether a QEMU was started for the batch (a boot). */
  readonly booted: boolean;
}

/** A QEMU lives at most this long after its first batch's timeout (coreutils' timeout enforces it). */
const LIFETIME_MS = 30_000;
/** An idle QEMU is retired after this long. */
const IDLE_MS = 2_000;

class Resident {
  readonly ram = RamFile.create();
  process: QemuProcess | null = null;
  lifetimeMs = 0;
  used: Budget = { traces: 0, steps: 0 };
  idleTimer: NodeJS.Timeout | null = null;
  /** Freeing the traces' pages of the RAM file (resolves whether it did), or null. */
  freeing: Promise<boolean> | null = null;

  retire(): void {
    if (this.idleTimer !== null) clearTimeout(this.idleTimer);
    this.process?.kill();
    this.ram.close();
  }
}

const costOf = (batch: readonly StagedTrace[]): Budget => ({
  traces: batch.length,
  steps: batch.reduce((n, t) => n + t.trace.steps.length, 0),
});

/** The most bytes a batch can add to the RAM file: its read-back pages (they cover its image's). */
const bytesOf = (batch: readonly StagedTrace[]): number => batch.reduce((n, t) => n + t.pages.length, 0) * 4096;

export class ResidentQemus {
  private readonly idle = new Set<Resident>();

  constructor(private readonly options: ResidentOptions) {}

  /** Writes the batch into a QEMU's RAM, runs it there and reads the answers back. */
  async run(batch: readonly StagedTrace[], timeoutMs: number): Promise<BatchRun> {
    const cost = costOf(batch);
    const bytes = bytesOf(batch);
    const resident = (await this.take(cost, bytes, timeoutMs)) ?? new Resident();
    let keep = false;
    try {
      const layout = writeBatch(resident.ram, batch, this.options.resident);
      const booted = resident.process === null;
      if (resident.process === null) {
        resident.lifetimeMs = timeoutMs + (this.options.resident ? LIFETIME_MS : 0);
        const { qemu, kernel } = this.options;
        resident.process = QemuProcess.start({ qemu, kernel, ram: resident.ram, resident: this.options.resident, lifetimeMs: resident.lifetimeMs });
      }
      const outcome = await resident.process.runBatch(timeoutMs);
      const readout = readBatch(resident.ram, layout, batch);
      const u = resident.used;
      resident.used = { traces: u.traces + cost.traces, steps: u.steps + cost.steps };
      keep = outcome.waiting;
      // Freed while the guest waits, when the next batch, were it like this one, could pass the budget.
      if (keep && resident.ram.allocatedBytes() + bytes > this.options.ramBytes) resident.freeing = resident.ram.freeTracePages();
      return { outcome, readout, layout, booted };
    } finally {
      if (keep) this.park(resident);
      else resident.retire();
    }
  }

  /** Retires every idle QEMU. */
  close(): void {
    for (const r of this.idle) r.retire();
    this.idle.clear();
  }

  /**
   * An idle QEMU that can take the batch, once its RAM file has room for the batch's pages (they are freed
   * first if need be); those that cannot take it (or whose pages could not be freed) are retired.
   */
  private async take(cost: Budget, bytes: number, timeoutMs: number): Promise<Resident | null> {
    const { budget, ramBytes } = this.options;
    for (const r of this.idle) {
      this.idle.delete(r);
      if (r.idleTimer !== null) clearTimeout(r.idleTimer);
      const p = r.process;
      const fits = r.used.traces + cost.traces <= budget.traces && r.used.steps + cost.steps <= budget.steps;
      let freed = r.freeing === null || (await r.freeing);
      r.freeing = null;
      if (freed && r.ram.allocatedBytes() + bytes > ramBytes) freed = await r.ram.freeTracePages();
      if (p !== null && p.running && fits && freed && Date.now() - p.startedAt + timeoutMs <= r.lifetimeMs) return r;
      r.retire();
    }
    return null;
  }

  private park(r: Resident): void {
    r.idleTimer = setTimeout(() => {
      this.idle.delete(r);
      r.retire();
    }, IDLE_MS);
    r.idleTimer.unref();
    this.idle.add(r);
  }
}
