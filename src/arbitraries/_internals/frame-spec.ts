/**
 * How a data frame is chosen: a slot in a physical region, the frame of an earlier mapping (aliasing on
 * purpose), or the "twin" of an earlier frame, equal to it except for one address bit at or above bit 32
 * (so a machine that truncates physical addresses to 32 bits lands on the wrong one).
 * Specs are resolved to physical addresses once maxPhyAddr and the earlier frames are known, so the
 * arbitrary needs no chain and shrinks on the spec.
 * @internal
 */
import fc from 'fast-check';
import { PAGE_2M, PAGE_4K } from '../../arch/entry-layout.ts';
import { FRAME_REGIONS, type FrameRegion, frameInRegion, isUsableFrame } from './physical-layout.ts';
import { weightedOneof } from './weighted.ts';

export type FrameSpec =
  | { readonly kind: 'region'; readonly region: FrameRegion; readonly slot: number }
  | { readonly kind: 'alias'; readonly of: number; readonly sub: number }
  | { readonly kind: 'twin'; readonly of: number; readonly bit: number };

export const FRAME_CHOICES = [...FRAME_REGIONS, 'alias', 'twin'] as const;
export type FrameChoice = (typeof FRAME_CHOICES)[number];
export type FrameWeights = Readonly<Record<FrameChoice, number>>;

/** Frames spread over the whole physical range, with some aliasing. */
export const DEFAULT_FRAME_WEIGHTS: FrameWeights = {
  low: 3,
  'below-4g': 2,
  'above-4g': 3,
  top: 2,
  anywhere: 3,
  alias: 2,
  twin: 1,
};

/** Bounded regions hold at most 64 MiB / 4 KiB frames; larger slots wrap around. */
const BOUNDED_SLOT_MAX = 16383;
/** Enough for any frame index below 2^52. */
const ANYWHERE_SLOT_MAX = 2 ** 52;

function regionSpec(region: FrameRegion): fc.Arbitrary<FrameSpec> {
  const slot = region === 'anywhere' ? fc.integer({ min: 0, max: ANYWHERE_SLOT_MAX }) : fc.nat(BOUNDED_SLOT_MAX);
  return slot.map((s): FrameSpec => ({ kind: 'region', region, slot: s }));
}

export function frameSpecArbitrary(weights: FrameWeights): fc.Arbitrary<FrameSpec> {
  return weightedOneof<FrameSpec>([
    ...FRAME_REGIONS.map((r) => [regionSpec(r), weights[r]] as const),
    [fc.record({ kind: fc.constant('alias' as const), of: fc.nat(63), sub: fc.nat(511) }), weights.alias],
    [fc.record({ kind: fc.constant('twin' as const), of: fc.nat(63), bit: fc.nat(19) }), weights.twin],
  ]);
}

/** A frame already placed, that alias and twin specs may refer to (by index modulo their count). */
export interface PlacedFrame {
  readonly frame: number;
  readonly bytes: number;
}

/** The frame of `frameBytes` bytes, aligned, that covers `earlier` (or sits inside it). */
function adaptFrame(earlier: PlacedFrame, frameBytes: number, sub: number): number {
  if (frameBytes === earlier.bytes) return earlier.frame;
  if (frameBytes === PAGE_4K) return earlier.frame + (sub % (PAGE_2M / PAGE_4K)) * PAGE_4K;
  return earlier.frame - (earlier.frame % PAGE_2M);
}

const bitIsSet = (a: number, b: number): boolean => Math.floor(a / 2 ** b) % 2 === 1;

/**
 * The physical frame a spec names. Always aligned to `frameBytes`, below 2^maxPhyAddr and outside the
 * page-table pools. Deterministic.
 */
export function resolveFrame(spec: FrameSpec, frameBytes: number, maxPhyAddr: number, earlier: readonly PlacedFrame[]): number {
  if (spec.kind === 'region') return frameInRegion(spec.region, spec.slot, frameBytes, maxPhyAddr);
  const target = earlier[spec.of % Math.max(1, earlier.length)];
  if (target === undefined) {
    // Nothing to alias yet: fall back to a low frame, which is what the spec shrinks toward anyway.
    return frameInRegion('low', spec.kind === 'alias' ? spec.sub : spec.bit, frameBytes, maxPhyAddr);
  }
  const base = adaptFrame(target, frameBytes, spec.kind === 'alias' ? spec.sub : 0);
  if (spec.kind === 'alias') return base;
  const highBits = maxPhyAddr - 32;
  for (let k = 0; k < highBits; k++) {
    const b = 32 + ((spec.bit + k) % highBits);
    const twin = bitIsSet(base, b) ? base - 2 ** b : base + 2 ** b;
    if (isUsableFrame(twin, frameBytes, maxPhyAddr)) return twin;
  }
  return base;
}
