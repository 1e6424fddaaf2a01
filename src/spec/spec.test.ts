import { describe, expect, it } from 'vitest';
import { hexFromBigInt, type Hex64 } from '../arch/word.ts';
import { compare } from '../machine/check.ts';
import type { MachineResult, Observation } from '../machine/observation.ts';
import type { MemoryWord, Step, Trace } from '../machine/trace.ts';
import { initialState } from './state.ts';
import { advance, outcomes } from './transition.ts';

const PG = 0x80000000;
const WP = 1 << 16;
const PAE = 1 << 5;
const PGE = 1 << 7;
const h = (v: bigint): Hex64 => hexFromBigInt(v);

/** PDPT at 0x1000, PD at 0x2000, PT at 0x3000; va 0x00400000 -> frame given; va 0x00600000 2 MiB. */
function image(pte: bigint, pde2m: Hex64): MemoryWord[] {
  return [
    { pa: 0x1000, value: h(0x2001n) },
    { pa: 0x2000 + 2 * 8, value: h(0x3007n) }, // PDE[2] -> PT, P|RW|US
    { pa: 0x2000 + 3 * 8, value: pde2m }, // PDE[3] maps 0x00600000
    { pa: 0x3000, value: h(pte) }, // PTE[0] maps 0x00400000
  ].filter((w) => w.value !== '0x0') as MemoryWord[];
}

function trace(steps: Step[], memory = image(0x5007n, h(0x1_0020_0087n)), cr0 = PG | WP, cr4 = PAE): Trace {
  return { format: 'xlatcheck-trace', version: 1, maxPhyAddr: 36, registers: { cr0, cr3: 0x1000, cr4, efer: 0 }, memory, steps };
}

function allowed(t: Trace): Observation[][] {
  let states = [initialState(t)];
  const out: Observation[][] = [];
  for (const step of t.steps) {
    const options = states.flatMap((s) => outcomes(s, step));
    out.push(options.map((o) => o.observation));
    states = states.flatMap((s) => advance(s, outcomes(s, step).filter((o) => o === options[0] || o.observation.kind === options[0]?.observation.kind)));
  }
  return out;
}

describe('walk-level specification', () => {
  it('translates a 4 KiB page and requires the accessed bits', () => {
    const t = trace([
      { op: 'store', va: 0x00400010, size: 4, value: h(0xdeadbeefn), user: false },
      { op: 'load', va: 0x00400010, size: 2, user: true },
    ]);
    const observations: Observation[] = [{ kind: 'done' }, { kind: 'value', value: h(0xbeefn) }];
    const good: MachineResult = {
      observations,
      memory: [
        { pa: 0x1000, value: h(0x2001n) },
        { pa: 0x2010, value: h(0x3027n) },
        { pa: 0x2018, value: h(0x1_0020_0087n) },
        { pa: 0x3000, value: h(0x5067n) },
        { pa: 0x5010, value: h(0xdeadbeefn) },
      ],
    };
    expect(compare(t, good).divergence).toBeNull();
    const noDirty = { ...good, memory: good.memory.map((w) => (w.pa === 0x3000 ? { ...w, value: h(0x5027n) } : w)) };
    expect(compare(t, noDirty).divergence?.kind).toBe('final-memory');
    // A word left out is a zero the specification does not have.
    expect(compare(t, { ...good, memory: good.memory.filter((w) => w.pa !== 0x5010) }).divergence?.kind).toBe('final-memory');
    // Out of order or repeated, the list is read as a map: a later word at an address replaces an earlier one.
    expect(compare(t, { ...good, memory: [...good.memory].reverse() }).divergence).toBeNull();
    expect(compare(t, { ...noDirty, memory: [...noDirty.memory].reverse() }).divergence?.kind).toBe('final-memory');
    const wrongThenRight = [{ pa: 0x3000, value: h(0x5027n) }, ...good.memory];
    expect(compare(t, { ...good, memory: wrongThenRight }).divergence).toBeNull();
    expect(compare(t, { ...good, memory: [...good.memory, { pa: 0x3000, value: h(0x5027n) }] }).divergence?.kind).toBe('final-memory');
    // A word listed twice does not stand in for one left out.
    const twiceForOne = good.memory.flatMap((w) => (w.pa === 0x5010 ? [] : w.pa === 0x3000 ? [w, w] : [w]));
    expect(compare(t, { ...good, memory: twiceForOne }).divergence?.kind).toBe('final-memory');
  });

  it('reaches a 2 MiB frame above 4 GiB at the full offset', () => {
    const t = trace([{ op: 'load', va: 0x007ffff8, size: 8, user: false }]);
    const states = [initialState(t)];
    const [o] = outcomes(states[0]!, t.steps[0]!);
    expect(o?.observation).toEqual({ kind: 'value', value: '0x0' });
    expect(o?.effects.setBits.map((b) => b.pa)).toEqual([0x2018]);
  });

  it('reports not-present, protection and reserved faults with the architectural error code', () => {
    const t = trace(
      [
        { op: 'load', va: 0x00401000, size: 4, user: true }, // PTE[1] not present
        { op: 'store', va: 0x00400000, size: 4, value: h(1n), user: true }, // PTE read-only for user
        { op: 'load', va: 0x00600000, size: 4, user: false }, // 2 MiB PDE with bit 13 set
      ],
      image(0x5005n, h(0x1_0020_2083n)),
    );
    const obs = allowed(t).map((o) => o[0]);
    expect(obs[0]).toEqual({ kind: 'page-fault', errorCode: 0b100, cr2: 0x00401000 });
    expect(obs[1]).toEqual({ kind: 'page-fault', errorCode: 0b111, cr2: 0x00400000 });
    expect(obs[2]).toEqual({ kind: 'page-fault', errorCode: 0b1001, cr2: 0x00600000 });
  });

  it('allows the stale translation after an edit without INVLPG, and only the new one after it', () => {
    const steps: Step[] = [
      { op: 'store', va: 0x00400000, size: 1, value: h(0xaan), user: false },
      { op: 'write-phys', pa: 0x6000, value: h(0xbbn) },
      { op: 'write-phys', pa: 0x3000, value: h(0x6007n) },
      { op: 'load', va: 0x00400000, size: 1, user: false },
    ];
    const stale = allowed(trace(steps))[3];
    expect(stale?.map((o) => (o.kind === 'value' ? o.value : o.kind)).sort()).toEqual(['0xaa', '0xbb']);
    const fresh = allowed(trace([...steps.slice(0, 3), { op: 'invlpg', va: 0x00400abc }, steps[3]!]))[4];
    expect(fresh).toEqual([{ kind: 'value', value: '0xbb' }]);
  });

  it('keeps global translations across MOV to CR3 only with CR4.PGE', () => {
    const steps: Step[] = [
      { op: 'load', va: 0x00400000, size: 1, user: false },
      { op: 'write-phys', pa: 0x3000, value: h(0n) },
      { op: 'mov-cr3', value: 0x1000 },
      { op: 'load', va: 0x00400000, size: 1, user: false },
    ];
    const global = image(0x5107n, h(0n));
    expect(allowed(trace(steps, global, PG, PAE | PGE))[3]?.length).toBe(2);
    expect(allowed(trace(steps, global, PG, PAE))[3]).toEqual([{ kind: 'page-fault', errorCode: 0, cr2: 0x00400000 }]);
  });

  it('raises #GP on MOV to CR3 when a present PDPTE sets a reserved bit', () => {
    const mem = [...image(0x5007n, h(0n)), { pa: 0x7000, value: h(0x2003n) }];
    const obs = allowed(trace([{ op: 'mov-cr3', value: 0x7000 }], mem));
    expect(obs[0]).toEqual([{ kind: 'general-protection' }]);
  });

  it('gives CR2 of the second page when only the second half of a straddling access faults', () => {
    const t = trace([{ op: 'load', va: 0x00400ffc, size: 8, user: false }]);
    expect(allowed(t)[0]).toEqual([{ kind: 'page-fault', errorCode: 0, cr2: 0x00401000 }]);
  });

  it('lets a cached translation skip accessed/dirty bits that software cleared without INVLPG (SDM 4.10.4.3)', () => {
    const steps: Step[] = [
      { op: 'store', va: 0x00400000, size: 1, value: h(1n), user: false },
      { op: 'write-phys', pa: 0x3000, value: h(0x5005n) },
      { op: 'invlpg', va: 0x00401000 },
      { op: 'write-phys', pa: 0x3000, value: h(0x5007n) },
      { op: 'store', va: 0x00400000, size: 1, value: h(2n), user: false },
    ];
    const t = trace(steps);
    const base = [
      { pa: 0x1000, value: h(0x2001n) },
      { pa: 0x2010, value: h(0x3027n) },
      { pa: 0x2018, value: h(0x1_0020_0087n) },
      { pa: 0x5000, value: h(2n) },
    ];
    const observations: Observation[] = steps.map(() => ({ kind: 'done' }));
    for (const pte of [0x5007n, 0x5067n]) {
      const memory = [...base, { pa: 0x3000, value: h(pte) }].sort((a, b) => a.pa - b.pa);
      expect(compare(t, { observations, memory }).divergence).toBeNull();
    }
  });

  describe('32-bit paging (CR4.PAE = 0)', () => {
    const PSE = 1 << 4;
    // Page directory at 0x1000 (CR3); PDE[1] -> page table at 0x2000; PDE[2] a 4 MiB page above 4 GiB.
    const memory = (pde2: bigint): MemoryWord[] => [
      { pa: 0x1000, value: h(0x2007n << 32n) }, // PDE[1] (high half of the first word)
      { pa: 0x1008, value: h(pde2) }, // PDE[2]
      { pa: 0x2000, value: h(0x5005n << 32n) }, // PTE[1] at 0x2004: frame 0x5000, read-only
    ];
    const trace32 = (steps: Step[], pde2: bigint, cr4 = PSE): Trace => ({
      ...trace(steps, memory(pde2), PG | WP, cr4),
      registers: { cr0: PG | WP, cr3: 0x1000, cr4, efer: 0 },
    });

    it('maps a 4 KiB page with 4-byte entries and sets A in the right half-word', () => {
      const t = trace32([{ op: 'load', va: 0x00401008, size: 4, user: true }], 0n);
      const [o] = outcomes(initialState(t), t.steps[0]!);
      expect(o?.observation).toEqual({ kind: 'value', value: '0x0' });
      expect(o?.effects.setBits).toEqual([
        { pa: 0x1000, bits: 0x20n << 32n },
        { pa: 0x2000, bits: 0x20n << 32n },
      ]);
    });

    it('reaches a 4 MiB page above 4 GiB through PSE-36, and faults on its reserved bits', () => {
      const pse36 = 0x00c00083n | (0x3n << 13n); // address bits 35:32 = 3, 31:22 = 3
      const t = trace32([{ op: 'load', va: 0x00812345, size: 1, user: false }], pse36);
      const [o] = outcomes(initialState(t), t.steps[0]!);
      expect(o?.walks[0]?.entries[0]?.rule).toMatch(/4 MiB/);
      expect(o?.tags.pageSize).toBe('4M');
      const reserved = trace32([{ op: 'load', va: 0x00812345, size: 1, user: false }], pse36 | (1n << 21n));
      expect(outcomes(initialState(reserved), reserved.steps[0]!)[0]?.observation).toEqual({ kind: 'page-fault', errorCode: 0b1001, cr2: 0x00812345 });
    });

    it('ignores PS without CR4.PSE and reports no I/D bit', () => {
      const t = trace32([{ op: 'fetch', va: 0x00800000, size: 1, user: false }], 0x00c00083n, 0);
      // PS ignored: the PDE points to a "page table" at 0x00c00000 whose entry is zero.
      expect(outcomes(initialState(t), t.steps[0]!)[0]?.observation).toEqual({ kind: 'page-fault', errorCode: 0, cr2: 0x00800000 });
    });
  });

  it('composes the second stage: page tables and data are reached through it', () => {
    const t: Trace = {
      ...trace([{ op: 'load', va: 0x00400000, size: 8, user: false }]),
      // The page table (intermediate 0x3000) really lives at 0x9000; the frame 0x5000 at 0x1_0000_0000.
      memory: [
        { pa: 0x1000, value: h(0x2001n) },
        { pa: 0x2010, value: h(0x3007n) },
        { pa: 0x9000, value: h(0x5007n) },
        { pa: 0x1_0000_0000, value: h(0x1234n) },
      ],
      stage2: [
        { ipa: 0x3000, pa: 0x9000 },
        { ipa: 0x5000, pa: 0x1_0000_0000 },
      ],
    };
    const [o] = outcomes(initialState(t), t.steps[0]!);
    expect(o?.observation).toEqual({ kind: 'value', value: '0x1234' });
    expect(o?.effects.setBits.map((b) => b.pa)).toEqual([0x2010, 0x9000]);
  });

  it('lets a load see an accessed bit the processor may or may not have set, and settles it when seen', () => {
    const t = trace([
      { op: 'store', va: 0x00400000, size: 4, value: h(1n), user: true }, // PTE read-only for user: #PF, A uncertain
      { op: 'mov-cr0', value: 0 },
      { op: 'load', va: 0x3000, size: 8, user: false }, // the PTE itself, paging off
    ], image(0x5005n, h(0n)));
    const seen = allowed(t)[2]?.map((o) => (o.kind === 'value' ? o.value : o.kind)).sort();
    expect(seen).toEqual(['0x5005', '0x5025']);
  });
});
