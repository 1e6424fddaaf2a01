/**
 * Switch-family scripts: enter a space, probe an address in the current space, remap a 2 MiB window page
 * of the current space, or make a call through the gate. Generated abstractly and resolved against the
 * layout (spaces modulo the space count), so the shrinker can delete any step.
 */
import fc from 'fast-check';
import type { SystemLayout } from '../../machine/system.ts';
import type { SwitchOp } from '../../spec/space/cases.ts';
import type { ProbeTarget } from '../../spec/space/probe.ts';
import { type CallSpec, callSpecArbitrary, resolveCall } from './calls.ts';
import { probeTargetArbitrary } from './probes.ts';

export type SwitchOpSpec =
  | { readonly kind: 'enter'; readonly space: number }
  | { readonly kind: 'probe'; readonly target: ProbeTarget }
  | { readonly kind: 'remap'; readonly page: number; readonly frame: number }
  | { readonly kind: 'call'; readonly call: CallSpec };

export function switchOpSpecArbitrary(): fc.Arbitrary<SwitchOpSpec> {
  return fc.oneof(
    { withCrossShrink: true },
    { arbitrary: fc.record({ kind: fc.constant('enter' as const), space: fc.nat({ max: 7 }) }), weight: 3 },
    { arbitrary: fc.record({ kind: fc.constant('probe' as const), target: probeTargetArbitrary() }), weight: 3 },
    { arbitrary: fc.record({ kind: fc.constant('remap' as const), page: fc.nat({ max: 15 }), frame: fc.nat({ max: 15 }) }), weight: 2 },
    { arbitrary: fc.record({ kind: fc.constant('call' as const), call: callSpecArbitrary() }), weight: 1 },
  );
}

export function resolveSwitchOp(layout: SystemLayout, spec: SwitchOpSpec): SwitchOp {
  switch (spec.kind) {
    case 'enter':
      return { op: 'enter', space: spec.space % (layout.spaces.length + 1) };
    case 'probe':
      return { op: 'probe', target: spec.target };
    case 'remap':
      return { op: 'remap', page: spec.page, frame: spec.frame };
    case 'call':
      return { op: 'call', call: resolveCall(layout, spec.call) };
  }
}

export function switchOpsArbitrary(maxLength = 16): fc.Arbitrary<readonly SwitchOpSpec[]> {
  return fc.array(switchOpSpecArbitrary(), { minLength: 1, maxLength });
}
