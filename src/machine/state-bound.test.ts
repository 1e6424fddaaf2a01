import { describe, expect, it } from 'vitest';
import { compare, MAX_STATES } from './check.ts';
import type { MachineResult, Observation } from './observation.ts';
import { h, remap, REMAP_VA, trace } from '../spec/stale-remap.fixture.ts';
import type { Step, Trace } from './trace.ts';

// The bound on followed states (MAX_STATES): past it a mismatch is inconclusive, never a finding, and the
// comparison says after which step it cut the states, so that a count of judged accesses can stop there.

const VA = REMAP_VA;
const store = (k: number): Step => ({ op: 'store', va: VA + 8 * k, size: 4, user: false, value: h(BigInt(k + 1)) });
const load = (k: number): Step => ({ op: 'load', va: VA + 8 * k, size: 4, user: false });

/** After the remap without INVLPG, each store to another word goes through the stale or the fresh frame: 2^n states. */
const FORKS_TO_BOUND = Math.log2(MAX_STATES) + 1;

/** The stores and then `tail`; the machine observes done for each store and `observed` for the tail. */
function run(stores: number, tail: Step, observed: Observation): { trace: Trace; result: MachineResult } {
  const steps = [remap, ...Array.from({ length: stores }, (_, k) => store(k)), tail];
  const observations: Observation[] = [...steps.slice(0, -1).map((): Observation => ({ kind: 'done' })), observed];
  return { trace: trace(steps), result: { observations, memory: [] } };
}

const impossible: Observation = { kind: 'value', value: h(0xdeadn) };

describe('the bound on followed states', () => {
  it('is reached by forking stores: a mismatch after it is inconclusive, and the cut step is named', () => {
    const { trace: t, result } = run(FORKS_TO_BOUND, load(0), impossible);
    const verdict = compare(t, result);
    expect(verdict.divergence).toBeNull();
    expect(verdict.inconclusive).toBe(true);
    // Step 0 is the remap; after store k (step k + 1) there are 2^(k + 1) states.
    expect(verdict.boundedAfter).toBe(FORKS_TO_BOUND);
  });

  it('before the bound, the same mismatch is a divergence at its step and nothing was cut', () => {
    const { trace: t, result } = run(FORKS_TO_BOUND - 1, load(0), impossible);
    const verdict = compare(t, result);
    expect(verdict.inconclusive).toBe(false);
    expect(verdict.boundedAfter).toBeNull();
    expect(verdict.divergence?.kind).toBe('observation');
    expect(verdict.divergence?.stepIndex).toBe(FORKS_TO_BOUND);
  });
});
