/**
 * Address streams over a mapping set: realistic shapes rather than uniform noise. Accesses name a
 * target relative to the mappings of the root in use (by index, taken modulo their number), so the
 * stream survives shrinking of the mapping set, and are resolved to linear addresses when encoded.
 *
 * Target shapes: inside a mapped page (biased to 2 MiB offsets with bit 20 set); the first or last bytes
 * of a 4 KiB or 2 MiB page; accesses straddling a page boundary (va = page end - 3, size 8); a hot set
 * of a few addresses used again and again; uniform over the 4 GiB linear space. Any access can be a run
 * with a stride (8, 64, 4 KiB, 2 MiB ...). Loads, stores and fetches, of 1, 2, 4 or 8 bytes, in user or
 * supervisor mode.
 */
import fc from 'fast-check';
import { LINEAR_SPACE, PAGE_2M, PAGE_4K } from '../arch/entry-layout.ts';
import type { AccessSize } from '../machine/trace.ts';
import { mergeWeights, requireIntegerIn, requireOrdered } from './_internals/constraints.ts';
import { weightedBoolean, weightedConstant, weightedOneof } from './_internals/weighted.ts';
import { type Mapping, PAGE_BYTES } from './mappings.ts';

export type AccessOp = 'load' | 'store' | 'fetch';

export type AddressTarget =
  /** `offset` modulo the page size into mapping `mapping` of the root in use. */
  | { readonly kind: 'in-page'; readonly mapping: number; readonly offset: number }
  /**
   * The first or last bytes of a 4 KiB page (for a 2 MiB mapping, its `sub`-th 4 KiB page) or of the
   * 2 MiB region holding the mapping; `inset` bytes in from the edge, never crossing it.
   */
  | {
      readonly kind: 'page-edge';
      readonly mapping: number;
      readonly boundary: '4k' | '2m';
      readonly edge: 'first' | 'last';
      readonly inset: number;
      readonly sub: number;
    }
  /**
   * An 8-byte access crossing a boundary `back` (1..7) bytes before it: the end of the mapping's page
   * (or of its `sub`-th 4 KiB page), or its start (crossing in from the page before).
   */
  | {
      readonly kind: 'straddle';
      readonly mapping: number;
      readonly boundary: 'page' | '4k';
      readonly side: 'end' | 'start';
      readonly back: number;
      readonly sub: number;
    }
  /** Address `slot` (modulo the hot-set size) of the stream's hot set. */
  | { readonly kind: 'hot'; readonly slot: number }
  /** Any linear address. */
  | { readonly kind: 'uniform'; readonly va: number };

export type TargetKind = AddressTarget['kind'];

export interface AccessSpec {
  readonly op: AccessOp;
  readonly size: AccessSize;
  readonly user: boolean;
  /** Data of a store (its low `size` bytes are written); ignored by loads and fetches. */
  readonly value: bigint;
  readonly target: AddressTarget;
  /** `count` accesses, `stride` bytes apart (count 1: a single access). */
  readonly run: { readonly count: number; readonly stride: number };
}

export interface AddressStream {
  /** A few targets that `hot` accesses keep coming back to. */
  readonly hot: readonly AddressTarget[];
  readonly accesses: readonly AccessSpec[];
}

export interface AddressStreamConstraints {
  /** Fewest accesses, default 1. */
  readonly minAccesses?: number;
  /** Most accesses, default 16, at most 4096. */
  readonly maxAccesses?: number;
  /** Most hot-set addresses, 1 to 8, default 4. */
  readonly maxHot?: number;
  /** Relative weights of loads, stores and fetches. Default { load: 4, store: 3, fetch: 1 }. */
  readonly opWeights?: Partial<Readonly<Record<AccessOp, number>>>;
  /** Relative weights of access sizes. Default 1 each. */
  readonly sizeWeights?: Partial<Readonly<Record<`${AccessSize}`, number>>>;
  /** Percentage (0..100) of user-mode accesses. Default 30. */
  readonly userPercent?: number;
  /**
   * Relative weights of target shapes. Default { 'in-page': 4, 'page-edge': 3, straddle: 2, hot: 2,
   * uniform: 1 }.
   */
  readonly targetWeights?: Partial<Readonly<Record<TargetKind, number>>>;
  /** Longest strided run, 1 to 64. Default 4. */
  readonly maxRunLength?: number;
}

/** @internal */
export interface ResolvedAddressStreamConstraints {
  readonly minAccesses: number;
  readonly maxAccesses: number;
  readonly maxHot: number;
  readonly opWeights: Readonly<Record<AccessOp, number>>;
  readonly sizeWeights: Readonly<Record<`${AccessSize}`, number>>;
  readonly userPercent: number;
  readonly targetWeights: Readonly<Record<TargetKind, number>>;
  readonly maxRunLength: number;
}

const BUILDER = 'addressStreamArbitrary';

/** @internal */
export function resolveAddressStreamConstraints(c: AddressStreamConstraints = {}, builder = BUILDER): ResolvedAddressStreamConstraints {
  const maxAccesses = requireIntegerIn(builder, 'maxAccesses', c.maxAccesses ?? 16, 1, 4096);
  const minAccesses = requireIntegerIn(builder, 'minAccesses', c.minAccesses ?? 1, 0, 4096);
  requireOrdered(builder, 'minAccesses', minAccesses, 'maxAccesses', maxAccesses);
  return {
    minAccesses,
    maxAccesses,
    maxHot: requireIntegerIn(builder, 'maxHot', c.maxHot ?? 4, 1, 8),
    opWeights: mergeWeights(builder, 'opWeights', { load: 4, store: 3, fetch: 1 }, c.opWeights),
    sizeWeights: mergeWeights(builder, 'sizeWeights', { '1': 1, '2': 1, '4': 1, '8': 1 }, c.sizeWeights),
    userPercent: requireIntegerIn(builder, 'userPercent', c.userPercent ?? 30, 0, 100),
    targetWeights: mergeWeights(
      builder,
      'targetWeights',
      { 'in-page': 4, 'page-edge': 3, straddle: 2, hot: 2, uniform: 1 },
      c.targetWeights,
    ),
    maxRunLength: requireIntegerIn(builder, 'maxRunLength', c.maxRunLength ?? 4, 1, 64),
  };
}

const mappingIndex = fc.nat(63);

/** Offsets inside a page: low ones, anywhere in 2 MiB, and 2 MiB offsets with bit 20 set. @internal */
export const pageOffsetArbitrary: fc.Arbitrary<number> = fc.oneof(
  { withCrossShrink: true },
  { arbitrary: fc.nat(PAGE_4K - 1), weight: 3 },
  { arbitrary: fc.nat(PAGE_2M - 1), weight: 2 },
  { arbitrary: fc.integer({ min: PAGE_2M / 2, max: PAGE_2M - 1 }), weight: 3 },
);

/**
 * One target, shapes drawn by weight. `offsets` draws in-page offsets (default: up to 2 MiB; 32-bit
 * paging passes offsets that reach the upper half of a 4 MiB page). @internal
 */
export function addressTargetArbitrary(
  weights: Readonly<Record<TargetKind, number>>,
  offsets: fc.Arbitrary<number> = pageOffsetArbitrary,
): fc.Arbitrary<AddressTarget> {
  return weightedOneof<AddressTarget>([
    [fc.record({ kind: fc.constant('in-page' as const), mapping: mappingIndex, offset: offsets }), weights['in-page']],
    [
      fc.record({
        kind: fc.constant('page-edge' as const),
        mapping: mappingIndex,
        boundary: weightedConstant<'4k' | '2m'>([
          ['4k', 2],
          ['2m', 1],
        ]),
        edge: weightedConstant<'first' | 'last'>([
          ['first', 1],
          ['last', 1],
        ]),
        inset: fc.nat(7),
        sub: fc.nat(511),
      }),
      weights['page-edge'],
    ],
    [
      fc.record({
        kind: fc.constant('straddle' as const),
        mapping: mappingIndex,
        boundary: weightedConstant<'page' | '4k'>([
          ['page', 3],
          ['4k', 1],
        ]),
        side: weightedConstant<'end' | 'start'>([
          ['end', 2],
          ['start', 1],
        ]),
        back: fc.integer({ min: 1, max: 7 }),
        sub: fc.nat(511),
      }),
      weights.straddle,
    ],
    [fc.record({ kind: fc.constant('hot' as const), slot: fc.nat(7) }), weights.hot],
    [fc.record({ kind: fc.constant('uniform' as const), va: fc.integer({ min: 0, max: LINEAR_SPACE - 1 }) }), weights.uniform],
  ]);
}

/** Targets for a hot set: the same shapes except hot itself. @internal */
export function hotSetArbitrary(c: ResolvedAddressStreamConstraints, offsets: fc.Arbitrary<number> = pageOffsetArbitrary): fc.Arbitrary<readonly AddressTarget[]> {
  const weights = { ...c.targetWeights, hot: 0 };
  const usable = Object.values(weights).some((w) => w > 0) ? weights : { ...weights, 'in-page': 1 };
  return fc.array(addressTargetArbitrary(usable, offsets), { minLength: 1, maxLength: c.maxHot });
}

const STRIDES = [8, 64, PAGE_4K, PAGE_4K + 8, PAGE_2M, PAGE_2M - 8] as const;

function runArbitrary(maxRunLength: number): fc.Arbitrary<{ count: number; stride: number }> {
  if (maxRunLength === 1) return fc.constant({ count: 1, stride: 0 });
  return weightedOneof([
    [fc.constant({ count: 1, stride: 0 }), 4],
    [fc.record({ count: fc.integer({ min: 2, max: maxRunLength }), stride: fc.constantFrom(...STRIDES) }), 1],
  ]);
}

/**
 * What every access draws whatever it targets, in record order: op, size, user mode, stored value.
 * Shared with the probes of scenario idioms (_internals/scenario-core.ts), which target a fixed offset
 * instead. @internal
 */
export function accessFieldArbitraries(c: ResolvedAddressStreamConstraints): {
  readonly op: fc.Arbitrary<AccessOp>;
  readonly size: fc.Arbitrary<AccessSize>;
  readonly user: fc.Arbitrary<boolean>;
  readonly value: fc.Arbitrary<bigint>;
} {
  return {
    op: weightedConstant<AccessOp>([
      ['load', c.opWeights.load],
      ['store', c.opWeights.store],
      ['fetch', c.opWeights.fetch],
    ]),
    size: weightedConstant<AccessSize>([
      [1, c.sizeWeights['1']],
      [2, c.sizeWeights['2']],
      [4, c.sizeWeights['4']],
      [8, c.sizeWeights['8']],
    ]),
    user: weightedBoolean(100 - c.userPercent, c.userPercent),
    value: fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }),
  };
}

/** One access (or strided run) of the stream; `offsets` as for addressTargetArbitrary. @internal */
export function accessSpecArbitrary(c: ResolvedAddressStreamConstraints, offsets: fc.Arbitrary<number> = pageOffsetArbitrary): fc.Arbitrary<AccessSpec> {
  return fc.record({
    ...accessFieldArbitraries(c),
    target: addressTargetArbitrary(c.targetWeights, offsets),
    run: runArbitrary(c.maxRunLength),
  });
}

/** A hot set and a sequence of accesses over a mapping set (resolve them with `resolveAccess`). */
export function addressStreamArbitrary(constraints: AddressStreamConstraints = {}): fc.Arbitrary<AddressStream> {
  const c = resolveAddressStreamConstraints(constraints);
  return fc.record({
    hot: hotSetArbitrary(c),
    accesses: fc.array(accessSpecArbitrary(c), { minLength: c.minAccesses, maxLength: c.maxAccesses }),
  });
}

/** What a target is resolved against: the mappings of the root in use and the resolved hot set. */
export interface AddressView {
  readonly mappings: readonly Mapping[];
  readonly hot: readonly number[];
}

/** One resolved access. */
export interface ResolvedAccess {
  readonly va: number;
  readonly size: AccessSize;
}

/** Wraps va into the 4 GiB linear space, then keeps [va, va + size) inside it (no access wraps around). */
function clampToLinearSpace(va: number, size: number): number {
  const wrapped = ((va % LINEAR_SPACE) + LINEAR_SPACE) % LINEAR_SPACE;
  return Math.min(wrapped, LINEAR_SPACE - size);
}

/** The byte range of a target's page: the mapping's page, one of its 4 KiB pages, or its 2 MiB region. */
function pageOf(m: Mapping, boundary: '4k' | '2m' | 'page', sub: number): { base: number; bytes: number } {
  if (boundary === 'page') return { base: m.linear, bytes: PAGE_BYTES[m.size] };
  if (boundary === '2m') return { base: m.linear - (m.linear % PAGE_2M), bytes: PAGE_2M };
  const base = m.size === '4k' ? m.linear : m.linear + (sub % (PAGE_BYTES[m.size] / PAGE_4K)) * PAGE_4K;
  return { base, bytes: PAGE_4K };
}

/**
 * The linear address and size of a target. A target that names a mapping when the root has none falls
 * back to the same offset from address 0.
 */
export function resolveTarget(target: AddressTarget, size: AccessSize, view: AddressView): ResolvedAccess {
  const mappingOf = (index: number): Mapping => view.mappings[index % Math.max(1, view.mappings.length)] ?? FALLBACK_MAPPING;
  switch (target.kind) {
    case 'uniform':
      return { va: clampToLinearSpace(target.va, size), size };
    case 'hot': {
      const va = view.hot[target.slot % Math.max(1, view.hot.length)];
      return { va: clampToLinearSpace(va ?? mappingOf(target.slot).linear, size), size };
    }
    case 'in-page': {
      const m = mappingOf(target.mapping);
      const bytes = PAGE_BYTES[m.size];
      return { va: clampToLinearSpace(m.linear + Math.min(target.offset % bytes, bytes - size), size), size };
    }
    case 'page-edge': {
      const page = pageOf(mappingOf(target.mapping), target.boundary, target.sub);
      const va = target.edge === 'first' ? page.base + target.inset : page.base + page.bytes - size - target.inset;
      return { va: clampToLinearSpace(va, size), size };
    }
    case 'straddle': {
      const page = pageOf(mappingOf(target.mapping), target.boundary, target.sub);
      const end = page.base + page.bytes;
      // Cross the end of the page, or its start when it is the last page of the linear space.
      const boundary = (target.side === 'end' && end < LINEAR_SPACE) || page.base === 0 ? end : page.base;
      return { va: boundary - target.back, size: 8 };
    }
  }
}

const FALLBACK_MAPPING: Mapping = {
  linear: 0,
  size: '4k',
  frame: 0,
  writable: true,
  user: false,
  global: false,
  executeDisable: false,
  accessed: false,
  dirty: false,
};

/** The accesses of one spec (several for a strided run). */
export function resolveAccess(spec: AccessSpec, view: AddressView): ResolvedAccess[] {
  const first = resolveTarget(spec.target, spec.size, view);
  const out: ResolvedAccess[] = [first];
  for (let i = 1; i < spec.run.count; i++) out.push({ va: clampToLinearSpace(first.va + i * spec.run.stride, first.size), size: first.size });
  return out;
}
