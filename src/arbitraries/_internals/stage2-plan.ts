/**
 * The second stage a two-stage trace lays under a first-stage trace (US5784707A): which intermediate
 * frames start out backed by other physical frames (scatter), which are moved mid-trace by a map-stage2
 * step (with or without copying their words first), and whether the trace ends with a promotion: a page
 * table's 4 KiB pages replaced by one large leaf whose intermediate frames map to the same physical
 * frames, so only mappings change and the data read through the region must stay the same.
 *
 * Frames are named relative to the first stage's layout (a table page, or a 4 KiB frame of a data
 * range, by index modulo their number), so a plan survives shrinking of the first stage.
 * @internal
 */
import fc from 'fast-check';
import { weightedBoolean, weightedConstant, weightedOneof } from './weighted.ts';

/** An intermediate 4 KiB frame of the first stage: a paging-structure page, or a frame of a data range. */
export interface FrameTarget {
  readonly kind: 'data' | 'table';
  readonly pick: number;
  /** Which 4 KiB frame of a large data range. */
  readonly sub: number;
}

export interface Stage2Event {
  /** Before which first-stage step (modulo the step count + 1) the map-stage2 happens. */
  readonly at: number;
  readonly target: FrameTarget;
  /** Copy the frame's words to the new physical frame first (a migration), or not (the data changes). */
  readonly copy: boolean;
}

export interface Stage2Plan {
  readonly scatter: readonly FrameTarget[];
  readonly events: readonly Stage2Event[];
  readonly promote: { readonly candidate: number; readonly offset: number } | null;
  /** Spacing of the physical frames handed out (odd, so consecutive intermediate frames land apart). */
  readonly stride: number;
}

export interface Stage2PlanRecipe {
  readonly maxScatter: number;
  readonly maxEvents: number;
  /** [no promotion, promotion] weights. */
  readonly promoteWeights: readonly [number, number];
}

const frameTarget: fc.Arbitrary<FrameTarget> = fc.record({
  kind: weightedConstant<'data' | 'table'>([
    ['data', 3],
    ['table', 2],
  ]),
  pick: fc.nat(63),
  sub: fc.oneof({ withCrossShrink: true }, { arbitrary: fc.nat(3), weight: 2 }, { arbitrary: fc.nat(1023), weight: 1 }),
});

export function stage2PlanArbitrary(r: Stage2PlanRecipe): fc.Arbitrary<Stage2Plan> {
  const promote = weightedOneof<Stage2Plan['promote']>([
    [fc.constant(null), r.promoteWeights[0]],
    [fc.record({ candidate: fc.nat(15), offset: fc.nat(4095) }), r.promoteWeights[1]],
  ]);
  return fc.record({
    scatter: fc.array(frameTarget, { maxLength: r.maxScatter }),
    events: fc.array(fc.record({ at: fc.nat(63), target: frameTarget, copy: weightedBoolean(1, 2) }), { maxLength: r.maxEvents }),
    promote,
    stride: fc.oneof({ withCrossShrink: true }, { arbitrary: fc.constant(1), weight: 1 }, { arbitrary: fc.integer({ min: 1, max: 255 }).map((k) => 2 * k + 1), weight: 3 }),
  });
}
