/**
 * qemu-system-i386 on a RAM file: software emulation (TCG), the microvm machine (no PCI, no firmware work
 * beyond the first MiB), a 36-bit CPU with NX, the guest as a multiboot kernel, and the debug-exit device
 * through which the guest ends the run (QEMU.md). Every run is bounded by a timeout; how it ended is a
 * value, never an exception.
 *
 * A resident QEMU stays up between batches, since starting one costs more than running a batch of eight
 * traces (about 30 ms, 20 ms of CPU, most of it the dynamic linker and qemu_init). Its guest says a batch
 * is done with a byte to the debug console and halts; the driver writes the next batch into the RAM file
 * and wakes the guest with an NMI, through QMP (resident-channels.ts).
 *
 * The launcher (launcher.ts) starts QEMU, not this process; QEMU opens the RAM file through this process's
 * descriptor (/proc/PID/fd/N), which stays open as long as QEMU may run.
 */
import { findSetpriv, findTimeout } from './availability.ts';
import { track, untrack } from './child-registry.ts';
import { RAM_BYTES } from './guest-abi.ts';
import { type Ended, type Launched, launcher } from './launcher.ts';
import type { RamFile } from './ram-file.ts';
import { ResidentChannels } from './resident-channels.ts';

export interface BootOptions {
  readonly qemu: string;
  /** The multiboot image (guest/guest.bin, or another one in tests). */
  readonly kernel: string;
  readonly ram: RamFile;
  readonly timeoutMs: number;
}

export interface StartOptions extends Omit<BootOptions, 'timeoutMs'> {
  /** Whether the guest may stay up between batches (the channels above are set up). */
  readonly resident: boolean;
  /** After this long coreutils' timeout kills QEMU regardless (a backstop: the driver kills it first). */
  readonly lifetimeMs: number;
}

export interface BootOutcome {
  /** Exit status, or null when QEMU was killed or is still running. */
  readonly status: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly timedOut: boolean;
  /** The last lines QEMU wrote to stderr, for explanations. */
  readonly stderr: string;
  readonly elapsedMs: number;
  /** A resident guest finished the batch and waits for the next one; QEMU is still running. */
  readonly waiting: boolean;
}

const RAM_GIB = `${RAM_BYTES / 2 ** 30}G`;

/** XLATCHECK_QEMU_TRACE=FILE makes QEMU log every exception and reset there (for debugging the guest). */
function debugArguments(env: NodeJS.ProcessEnv): string[] {
  const file = env.XLATCHECK_QEMU_TRACE;
  return file === undefined || file === '' ? [] : ['-d', 'int,cpu_reset,guest_errors', '-D', file];
}

/** The RAM file as QEMU opens it: this process's descriptor of it. */
const ramPath = (ram: RamFile): string => `/proc/${process.pid}/fd/${ram.fd}`;

export function qemuArguments(kernel: string, ram: RamFile, env: NodeJS.ProcessEnv = process.env): string[] {
  return [
    ...debugArguments(env),
    '-M', 'microvm,pit=off,pic=off,rtc=off,isa-serial=off,acpi=off',
    '-accel', 'tcg,tb-size=32',
    '-cpu', 'qemu32,+pse36,+nx',
    '-m', RAM_GIB,
    '-object', `memory-backend-file,id=ram0,size=${RAM_GIB},mem-path=${ramPath(ram)},share=on`,
    '-machine', 'memory-backend=ram0',
    '-kernel', kernel,
    '-device', 'isa-debug-exit,iobase=0xf4,iosize=0x04',
    '-display', 'none', '-nodefaults', '-monitor', 'none', '-no-reboot',
  ];
}

/** Seconds after the driver's own timeout at which coreutils' timeout kills QEMU regardless. */
const BACKSTOP_SECONDS = 10;

/** A running QEMU. */
export class QemuProcess {
  readonly startedAt = Date.now();
  private ended: Ended | null = null;
  private stderr = '';
  /** Batches run (each waits for one more "batch done" byte). */
  private batches = 0;
  private notify: (() => void) | null = null;
  private readonly launched: Launched;
  private readonly channels: ResidentChannels | null;

  private constructor(options: StartOptions) {
    this.channels = options.resident ? new ResidentChannels(() => this.notify?.()) : null;
    const args = [...qemuArguments(options.kernel, options.ram), ...(this.channels?.arguments ?? [])];
    const timeout = findTimeout();
    const setpriv = findSetpriv();
    const backstop = Math.ceil(options.lifetimeMs / 1000) + BACKSTOP_SECONDS;
    // Each process of the chain dies with its parent: coreutils' timeout with the launcher, QEMU with timeout,
    // and the launcher with the driver's thread. Nothing outlives the driver, even a worker thread that was
    // terminated with QEMU waiting.
    const dying = (command: string[]): string[] => (setpriv === null ? command : [setpriv, '--pdeathsig', 'KILL', ...command]);
    const qemu = dying([options.qemu, ...args]);
    const [command, ...argv] = timeout === null ? qemu : dying([timeout, '--foreground', '-s', 'KILL', `${backstop}s`, ...qemu]);
    this.launched = launcher().launch(command as string, argv, {
      stderr: (text) => {
        this.stderr = (this.stderr + text).slice(-4000);
      },
      ended: (how, error) => {
        if (error !== undefined) this.stderr += `\n${error}`;
        this.finish(how);
      },
    });
    track(this.launched);
  }

  static start(options: StartOptions): QemuProcess {
    return new QemuProcess(options);
  }

  private finish(ended: Ended): void {
    this.ended ??= ended;
    untrack(this.launched);
    this.channels?.close();
    this.notify?.();
  }

  /** Still running (a resident guest waiting for its next batch, or one at work). */
  get running(): boolean {
    return this.ended === null;
  }

  /**
   * Waits for the batch in the RAM file: until the guest says it is done (resident guests), QEMU exits, or
   * timeoutMs pass (QEMU is then killed). A resident guest that waits is woken first, unless this is its
   * first batch, which it found in memory when it booted.
   */
  runBatch(timeoutMs: number): Promise<BootOutcome> {
    const started = Date.now();
    this.batches++;
    if (this.batches > 1 && this.ended === null) this.channels?.send('{"execute":"inject-nmi"}\n');
    this.hold(true);
    return new Promise((resolve) => {
      let timedOut = false;
      const timer = setTimeout(() => {
        timedOut = true;
        this.launched.kill();
      }, timeoutMs);
      const check = (): void => {
        const waiting = this.ended === null && this.channels !== null && this.channels.doneBytes >= this.batches;
        if (!waiting && this.ended === null) return;
        clearTimeout(timer);
        this.notify = null;
        this.hold(false);
        resolve({
          status: waiting ? null : (this.ended?.status ?? null),
          signal: waiting ? null : (this.ended?.signal ?? null),
          timedOut,
          stderr: this.stderr.trim(),
          elapsedMs: Date.now() - started,
          waiting,
        });
      };
      this.notify = check;
      check();
    });
  }

  /** A waiting QEMU keeps no event loop alive: the driver may be done with it. */
  private hold(busy: boolean): void {
    this.launched.hold(busy);
    this.channels?.hold(busy);
  }

  kill(): void {
    this.launched.kill();
  }
}

export function boot(options: BootOptions): Promise<BootOutcome> {
  return QemuProcess.start({ ...options, resident: false, lifetimeMs: options.timeoutMs }).runBatch(options.timeoutMs);
}
