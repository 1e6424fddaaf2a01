/**
 * Probe targets (src/spec/space/probe.ts): which region, whose, which word. Shrinks toward the first
 * word of the common chunk.
 */
import fc from 'fast-check';
import { PROBE_REGIONS, type ProbeTarget } from '../../spec/space/probe.ts';

export function probeTargetArbitrary(): fc.Arbitrary<ProbeTarget> {
  return fc.record({
    region: fc.constantFrom(...PROBE_REGIONS),
    space: fc.nat({ max: 7 }),
    slot: fc.oneof(fc.nat({ max: 1023 }), fc.nat({ max: 2 ** 29 - 1 })),
  });
}
