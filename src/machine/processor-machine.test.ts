import { describe, expect, it } from 'vitest';
import { referenceMachine } from '../../models/reference/index.ts';
import { checkTrace } from './check.ts';
import { hasSecondStage } from './processor-machine.ts';
import { type Trace, TRACE_FORMAT, TRACE_VERSION } from './trace.ts';

const base: Trace = {
  format: TRACE_FORMAT,
  version: TRACE_VERSION,
  maxPhyAddr: 36,
  registers: { cr0: 0, cr3: 0, cr4: 0, efer: 0 },
  memory: [],
  steps: [{ op: 'load', va: 0x1000, size: 4, user: false }],
};

describe('processorMachine and the second stage', () => {
  it('says whether the processor has a second stage', () => {
    expect(hasSecondStage(referenceMachine)).toBe(false);
  });

  it('a machine without one reports a machine-error naming itself, for a stage2 list or a map-stage2 step', async () => {
    for (const t of [
      { ...base, stage2: [{ ipa: 0x1000, pa: 0x2000 }] },
      { ...base, steps: [{ op: 'map-stage2' as const, ipa: 0x1000, pa: 0x2000 }] },
    ]) {
      const { divergence } = await checkTrace(referenceMachine, t);
      expect(divergence?.kind).toBe('machine-error');
      expect(divergence?.explanation).toMatch(/machine reference has no second stage/);
    }
  });

  it('an empty stage2 list is ordinary paging', async () => {
    const { divergence } = await checkTrace(referenceMachine, { ...base, stage2: [] });
    expect(divergence).toBeNull();
  });
});
