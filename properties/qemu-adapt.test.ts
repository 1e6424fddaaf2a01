/**
 * The QEMU adapter (models/qemu/adapt.ts), without QEMU: adapted traces are valid and representable,
 * adapting is idempotent, and the changes that keep every observation do keep them (checked on the
 * reference machine, whose agreement with the specification is checked elsewhere).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { referenceMachine } from '../models/reference/index.ts';
import { adaptForQemu } from '../models/qemu/adapt.ts';
import { mappedWindow } from '../models/qemu/choose-window.ts';
import { GUEST_LAYOUT, inGuestRam, QEMU_MAXPHYADDR } from '../models/qemu/guest-abi.ts';
import { directoryBases, half, wordOf } from '../models/qemu/closure-32.ts';
import { pdptBases } from '../models/qemu/paging-closure.ts';
import { isGuestRegion, regionOf } from '../models/qemu/relocation.ts';
import { familyTraceArbitraries, type WalkFamilyName } from '../src/arbitraries/index.ts';
import { paging32TraceArbitrary } from '../src/arbitraries/paging-32-trace.ts';
import { fastCheckSeed, runConfigFromEnv } from '../src/config/run-config.ts';
import { checkTrace } from '../src/machine/check.ts';
import type { MachineResult } from '../src/machine/observation.ts';
import type { Trace } from '../src/machine/trace.ts';
import { validateTrace } from '../src/machine/trace-validation.ts';

const FAMILIES: readonly WalkFamilyName[] = ['translation', 'tlb-coherence', 'faults', 'big-memory'];
const { seed } = runConfigFromEnv();
const RUNS = 60;

function samples(family: WalkFamilyName): Trace[] {
  return fc.sample(familyTraceArbitraries[family](), { seed: fastCheckSeed(seed), numRuns: RUNS });
}

/** Changes after which every step observes the same as before (the adapter's own claim). */
const KEEPS_OBSERVATIONS = new Set(['maxphyaddr-lowered', 'region-relocated', 'window-mapped', 'window-pdpte-added', 'window-directory-lowered']);

/** The adapted trace, checked valid, at MAXPHYADDR 36, in guest RAM, with a window mapped. */
function adaptedValid(original: Trace): { trace: Trace; window: ReturnType<typeof mappedWindow> } {
  const { trace } = adaptForQemu(original);
  expect(() => validateTrace(JSON.parse(JSON.stringify(trace)))).not.toThrow();
  expect(trace.maxPhyAddr).toBe(QEMU_MAXPHYADDR);
  const window = mappedWindow(trace);
  expect(window).not.toBeNull();
  for (const w of trace.memory) expect(inGuestRam(w.pa, 8)).toBe(true);
  return { trace, window };
}

function expectIdempotent(traces: readonly Trace[]): void {
  for (const original of traces) {
    const once = adaptForQemu(original);
    const twice = adaptForQemu(once.trace);
    expect(twice.trace).toBe(once.trace);
    expect(twice.adaptations).toEqual({});
  }
}

/** Checks that traces adapted only by moves keep their observations; returns how many were compared. */
async function observationsKept(traces: readonly Trace[]): Promise<number> {
  let compared = 0;
  for (const original of traces) {
    const adapted = adaptForQemu(original);
    if (!Object.keys(adapted.adaptations).every((k) => KEEPS_OBSERVATIONS.has(k))) continue;
    const before = (await referenceMachine.run(original)) as MachineResult;
    const after = (await referenceMachine.run(adapted.trace)) as MachineResult;
    expect(after.observations).toEqual(before.observations);
    compared++;
  }
  return compared;
}

async function expectReferenceAgrees(traces: readonly Trace[]): Promise<void> {
  for (const original of traces) {
    const { divergence } = await checkTrace(referenceMachine, adaptForQemu(original).trace);
    expect(divergence?.explanation ?? null).toBeNull();
  }
}

describe.each(FAMILIES)('qemu adapter on %s traces', (family) => {
  const traces = samples(family);

  it('gives valid traces that QEMU can represent', () => {
    for (const original of traces) {
      const { trace, window } = adaptedValid(original);
      for (const w of trace.memory) if (isGuestRegion(regionOf(w.pa))) expect(w.pa - (w.pa % 4096)).toBe(window?.directory);
      for (const base of pdptBases(trace)) expect(base).toBeLessThan(GUEST_LAYOUT.LOW_RAM_TOP);
    }
  });

  it('is idempotent: an adapted trace comes back as the same object, with no counts', () => expectIdempotent(traces));

  it('keeps every observation when it only moves memory and maps the window', async () => expect(await observationsKept(traces)).toBeGreaterThan(RUNS / 2));

  it('leaves the reference machine in agreement with the specification', () => expectReferenceAgrees(traces));
});

describe('qemu adapter counts', () => {
  it('counts a lowered MAXPHYADDR and moved regions', () => {
    const [trace] = fc.sample(familyTraceArbitraries['big-memory']({ maxPhyAddr: { min: 52, max: 52 } }), { seed: 5, numRuns: 1 });
    const { adaptations } = adaptForQemu(trace as Trace);
    expect(adaptations['maxphyaddr-lowered']).toBe(1);
    expect(adaptations['region-relocated']).toBeGreaterThan(0);
  });

  it('clears control bits the specification does not model, and counts them', () => {
    const [trace] = fc.sample(familyTraceArbitraries.translation(), { seed: 5, numRuns: 1 });
    const t = trace as Trace;
    const withSmep = { ...t, registers: { ...t.registers, cr4: t.registers.cr4 | (1 << 20), efer: t.registers.efer | 1 } };
    const adapted = adaptForQemu(withSmep);
    expect(adapted.adaptations['control-bits-cleared']).toBe(2);
    expect(adapted.trace.registers.cr4 & (1 << 20)).toBe(0);
    expect(adapted.trace.registers.efer & 1).toBe(0);
  });

  it('leaves a trace it cannot adapt (PAE switching to 32-bit paging) unchanged', () => {
    const [trace] = fc.sample(familyTraceArbitraries.translation(), { seed: 5, numRuns: 1 });
    const t = trace as Trace;
    const switching = { ...t, steps: [{ op: 'mov-cr4' as const, value: 0 }] };
    expect(adaptForQemu(switching).trace).toBe(switching);
  });

  it('drops a MOV to CR4 that sets PAE in a 32-bit trace, and counts it', () => {
    const [trace] = fc.sample(paging32TraceArbitrary(), { seed: 5, numRuns: 1 });
    const t = trace as Trace;
    const withPae = { ...t, steps: [{ op: 'mov-cr4' as const, value: t.registers.cr4 | (1 << 5) }, ...t.steps] };
    const adapted = adaptForQemu(withPae);
    expect(adapted.adaptations['pae-switch-dropped']).toBeGreaterThanOrEqual(1);
    expect(adapted.trace.steps.some((s) => s.op === 'mov-cr4' && (s.value & (1 << 5)) !== 0)).toBe(false);
  });
});

describe('qemu adapter on paging-32 traces', () => {
  const traces = fc.sample(paging32TraceArbitrary(), { seed: fastCheckSeed(seed), numRuns: RUNS * 4 });

  it('gives valid traces with every word in guest RAM, away from the guest, and the window in every directory', () => {
    for (const original of traces) {
      const { trace, window } = adaptedValid(original);
      for (const w of trace.memory) expect(isGuestRegion(regionOf(w.pa))).toBe(false);
      const words = new Map(trace.memory.map((w) => [w.pa, BigInt(w.value)]));
      for (const pd of directoryBases(trace)) {
        const at = pd + 4 * (window?.index32 ?? 0);
        expect(pd).toBeLessThan(GUEST_LAYOUT.LOW_RAM_TOP);
        expect(half(words.get(wordOf(at)) ?? 0n, at)).toBe(window?.pde32);
      }
    }
  });

  it('is idempotent: an adapted trace comes back as the same object, with no counts', () => expectIdempotent(traces));

  it('keeps every observation when it only moves memory and maps the window', async () => expect(await observationsKept(traces)).toBeGreaterThan(RUNS));

  it('leaves the reference machine in agreement with the specification', () => expectReferenceAgrees(traces));
});
