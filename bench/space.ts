/**
 * Benchmarks of the multi-space system on the reference processor:
 *
 * - the exhaustive isolation walk of the default 4-space layout (src/arbitraries/space/layout.ts: three
 *   paged spaces with 256 MiB private chunks mapped with mixed, 2 MiB and 4 KiB pages): every space's
 *   page tables scanned over its 4 GiB and judged (target: under 2000 ms);
 * - call throughput through the gate: one thread's calls of every module kind, each a full claim-7 call
 *   (preemption off, parameters to the mailbox, paging on, module, paging off, result back).
 *
 * `spaceBenchmarks()` returns the figures by name; bench/main.ts prints them.
 */
import { createReferenceProcessor } from '../models/reference/index.ts';
import { createSpaceSystem } from '../models/reference/system/index.ts';
import { defaultLayout } from '../src/arbitraries/space/layout.ts';
import type { Call, SpaceSystem, SystemLayout } from '../src/machine/system.ts';
import { isolationViolations, type SpaceReach } from '../src/spec/space/isolation.ts';
import { IDENTITY_REACH, walkSpace } from '../src/spec/space/reach.ts';

const system = createSpaceSystem('reference', createReferenceProcessor);

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

/** Switches to each space, walks its page tables exhaustively, and judges the reaches; returns the pages mapped. */
function isolationWalk(s: SpaceSystem): number {
  const reaches: SpaceReach[] = [];
  let pages = 0;
  for (let k = 0; k <= s.layout.spaces.length; k++) {
    s.switchTo(k);
    if (k === 0) {
      reaches.push({ space: 0, paging: false, runs: IDENTITY_REACH });
      continue;
    }
    const walked = walkSpace((pa) => s.cpu.readPhys32(pa), s.cpu.cr3, s.cpu.maxPhyAddr);
    pages += walked.runs.reduce((n, r) => n + r.size / r.pageSize, 0);
    reaches.push({ space: k, paging: true, runs: walked.runs });
  }
  s.switchTo(0);
  if (isolationViolations(s.layout, reaches).length > 0) throw new Error('bench: the reference system is not isolated');
  return pages;
}

/** A long call mix: every operation of every module, keys cycling over a small set. */
function callMix(layout: SystemLayout, count: number): Call[] {
  const calls: Call[] = [];
  for (let i = 0; calls.length < count; i++) {
    const key = i % 64;
    calls.push({ op: 'bc.write', space: 0, block: key, value: i }, { op: 'bc.read', space: 0, block: key });
    layout.spaces.forEach((s, index) => {
      const space = index + 1;
      if (s.module === 'inode-cache') calls.push({ op: 'ic.set', space, ino: key, size: i }, { op: 'ic.fetch', space, ino: key + 64 });
      if (s.module === 'name-cache') calls.push({ op: 'nc.enter', space, dir: key % 4, name: 'etc', ino: key }, { op: 'nc.stat', space, dir: key % 4, name: 'etc' });
      if (s.module === 'snapshot') calls.push({ op: 'snap.write', space, block: key, value: i }, { op: 'snap.read', space, snapshot: 0, block: key });
    });
  }
  return calls.slice(0, count);
}

export async function spaceBenchmarks(): Promise<Record<string, number>> {
  const layout = defaultLayout();
  const booted = system.boot({ layout, threads: 4 });
  const times: number[] = [];
  let pages = 0;
  for (let i = 0; i < 7; i++) {
    const start = performance.now();
    pages = isolationWalk(booted);
    times.push(performance.now() - start);
  }

  // One thread with a 1 MiB stack holds 16384 context frames: one run is one long sequence of calls.
  const callLayout: SystemLayout = { ...layout, stackBytes: 1024 * 1024 };
  const calls = callMix(callLayout, 16384);
  const rates: number[] = [];
  for (let i = 0; i < 3; i++) {
    const s = system.boot({ layout: callLayout, threads: 1 });
    const start = performance.now();
    const report = s.run({ threads: [calls], schedule: [] });
    const seconds = (performance.now() - start) / 1000;
    if (report.panic !== null || report.completedCalls !== calls.length) throw new Error(`bench: call run failed: ${report.panic}`);
    rates.push(calls.length / seconds);
  }
  return {
    'space.isolation-walk-ms': median(times),
    'space.isolation-walk-pages': pages,
    'space.gate-calls-per-second': median(rates),
  };
}

// `npx tsx bench/space.ts` prints the figures.
if (process.argv[1]?.endsWith('space.ts')) {
  spaceBenchmarks().then((r) => console.log(r));
}
