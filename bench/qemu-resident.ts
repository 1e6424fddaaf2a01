/**
 * The largest resident set of the QEMU processes this thread runs, sampled while a benchmark runs.
 */
import { readFileSync } from 'node:fs';
import { trackedPids } from '../models/qemu/child-registry.ts';

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
export async function peakResidentMb<T>(body: () => Promise<T>): Promise<{ value: T; mb: number }> {
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
