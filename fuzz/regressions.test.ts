/**
 * The committed regression findings: each is a valid finding whose case its family still accepts, each
 * still reproduces on the broken machine it records, and none reproduces on the reference machine.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { findMachine } from '../models/registry.ts';
import { replayFinding } from '../src/findings/replay.ts';
import { loadFindings } from '../src/findings/store.ts';
import { findFamily } from '../src/properties/registry.ts';

const regressions = loadFindings(join(import.meta.dirname, 'regressions'));

describe('committed regression findings', () => {
  it('exist', () => {
    expect(regressions.length).toBeGreaterThan(0);
  });

  it.each(regressions.map((r) => [r.id, r] as const))('%s reproduces on its own machine only', async (_id, stored) => {
    const family = findFamily(stored.finding.property);
    expect(family, stored.finding.property).toBeDefined();
    const own = findMachine(stored.finding.machine.spec);
    const reference = findMachine('reference');
    expect(own, stored.finding.machine.spec).toBeDefined();
    const onOwn = await replayFinding(stored, family!, own!.machine, stored.finding.machine);
    expect(onOwn.outcome).toBe('reproduced');
    expect(onOwn.sameSignature).toBe(true);
    const onReference = await replayFinding(stored, family!, reference!.machine, { spec: 'reference', name: 'reference' });
    expect(onReference.outcome).toBe('not-reproduced');
  });
});
