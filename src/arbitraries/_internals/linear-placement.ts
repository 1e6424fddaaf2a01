/**
 * Where a drawn mapping goes in its root's linear space, for both paging modes (PAE: mappings.ts, 32-bit
 * paging: paging32-tables.ts). The modes differ only in the size of a large page (2 MiB or 4 MiB) and of
 * a table (512 or 1024 entries), which are passed in; the rest is one policy, so that both kinds of
 * mapping set shrink the same way and a change to it reaches both.
 *
 * No import of mappings.ts here: it imports this module.
 * @internal
 */
import fc from 'fast-check';
import { PAGE_4K } from '../../arch/entry-layout.ts';

/** Linear addresses wrap at 4 GiB in both modes. */
const LINEAR_SPACE_BYTES = 2 ** 32;

/** A table index biased to both ends of the table (the first and last entries are the telling ones). */
export function tableIndexArbitrary(entriesPerTable: number): fc.Arbitrary<number> {
  return fc.oneof(
    { withCrossShrink: true },
    { arbitrary: fc.nat(3), weight: 3 },
    { arbitrary: fc.integer({ min: entriesPerTable - 4, max: entriesPerTable - 1 }), weight: 1 },
    { arbitrary: fc.nat(entriesPerTable - 1), weight: 2 },
  );
}

/** A linear page named after an earlier mapping of the set (by index modulo their number). */
export type RelativeLinearSpec =
  /** The same linear page as an earlier mapping: across roots, one address translating differently. */
  | { readonly kind: 'same-as'; readonly of: number }
  /** The page right after an earlier mapping: accesses straddling into a mapped neighbour. */
  | { readonly kind: 'next-to'; readonly of: number }
  /** The same linear page on the same frame as an earlier mapping: memory shared between roots. */
  | { readonly kind: 'shared'; readonly of: number };

/**
 * The relative specs with their weights, as `fc.oneof` entries: each mode puts its own 'indices' spec
 * first (weight 6), so the simplest linear page, fresh low indices, is where shrinking ends.
 */
export const RELATIVE_LINEAR_SPECS: readonly fc.WeightedArbitrary<RelativeLinearSpec>[] = [
  { arbitrary: fc.record({ kind: fc.constant('same-as' as const), of: fc.nat(63) }), weight: 2 },
  { arbitrary: fc.record({ kind: fc.constant('next-to' as const), of: fc.nat(63) }), weight: 1 },
  { arbitrary: fc.record({ kind: fc.constant('shared' as const), of: fc.nat(63) }), weight: 2 },
];

/** An earlier mapping's linear range. */
export interface LinearSpan {
  readonly linear: number;
  readonly bytes: number;
}

/**
 * The base of a page of `bytes` that `spec` names relative to `ref`: the page holding ref's base, or the
 * first one at or after ref's end (wrapping at 4 GiB). Address 0 when there is no earlier mapping yet.
 */
export function linearNear(spec: RelativeLinearSpec, bytes: number, ref: LinearSpan | undefined): number {
  if (ref === undefined) return 0;
  if (spec.kind === 'same-as' || spec.kind === 'shared') return ref.linear - (ref.linear % bytes);
  const end = ref.linear + ref.bytes;
  const next = end % bytes === 0 ? end : end - (end % bytes) + bytes;
  return next % LINEAR_SPACE_BYTES;
}

/**
 * Which linear pages a root already maps: 4 KiB page numbers, large-page region numbers, and 4 KiB pages
 * per region. A large page needs its region free of 4 KiB pages and the other way round, since one PDE
 * either is the large leaf or references the page table.
 */
export class LinearOccupancy {
  private readonly small = new Set<number>();
  private readonly large = new Set<number>();
  private readonly smallPerRegion = new Map<number, number>();

  constructor(private readonly largeBytes: number) {}

  /** Claims the page at `linear` (a large one when `large`); false, claiming nothing, if it overlaps. */
  tryClaim(linear: number, large: boolean): boolean {
    const region = Math.floor(linear / this.largeBytes);
    if (this.large.has(region)) return false;
    if (large) {
      if ((this.smallPerRegion.get(region) ?? 0) > 0) return false;
      this.large.add(region);
      return true;
    }
    const page = Math.floor(linear / PAGE_4K);
    if (this.small.has(page)) return false;
    this.small.add(page);
    this.smallPerRegion.set(region, (this.smallPerRegion.get(region) ?? 0) + 1);
    return true;
  }
}
