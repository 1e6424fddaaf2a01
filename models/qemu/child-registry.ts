/**
 * Every QEMU this process started and has not seen exit, so that none outlives it: on exit they are
 * killed; on SIGINT or SIGTERM too, when nobody else handles the signal (the CLI stops a campaign
 * gracefully on SIGINT and lets running boots finish; its exit then kills what is left). A QEMU started
 * from a worker thread is also bounded by coreutils' timeout (qemu-process.ts), since a worker's exit
 * handlers do not run when the main thread ends the process.
 */
import { isMainThread } from 'node:worker_threads';

/** A process leading a process group of its own (launcher.ts): its pid once known, and how to kill it. */
export interface GroupLeader {
  readonly pid: number | undefined;
  kill(): void;
}

const live = new Set<GroupLeader>();
let installed = false;

/** Kills a process started in a process group of its own, and everything in that group. */
export function killGroup(pid: number): void {
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // gone already
    }
  }
}

function killAll(): void {
  for (const child of live) child.kill();
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

export function track(child: GroupLeader): void {
  install();
  live.add(child);
}

/** The child has exited. */
export function untrack(child: GroupLeader): void {
  live.delete(child);
}

/** How many tracked QEMU processes are running (for tests). */
export function liveChildren(): number {
  return live.size;
}

/** The process ids of the tracked children (QEMU, or coreutils' timeout around it), for benchmarks. */
export function trackedPids(): number[] {
  return [...live].flatMap((child) => (child.pid === undefined ? [] : [child.pid]));
}
