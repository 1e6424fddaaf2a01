/**
 * qemu-system-i386 on a RAM file: software emulation (TCG), the microvm machine (no PCI, no firmware work
 * beyond the first MiB), a 36-bit CPU with NX, the guest as a multiboot kernel, and the debug-exit device
 * through which the guest ends the run (QEMU.md). Every run is bounded by a timeout; how it ended is a
 * value, never an exception.
 *
 * A resident QEMU stays up between batches, since starting one costs more than running a batch of eight
 * traces (about 30 ms, 20 ms of CPU, most of it the dynamic linker and qemu_init). Its guest says a batch
 * is done with a byte to the debug console and halts; the driver writes the next batch into the RAM file
 * and wakes the guest with an NMI, through QMP. Both channels are sockets QEMU inherits (fds 4 and 5).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import type { Readable, Writable } from 'node:stream';
import { findSetpriv, findTimeout } from './availability.ts';
import { killGroup, track } from './child-registry.ts';
import { RAM_BYTES } from './guest-abi.ts';
import type { RamFile } from './ram-file.ts';

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

export function qemuArguments(kernel: string, env: NodeJS.ProcessEnv = process.env): string[] {
  return [
    ...debugArguments(env),
    '-M', 'microvm,pit=off,pic=off,rtc=off,isa-serial=off,acpi=off',
    '-accel', 'tcg,tb-size=32',
    '-cpu', 'qemu32,+pse36,+nx',
    '-m', RAM_GIB,
    '-object', `memory-backend-file,id=ram0,size=${RAM_GIB},mem-path=/proc/self/fd/3,share=on`,
    '-machine', 'memory-backend=ram0',
    '-kernel', kernel,
    '-device', 'isa-debug-exit,iobase=0xf4,iosize=0x04',
    '-display', 'none', '-nodefaults', '-monitor', 'none', '-no-reboot',
  ];
}

/** QMP on fd 4, the guest's "batch done" byte (debug console, port 0xe9) on fd 5. */
const RESIDENT_ARGUMENTS = [
  '-chardev', 'socket,id=qmp,fd=4', '-mon', 'chardev=qmp,mode=control',
  '-chardev', 'socket,id=done,fd=5', '-device', 'isa-debugcon,iobase=0xe9,chardev=done',
];

/** Seconds after the driver's own timeout at which coreutils' timeout kills QEMU regardless. */
const BACKSTOP_SECONDS = 10;

interface Ended {
  readonly status: number | null;
  readonly signal: NodeJS.Signals | null;
}

/** A running QEMU. */
export class QemuProcess {
  readonly startedAt = Date.now();
  private ended: Ended | null = null;
  private stderr = '';
  /** "Batch done" bytes received, and batches run (each waits for one more byte). */
  private doneBytes = 0;
  private batches = 0;
  private notify: (() => void) | null = null;

  private constructor(
    private readonly child: ChildProcess,
    private readonly qmp: Writable | null,
  ) {}

  static start(options: StartOptions): QemuProcess {
    const args = [...qemuArguments(options.kernel), ...(options.resident ? RESIDENT_ARGUMENTS : [])];
    const timeout = findTimeout();
    const setpriv = findSetpriv();
    const backstop = Math.ceil(options.lifetimeMs / 1000) + BACKSTOP_SECONDS;
    // Each process of the chain dies with its parent: coreutils' timeout with the driver's thread, QEMU with
    // timeout. Nothing outlives the driver, even a worker thread that was terminated with QEMU waiting.
    const dying = (command: string[]): string[] => (setpriv === null ? command : [setpriv, '--pdeathsig', 'KILL', ...command]);
    const qemu = dying([options.qemu, ...args]);
    const [command, ...argv] = timeout === null ? qemu : dying([timeout, '--foreground', '-s', 'KILL', `${backstop}s`, ...qemu]);
    const stdio = options.resident ? ['ignore', 'ignore', 'pipe', options.ram.fd, 'pipe', 'pipe'] : ['ignore', 'ignore', 'pipe', options.ram.fd];
    // A process group of its own, so that killing it kills QEMU and coreutils' timeout together.
    const child = spawn(command as string, argv, { detached: true, stdio: stdio as ('pipe' | 'ignore' | number)[] });
    track(child);
    const channels = child.stdio as unknown as (Readable & Writable)[];
    const qmp = options.resident ? (channels[4] as Writable) : null;
    const started = new QemuProcess(child, qmp);
    child.stderr?.setEncoding('utf8');
    child.stderr?.on('data', (chunk: string) => {
      started.stderr = (started.stderr + chunk).slice(-4000);
    });
    if (options.resident) {
      (channels[4] as Readable).resume(); // QMP's greeting and replies: nothing to read in them
      (channels[5] as Readable).on('data', (bytes: Buffer) => {
        started.doneBytes += bytes.length;
        started.notify?.();
      });
      qmp?.on('error', () => {}); // QEMU gone: its exit says why
      qmp?.write('{"execute":"qmp_capabilities"}\n');
    }
    child.once('error', (error) => {
      started.stderr += `\n${error.message}`;
      started.finish({ status: null, signal: null });
    });
    child.once('close', (status, signal) => started.finish({ status, signal }));
    return started;
  }

  private finish(ended: Ended): void {
    this.ended ??= ended;
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
    if (this.batches > 1 && this.ended === null) this.qmp?.write('{"execute":"inject-nmi"}\n');
    this.hold(true);
    return new Promise((resolve) => {
      let timedOut = false;
      const timer = setTimeout(() => {
        timedOut = true;
        killGroup(this.child);
      }, timeoutMs);
      const check = (): void => {
        const waiting = this.ended === null && this.doneBytes >= this.batches;
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
    const handles = [this.child, ...this.child.stdio] as ({ ref?: () => void; unref?: () => void } | null)[];
    for (const h of handles) busy ? h?.ref?.() : h?.unref?.();
  }

  kill(): void {
    killGroup(this.child);
  }
}

export function boot(options: BootOptions): Promise<BootOutcome> {
  return QemuProcess.start({ ...options, resident: false, lifetimeMs: options.timeoutMs }).runBatch(options.timeoutMs);
}
