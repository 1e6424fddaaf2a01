/**
 * 32-bit paging on the reference machine (SDM 4.3): 4 KiB and 4 MiB pages, PSE-36 frames above 4 GiB,
 * reserved bits of a 4 MiB PDE, A/D in 4-byte entries, INVLPG over a whole 4 MiB page, and the flushes
 * of a change of CR4.PSE or CR4.PAE. Each trace is also checked against the specification.
 */
import { describe, expect, it } from 'vitest';
import { PF_ERROR } from '../../src/arch/entry-layout.ts';
import { type Hex64, hexFromHalves } from '../../src/arch/word.ts';
import { checkTrace } from '../../src/machine/check.ts';
import type { Observation } from '../../src/machine/observation.ts';
import { type Step, type Trace, TRACE_FORMAT, TRACE_VERSION } from '../../src/machine/trace.ts';
import { Paging32TableBuilder, referenceMachine } from './index.ts';

const PG = 0x80000000;
const PSE = 1 << 4;
const PAE = 1 << 5;
const PGE = 1 << 7;
const MiB = 2 ** 20;
const hex = (n: number): Hex64 => hexFromHalves(n % 2 ** 32, Math.floor(n / 2 ** 32));
const load = (va: number, size: 1 | 2 | 4 | 8 = 4, user = false): Step => ({ op: 'load', va, size, user });
const store = (va: number, value: number, user = false): Step => ({ op: 'store', va, size: 4, value: hex(value), user });

const DIRECTORY = 0x2000;
const TABLES = 0x10000;

function trace(
  build: (b: Paging32TableBuilder) => void,
  data: readonly (readonly [number, number])[],
  steps: Step[],
  options: { cr4?: number; maxPhyAddr?: number } = {},
): Trace {
  const b = new Paging32TableBuilder({ directory: DIRECTORY, tables: TABLES });
  build(b);
  const words = new Map<number, Hex64>(b.memory().map((w) => [w.pa, w.value] as const));
  for (const [pa, v] of data) words.set(pa, hex(v));
  return {
    format: TRACE_FORMAT,
    version: TRACE_VERSION,
    maxPhyAddr: options.maxPhyAddr ?? 36,
    registers: { cr0: PG, cr3: b.cr3, cr4: options.cr4 ?? PSE, efer: 0 },
    memory: [...words.entries()].sort((x, y) => x[0] - y[0]).map(([pa, value]) => ({ pa, value })),
    steps,
  };
}

/** Runs the trace on the reference, asserts it agrees with the specification, returns the observations. */
async function run(t: Trace): Promise<{ observations: readonly Observation[]; memory: ReadonlyMap<number, string> }> {
  const { divergence, result } = await checkTrace(referenceMachine, t);
  expect(divergence?.explanation ?? null).toBeNull();
  if (result === null) throw new Error('no result');
  return { observations: result.observations, memory: new Map(result.memory.map((w) => [w.pa, w.value])) };
}

const value = (v: number): Observation => ({ kind: 'value', value: hex(v) });

describe('32-bit paging on the reference machine', () => {
  it('translates 4 KiB pages through a page directory and a page table', async () => {
    const t = trace((b) => b.map4k(0x00403000, 0x7000), [[0x7010, 0xabcd]], [load(0x00403010), store(0x00403010, 5), load(0x00403010)]);
    const { observations, memory } = await run(t);
    expect(observations).toEqual([value(0xabcd), { kind: 'done' }, value(5)]);
    // A and D in the 4-byte PTE, A in the PDE (SDM 4.8)
    const pte = new Paging32TableBuilder({ directory: DIRECTORY, tables: TABLES }).map4k(0x00403000, 0).pteAddress(0x00403000);
    expect(BigInt(memory.get(pte - (pte % 8)) ?? '0x0') >> BigInt((pte % 8) * 8) & 0x60n).toBe(0x60n);
  });

  it('maps 4 MiB pages with CR4.PSE = 1, including offsets in the upper 2 MiB half', async () => {
    const t = trace((b) => b.map4m(0x00c00000, 0x01000000), [[0x01000000 + 3 * MiB + 8, 0x77]], [load(0x00c00000 + 3 * MiB + 8)]);
    expect((await run(t)).observations).toEqual([value(0x77)]);
  });

  it('reaches 4 MiB frames above 4 GiB through PSE-36, up to 2^min(MAXPHYADDR, 40)', async () => {
    const frame = 2 ** 39 + 12 * MiB;
    const t = trace((b) => b.map4m(0x00400000, frame), [[frame + 2 * MiB, 0x99], [12 * MiB + 2 * MiB, 0x11]], [load(0x00600000)], { maxPhyAddr: 44 });
    expect((await run(t)).observations).toEqual([value(0x99)]);
  });

  it('faults with RSVD on a 4 MiB PDE that sets bit 21 or a PSE-36 bit beyond MAXPHYADDR', async () => {
    const high = trace((b) => b.map4m(0x00400000, 2 ** 36 + 4 * MiB), [], [load(0x00400000)], { maxPhyAddr: 36 });
    expect((await run(high)).observations).toEqual([{ kind: 'page-fault', errorCode: PF_ERROR.P | PF_ERROR.RSVD, cr2: 0x00400000 }]);
    const bit21 = trace((b) => b.map4m(0x00400000, 4 * MiB), [], [
      writeEntry(0x2004, (4 * MiB) | (1 << 21) | 0x87),
      { op: 'invlpg', va: 0x00400000 },
      load(0x00400000),
    ]);
    expect((await run(bit21)).observations.at(-1)).toEqual({ kind: 'page-fault', errorCode: PF_ERROR.P | PF_ERROR.RSVD, cr2: 0x00400000 });
  });

  it('ignores PS when CR4.PSE = 0: the PDE references a page table', async () => {
    // PDE at index 1 is a 4 MiB PDE for frame 0x00800000; without PSE it is a table at 0x00800000 | PS bits.
    const t = trace((b) => b.map4m(0x00400000, 0x00800000), [[0x00800000, hexLow(0x9000 | 0x67)], [0x9000, 0x42]], [load(0x00401000)], { cr4: 0 });
    expect((await run(t)).observations).toEqual([value(0x42)]);
  });

  it('INVLPG of any address of a 4 MiB page removes both 2 MiB halves from the TLB', async () => {
    // The PDE of 0x00400000 is the high half of the word at 0x2000; it moves to frame 0x01400000.
    const t = trace((b) => b.map4m(0x00400000, 0x01000000), [[0x01000000 + 3 * MiB, 1], [0x01400000 + 3 * MiB, 2]], [
      load(0x00400000 + 3 * MiB),
      writeEntry(0x2004, 0x01400000 | 0xe7),
      { op: 'invlpg', va: 0x00400000 },
      load(0x00400000 + 3 * MiB),
    ]);
    expect((await run(t)).observations.at(-1)).toEqual(value(2));
  });

  it('INVLPG in the upper half of a 4 MiB page at linear 0 removes its cached lower half (TLB set 0, way 0)', async () => {
    // The PDE of linear 0 is the low half of the word at 0x2000; it moves to frame 0x01400000. The load at 8
    // caches the lower 2 MiB half in the first slot of the 2 MiB array; INVLPG of an address in the upper
    // half must remove it all the same (SDM 4.10.4.1: every entry for the page).
    const t = trace((b) => b.map4m(0, 0x01000000), [[0x01000000 + 8, 1], [0x01400000 + 8, 2]], [
      load(8),
      writeEntry(0x2000, 0x01400000 | 0xe7),
      { op: 'invlpg', va: 0x00201000 },
      load(8),
    ]);
    expect((await run(t)).observations).toEqual([value(1), { kind: 'done' }, { kind: 'done' }, value(2)]);
  });

  it('INVLPG of a 4 KiB-mapped address keeps the other 4 KiB entries of its 4 MiB region (reference policy)', async () => {
    // 0x6000's PTE moves to frame 0x9000 without its own INVLPG: the cached translation may stay, and the
    // reference keeps it (dropping the region's 4 KiB entries is for an address that maps a 4 MiB page).
    const b = new Paging32TableBuilder({ directory: DIRECTORY, tables: TABLES }).map4k(0x5000, 0x7000).map4k(0x6000, 0x8000);
    const t = trace((b) => b.map4k(0x5000, 0x7000).map4k(0x6000, 0x8000), [[0x8000, 2]], [
      load(0x5000),
      load(0x6000),
      writeEntry(b.pteAddress(0x6000), 0x9000 | 0x67),
      { op: 'invlpg', va: 0x5000 },
      load(0x6000),
    ]);
    expect((await run(t)).observations.at(-1)).toEqual(value(2));
  });

  it('a change of CR4.PSE flushes every translation, global ones included', async () => {
    // The PTE of 0x1000 is the high half of the word at TABLES.
    const t = trace((b) => b.map4k(0x00001000, 0x7000, { global: true }), [[0x7000, 1], [0x8000, 2]], [
      load(0x00001000),
      writeEntry(TABLES + 4, 0x8000 | 0x167),
      { op: 'mov-cr4', value: PGE },
      load(0x00001000),
    ], { cr4: PSE | PGE });
    expect((await run(t)).observations.at(-1)).toEqual(value(2));
  });

  it('turning CR4.PAE on while paging loads the PDPTEs from CR3, and #GPs on a bad one', async () => {
    // PDE 0 points to a page table with R/W and U/S set: as a PDPTE, bits 2..1 are reserved.
    const bad = trace((b) => b.map4k(0x00001000, 0x7000), [], [{ op: 'mov-cr4', value: PAE }, load(0x00001000)]);
    expect((await run(bad)).observations[0]).toEqual({ kind: 'general-protection' });
    // Rewritten with P only, it is a valid PDPTE; the walk then reads the page table as a PAE directory.
    const good = trace((b) => b.map4k(0x00001000, 0x7000), [], [writeEntry(0x2000, TABLES | 1), { op: 'mov-cr4', value: PAE }, load(0x00001000)]);
    expect((await run(good)).observations.slice(1)).toEqual([{ kind: 'done' }, { kind: 'page-fault', errorCode: 0, cr2: 0x00001000 }]);
  });

  it('reports no I/D bit in the error code of a fetch fault under 32-bit paging, even with EFER.NXE = 1', async () => {
    const t = trace((b) => b.map4k(0x00001000, 0x7000, { user: false }), [], [{ op: 'fetch', va: 0x00001000, size: 4, user: true }]);
    const observed = (await run({ ...t, registers: { ...t.registers, efer: 1 << 11 } })).observations;
    expect(observed).toEqual([{ kind: 'page-fault', errorCode: PF_ERROR.P | PF_ERROR.US, cr2: 0x00001000 }]);
  });
});

/** A 4-byte entry in the high half of an 8-byte word. */
function hexLow(v: number): number {
  return v * 2 ** 32;
}

/** Writes a 4-byte entry at pa as a physical write of its 8-byte word, the other half zero. */
function writeEntry(pa: number, entry: number): Step {
  const e = entry >>> 0;
  return { op: 'write-phys', pa: pa - (pa % 8), value: pa % 8 === 0 ? hexFromHalves(e, 0) : hexFromHalves(0, e) };
}
