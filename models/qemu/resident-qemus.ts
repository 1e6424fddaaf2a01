/**
 * QEMUs that stay up between batches (qemu-process.ts), each with its RAM file and what it has run. A
 * batch runs on an idle QEMU if it fits that QEMU's budgets, else on a new one. A QEMU is retired (killed,
 * its RAM file closed) when the next batch would take it past the budgets of one boot (QEMU's memory and
 * the RAM file's pages grow with what it runs: the budgets keep them where one boot of that much kept
 * them), near the end of its lifetime, when a batch did not end with the guest waiting for the next one,
 * and after idling: an idle QEMU costs no CPU but keeps its memory.
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
  readonly pages: number;
}

export interface ResidentOptions {
  readonly qemu: string;
  readonly kernel: string;
  /** False: every batch boots a QEMU of its own, which exits after it. */
  readonly resident: boolean;
  /** What one QEMU may run in all. */
  readonly budget: Budget;
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
  used: Budget = { traces: 0, steps: 0, pages: 0 };
  idleTimer: NodeJS.Timeout | null = null;

  retire(): void {
    if (this.idleTimer !== null) clearTimeout(this.idleTimer);
    this.process?.kill();
    this.ram.close();
  }
}

const costOf = (batch: readonly StagedTrace[]): Budget => ({
  traces: batch.length,
  steps: batch.reduce((n, t) => n + t.trace.steps.length, 0),
  pages: batch.reduce((n, t) => n + t.pages.length, 0),
});

export class ResidentQemus {
  private readonly idle = new Set<Resident>();

  constructor(private readonly options: ResidentOptions) {}

  /** Writes the batch into a QEMU's RAM, runs it there and reads the answers back. */
  async run(batch: readonly StagedTrace[], timeoutMs: number): Promise<BatchRun> {
    const cost = costOf(batch);
    const resident = this.take(cost, timeoutMs) ?? new Resident();
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
      resident.used = { traces: u.traces + cost.traces, steps: u.steps + cost.steps, pages: u.pages + cost.pages };
      keep = outcome.waiting;
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

  /** An idle QEMU that can take the batch; those that cannot take it are retired. */
  private take(cost: Budget, timeoutMs: number): Resident | null {
    const { budget } = this.options;
    for (const r of this.idle) {
      this.idle.delete(r);
      if (r.idleTimer !== null) clearTimeout(r.idleTimer);
      const p = r.process;
      const fits =
        r.used.traces + cost.traces <= budget.traces &&
        r.used.steps + cost.steps <= budget.steps &&
        r.used.pages + cost.pages <= budget.pages;
      if (p !== null && p.running && fits && Date.now() - p.startedAt + timeoutMs <= r.lifetimeMs) return r;
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
