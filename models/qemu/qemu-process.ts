/**
 * One boot of qemu-system-i386 on a RAM file: software emulation (TCG), the microvm machine (no PCI, no
 * firmware work beyond the first MiB), a 36-bit CPU with NX, the guest as a multiboot kernel, and the
 * debug-exit device through which the guest ends the run (QEMU.md). The run is bounded by a timeout; how
 * it ended is a value, never an exception.
 */
import { spawn } from 'node:child_process';
import { findTimeout } from './availability.ts';
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

export interface BootOutcome {
  /** Exit status, or null when QEMU was killed. */
  readonly status: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly timedOut: boolean;
  /** The last lines QEMU wrote to stderr, for explanations. */
  readonly stderr: string;
  readonly elapsedMs: number;
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

/** Seconds after the driver's own timeout at which coreutils' timeout kills QEMU regardless. */
const BACKSTOP_SECONDS = 10;

export function boot(options: BootOptions): Promise<BootOutcome> {
  const args = qemuArguments(options.kernel);
  const timeout = findTimeout();
  const backstop = Math.ceil(options.timeoutMs / 1000) + BACKSTOP_SECONDS;
  const [command, argv] =
    timeout === null ? [options.qemu, args] : [timeout, ['--foreground', '-s', 'KILL', `${backstop}s`, options.qemu, ...args]];
  const started = Date.now();
  return new Promise((resolve) => {
    // A process group of its own, so that killing it kills QEMU and coreutils' timeout together.
    const child = spawn(command, argv, { detached: true, stdio: ['ignore', 'ignore', 'pipe', options.ram.fd] });
    track(child);
    let stderr = '';
    let timedOut = false;
    child.stderr?.setEncoding('utf8');
    child.stderr?.on('data', (chunk: string) => {
      stderr = (stderr + chunk).slice(-4000);
    });
    const timer = setTimeout(() => {
      timedOut = true;
      killGroup(child);
    }, options.timeoutMs);
    const finish = (status: number | null, signal: NodeJS.Signals | null): void => {
      clearTimeout(timer);
      resolve({ status, signal, timedOut, stderr: stderr.trim(), elapsedMs: Date.now() - started });
    };
    child.once('error', (error) => {
      stderr += `\n${error.message}`;
      finish(null, null);
    });
    child.once('close', finish);
  });
}
