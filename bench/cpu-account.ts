/**
 * CPU spent over a stretch of a benchmark: by this process (every thread, process.cpuUsage) and by the
 * whole machine (busy time in /proc/stat: everything but idle and iowait, all processes and the kernel).
 * The difference is what the processes this one drives (QEMU, its launchers) and the kernel spent, plus
 * anything else running on the machine. A throughput target on N cores is a CPU budget of N / rate per
 * item; these say where the time went against it.
 */
import { readFileSync } from 'node:fs';

export interface CpuSpent {
  /** Microseconds of CPU, this process. */
  readonly processUs: number;
  /** Microseconds of CPU, the whole machine; null where /proc/stat cannot be read (not Linux). */
  readonly machineUs: number | null;
}

/** Clock ticks per second of /proc/stat (USER_HZ, 100 on every Linux architecture this runs on). */
const USER_HZ = 100;

function machineBusyUs(): number | null {
  let line: string;
  try {
    line = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0] as string;
  } catch {
    return null;
  }
  // cpu user nice system idle iowait irq softirq steal guest guest_nice; guest time is inside user.
  const ticks = line.trim().split(/\s+/).slice(1, 9).map(Number);
  const busy = ticks.reduce((n, t) => n + t, 0) - (ticks[3] as number) - (ticks[4] as number);
  return (busy * 1e6) / USER_HZ;
}

/** Starts counting; the function returned gives what was spent since. */
export function cpuAccount(): () => CpuSpent {
  const process0 = process.cpuUsage();
  const machine0 = machineBusyUs();
  return () => {
    const p = process.cpuUsage(process0);
    const machine1 = machineBusyUs();
    return { processUs: p.user + p.system, machineUs: machine0 === null || machine1 === null ? null : machine1 - machine0 };
  };
}
