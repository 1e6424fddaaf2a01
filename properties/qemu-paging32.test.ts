/**
 * 32-bit paging (CR4.PAE = 0, SDM 4.3) on QEMU's MMU: hand-written traces for each case that matters
 * (a 4 KiB page, a 4 MiB page with CR4.PSE, a 4 MiB frame above 4 GiB through PSE-36, a PS = 1 PDE with
 * CR4.PSE = 0 read as a page-table pointer, not-present faults), each checked against the specification
 * after adaptation and against the observations written down here; a check shown to fail on a wrong
 * expectation; and a short paging-32 campaign, as property and as batched sweep. Skipped, saying why,
 * when qemu-system-i386 is not installed (.ci/run installs it).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { knownDeviationOf, QemuMachine, qemuUnavailableReason } from '../models/qemu/index.ts';
import { mappedWindow } from '../models/qemu/choose-window.ts';
import { paging32TraceArbitrary } from '../src/arbitraries/paging-32-trace.ts';
import { hexFromBigInt } from '../src/arch/word.ts';
import { fastCheckSeed, runConfigFromEnv } from '../src/config/run-config.ts';
import { checkTrace, compare } from '../src/machine/check.ts';
import { formatTrace } from '../src/machine/format.ts';
import type { Observation } from '../src/machine/observation.ts';
import type { MemoryWord, Step, Trace } from '../src/machine/trace.ts';

const unavailable = qemuUnavailableReason();
if (unavailable !== null) console.log(`QEMU suites skipped: ${unavailable}`);
const skipped = unavailable === null ? '' : ` (skipped: ${unavailable})`;
const qemu = new QemuMachine({ processes: 2 });

const PG = 0x80000000;
const PSE = 0x10;
/** Page directory and page tables of the hand-written traces (below 4 GiB, in guest RAM). */
const PD = 0x00400000;
const PT = 0x00401000;
const PT2 = 0x00402000;
/** PDE and PTE flags. */
const P = 0x1;
const RW = 0x2;
const US = 0x4;
const PS = 0x80;
const A = 0x20;
const D = 0x40;

/** 4-byte entries and data words, merged into the trace's 8-byte little-endian words. */
function image(entries: Record<number, number>, data: Record<number, bigint> = {}): MemoryWord[] {
  const words = new Map<number, bigint>();
  for (const [pa, v] of Object.entries(entries).map(([k, v]) => [Number(k), v] as const)) {
    const at = pa - (pa % 8);
    const shift = pa % 8 === 0 ? 0n : 32n;
    words.set(at, (words.get(at) ?? 0n) | (BigInt(v >>> 0) << shift));
  }
  for (const [pa, v] of Object.entries(data)) words.set(Number(pa), v);
  return [...words.entries()].sort(([a], [b]) => a - b).map(([pa, v]) => ({ pa, value: hexFromBigInt(v) }));
}

function trace32(cr4: number, memory: MemoryWord[], steps: Step[]): Trace {
  return { format: 'xlatcheck-trace', version: 1, maxPhyAddr: 36, registers: { cr0: PG, cr3: PD, cr4, efer: 0 }, memory, steps };
}

const pde = (index: number): number => PD + 4 * index;
const pte = (table: number, index: number): number => table + 4 * index;
const value = (v: bigint): Observation => ({ kind: 'value', value: hexFromBigInt(v) });
const DONE: Observation = { kind: 'done' };

/** A frame above 4 GiB (20 GiB + 32 MiB, in guest RAM) and its twin with the same low 32 bits. */
const HIGH_FRAME = 5 * 2 ** 32 + 0x02000000;
const TWIN_FRAME = 0x02000000;
/** PDE bits 20..13 hold the frame's address bits 39..32 (SDM Table 4-4). */
const HIGH_PDE = (TWIN_FRAME | (5 << 13) | PS | P | RW) >>> 0;

interface Case {
  readonly name: string;
  readonly trace: Trace;
  /** What the SDM says each step observes (written down by hand, independent of the specification). */
  readonly expected: readonly Observation[];
}

const CASES: readonly Case[] = [
  {
    name: 'a 4 KiB page: load, store, load back; A and D set',
    trace: trace32(0, image({ [pde(1)]: PT | P | RW | US, [pte(PT, 2)]: 0x00800000 | P | RW | US }, { 0x00800010: 0x1122334455667788n }), [
      { op: 'load', va: 0x00402010, size: 8, user: true },
      { op: 'store', va: 0x00402018, size: 4, user: false, value: hexFromBigInt(0xdeadbeefn) },
      { op: 'load', va: 0x00402016, size: 4, user: true },
    ]),
    expected: [value(0x1122334455667788n), DONE, value(0xbeef1122n)],
  },
  {
    name: 'a 4 MiB page with CR4.PSE = 1, read in its upper 2 MiB half',
    trace: trace32(PSE, image({ [pde(3)]: 0x01000000 | PS | P | RW }, { 0x013ff008: 0xa5a5a5a5_01020304n }), [
      { op: 'load', va: 0x00fff008, size: 4, user: false },
      { op: 'store', va: 0x00fff00c, size: 2, user: false, value: hexFromBigInt(0x7777n) },
      { op: 'load', va: 0x00fff008, size: 8, user: false },
      { op: 'load', va: 0x00fff008, size: 1, user: true },
    ]),
    expected: [value(0x01020304n), DONE, value(0xa5a5777701020304n), { kind: 'page-fault', errorCode: 0x5, cr2: 0x00fff008 }],
  },
  {
    name: 'a 4 MiB frame above 4 GiB through PSE-36, beside its twin with the same low 32 bits',
    trace: trace32(
      PSE,
      image({ [pde(4)]: HIGH_PDE, [pde(5)]: TWIN_FRAME | PS | P | RW }, { [HIGH_FRAME + 0x123450]: 0x4849474820202020n, [TWIN_FRAME + 0x123450]: 0x4c4f574c4f574c4fn }),
      [
        { op: 'load', va: 0x01123450, size: 8, user: false },
        { op: 'load', va: 0x01523450, size: 8, user: false },
        { op: 'store', va: 0x01123454, size: 4, user: false, value: hexFromBigInt(0x21212121n) },
        { op: 'load', va: 0x01123450, size: 8, user: false },
        { op: 'load', va: 0x01523450, size: 8, user: false },
      ],
    ),
    expected: [value(0x4849474820202020n), value(0x4c4f574c4f574c4fn), DONE, value(0x2121212120202020n), value(0x4c4f574c4f574c4fn)],
  },
  {
    name: 'a PDE with PS = 1 while CR4.PSE = 0 references a page table',
    trace: trace32(0, image({ [pde(6)]: PT2 | PS | P | RW, [pte(PT2, 5)]: 0x00805000 | P | RW }, { 0x00805020: 0x5441424c45n }), [
      { op: 'load', va: 0x01805020, size: 8, user: false },
    ]),
    expected: [value(0x5441424c45n)],
  },
  {
    name: 'not-present faults at the PDE and at the PTE: error code and CR2',
    trace: trace32(0, image({ [pde(1)]: PT | P | RW | US, [pte(PT, 2)]: 0x00800000 | P | RW | US }), [
      { op: 'load', va: 0x02000123, size: 4, user: true },
      { op: 'store', va: 0x00403456, size: 2, user: false, value: hexFromBigInt(0x1n) },
      { op: 'fetch', va: 0x00403ffe, size: 1, user: true },
    ]),
    expected: [
      { kind: 'page-fault', errorCode: 0x4, cr2: 0x02000123 },
      { kind: 'page-fault', errorCode: 0x2, cr2: 0x00403456 },
      // SDM 4.7: I/D is reported only with PAE paging and EFER.NXE or SMEP; not under 32-bit paging.
      { kind: 'page-fault', errorCode: 0x4, cr2: 0x00403ffe },
    ],
  },
];

describe.skipIf(unavailable !== null)(`QEMU, 32-bit paging by hand${skipped}`, () => {
  it.each(CASES.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    const adapted = qemu.adapt(c.trace).trace;
    expect(mappedWindow(adapted)).not.toBeNull();
    const result = await qemu.run(adapted);
    expect(result.observations).toEqual(c.expected);
    const { divergence } = compare(adapted, result);
    expect(divergence?.explanation ?? null).toBeNull();
  });

  it('sets accessed and dirty flags in 4-byte entries, and only where the SDM says', async () => {
    const c = CASES[0] as Case;
    const adapted = qemu.adapt(c.trace).trace;
    const result = await qemu.run(adapted);
    const word = (pa: number): bigint => BigInt(result.memory.find((w) => w.pa === pa - (pa % 8))?.value ?? '0x0');
    const entry = (pa: number): number => Number((word(pa) >> (pa % 8 === 0 ? 0n : 32n)) & 0xffffffffn);
    // The adapter keeps this trace where it is: its directory, table and frame lie in guest RAM.
    expect(adapted.registers.cr3).toBe(PD);
    expect(entry(pde(1)) & (A | D)).toBe(A);
    expect(entry(pte(PT, 2)) & (A | D)).toBe(A | D);
    expect(word(0x00800018)).toBe(0xdeadbeefn);
  });

  it('can fail: the same run judged against a trace whose PDE lost its PSE-36 bits diverges', async () => {
    const c = CASES[2] as Case;
    const adapted = qemu.adapt(c.trace).trace;
    const result = await qemu.run(adapted);
    const truncated: Trace = {
      ...adapted,
      memory: adapted.memory.map((w) => (w.pa === pde(4) - (pde(4) % 8) ? { ...w, value: hexFromBigInt(BigInt(w.value) & ~(0xffn << 13n)) } : w)),
    };
    expect(compare(adapted, result).divergence).toBeNull();
    const { divergence } = compare(truncated, result);
    expect(divergence?.kind).toBe('observation');
    expect(divergence?.stepIndex).toBe(0);
  });

  it('can fail: a machine that answers a wrong value is a divergence', async () => {
    const c = CASES[1] as Case;
    const adapted = qemu.adapt(c.trace).trace;
    const result = await qemu.run(adapted);
    const wrong = { ...result, observations: result.observations.map((o, i) => (i === 0 ? value(0x01020305n) : o)) };
    expect(compare(adapted, wrong).divergence?.stepIndex).toBe(0);
  });
});

const { seed, runs } = runConfigFromEnv();
/** One boot per run while shrinking is possible: a few keep the suite short. */
const PROPERTY_RUNS = Math.min(runs, 12);
/** Many traces in a few boots, without shrinking. */
const SWEEP = Math.min(runs * 2, 200);

/** Why a QEMU run of the adapted trace departs from the specification other than as known, or null. */
function unexplained(trace: Trace, divergence: Parameters<typeof knownDeviationOf>[1] | null): string | null {
  if (divergence === null || knownDeviationOf(trace, divergence) !== null) return null;
  return `${divergence.kind}\n${divergence.explanation}\n\nadapted trace:\n${formatTrace(trace)}`;
}

describe.skipIf(unavailable !== null)(`QEMU, paging-32 family${skipped}`, () => {
  it('agrees with the specification except for its known deviations (property, shrinks)', async () => {
    await fc.assert(
      fc.asyncProperty(paging32TraceArbitrary(), async (original) => {
        const trace = qemu.adapt(original).trace;
        const problem = unexplained(trace, (await checkTrace(qemu, trace)).divergence);
        if (problem !== null) throw new Error(problem);
      }),
      { seed: fastCheckSeed(seed), numRuns: PROPERTY_RUNS },
    );
  });

  it(`agrees except for its known deviations on ${SWEEP} more traces, run in batches`, async () => {
    const traces = fc.sample(paging32TraceArbitrary(), { seed: fastCheckSeed(seed) + 1, numRuns: SWEEP }).map((t) => qemu.adapt(t).trace);
    const outcomes = await qemu.runBatch(traces);
    const problems: string[] = [];
    outcomes.forEach((o, i) => {
      const trace = traces[i] as Trace;
      if (o.error !== null) return void problems.push(`machine error: ${o.error}\n${formatTrace(trace)}`);
      const problem = unexplained(trace, compare(trace, o.result).divergence);
      if (problem !== null) problems.push(problem);
    });
    expect(problems.slice(0, 1)).toEqual([]);
  });
});
