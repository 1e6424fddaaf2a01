/**
 * Every QEMU this process started and has not seen exit, so that none outlives it: on exit they are
 * killed; on SIGINT or SIGTERM too, when nobody else handles the signal (the CLI stops a campaign
 * gracefully on SIGINT and lets running boots finish; its exit then kills what is left). A QEMU started
 * from a worker thread is also bounded by coreutils' timeout (qemu-process.ts), since a worker's exit
 * handlers do not run when the main thread ends the process.
 */
import type { ChildProcess } from 'node:child_process';
import { isMainThread } from 'node:worker_threads';

const live = new Set<ChildProcess>();
let installed = false;

/** Kills a child started with `detached: true` and everything in its process group. */
export function killGroup(child: ChildProcess): void {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  try {
    process.kill(-child.pid, 'SIGKILL');
  } catch {
    child.kill('SIGKILL');
  }
}

function killAll(): void {
  for (const child of live) killGroup(child);
  live.clear();
}

function onSignal(signal: NodeJS.Signals): void {
  if (process.listenerCount(signal) > 1) return;
  killAll();
  process.removeAllListeners(signal);
  process.kill(process.pid, signal);
}

function install(): void {
  if (installed) return;
  installed = true;
  process.on('exit', killAll);
  if (!isMainThread) return;
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, onSignal);
}

export function track(child: ChildProcess): void {
  install();
  live.add(child);
  child.once('exit', () => live.delete(child));
}

/** How many tracked QEMU processes are running (for tests). */
export function liveChildren(): number {
  return live.size;
}

/** The process ids of the tracked children (QEMU, or coreutils' timeout around it), for benchmarks. */
export function trackedPids(): number[] {
  return [...live].flatMap((child) => (child.pid === undefined ? [] : [child.pid]));
}
