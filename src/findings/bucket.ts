/**
 * Buckets: findings grouped by signature (property and first diverging observation), so one bug found by
 * many seeds is one bucket. Each bucket shows one representative, the finding with the smallest case
 * (ties broken by id), chosen the same way whatever order the findings arrived in.
 *
 * A machine's documented deviation (kind `known-deviation`) shows up on nearly every case of some machines
 * (QEMU); its bucket keeps only its representative as a finding and counts the cases that showed it as
 * sightings, so it neither fills the findings folder nor hides new findings.
 */
import { canonicalJson } from './plain-json.ts';
import type { StoredFinding } from './store.ts';

const KNOWN_DEVIATION = 'known-deviation';

export interface BucketMember {
  readonly id: string;
  /** Length of the case's canonical JSON: the smaller, the easier to read. */
  readonly size: number;
}

export interface Bucket {
  readonly signature: string;
  readonly property: string;
  readonly kind: string;
  /** Sorted by id. A known deviation's bucket holds one member, its representative. */
  readonly members: readonly BucketMember[];
  readonly representative: string;
  /**
   * The cases that showed this bucket (runs, and replays that reproduced into it): members.length for an
   * ordinary bucket, every sighting for a known deviation's.
   */
  readonly sightings: number;
}

export function isKnownDeviation(kind: string): boolean {
  return kind === KNOWN_DEVIATION;
}

export function memberOf(stored: StoredFinding): BucketMember {
  return { id: stored.id, size: canonicalJson(stored.finding.case).length };
}

/** Whether `a` comes before `b` as a representative: the smaller case, ties broken by id. */
export function precedes(a: BucketMember, b: BucketMember): boolean {
  return a.size < b.size || (a.size === b.size && a.id.localeCompare(b.id) < 0);
}

function best(members: readonly BucketMember[]): BucketMember {
  const first = members[0];
  if (first === undefined) throw new Error('a bucket has at least one finding');
  return members.reduce((a, b) => (precedes(b, a) ? b : a), first);
}

type BucketHead = Omit<Bucket, 'members' | 'representative' | 'sightings'>;

/**
 * Builds a bucket from its members (deduplicated by id). A known deviation's keeps only the best member and
 * `sightings`; an ordinary bucket's sightings are its members.
 */
export function makeBucket(head: BucketHead, members: readonly BucketMember[], sightings: number): Bucket {
  const { signature, property, kind } = head;
  const representative = best(members);
  if (isKnownDeviation(kind)) return { signature, property, kind, members: [representative], representative: representative.id, sightings };
  const byId = new Map(members.map((m) => [m.id, m]));
  const sorted = [...byId.values()].sort((a, b) => a.id.localeCompare(b.id));
  return { signature, property, kind, members: sorted, representative: representative.id, sightings: sorted.length };
}

/**
 * Groups findings into buckets, sorted by signature. `sightings` counts the cases of each known deviation's
 * bucket; one missing from it counts the bucket's findings.
 */
export function bucketFindings(findings: readonly StoredFinding[], sightings: ReadonlyMap<string, number> = new Map()): Bucket[] {
  const groups = new Map<string, StoredFinding[]>();
  for (const f of findings) groups.set(f.finding.bucket, [...(groups.get(f.finding.bucket) ?? []), f]);
  return [...groups.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([signature, group]) => {
      const first = group[0] as StoredFinding;
      const head = { signature, property: first.finding.property, kind: first.finding.divergence.kind };
      return makeBucket(head, group.map(memberOf), sightings.get(signature) ?? group.length);
    });
}

/**
 * Merges bucket lists (shard reports): same signature, members united; a known deviation keeps the best
 * member of all and adds up the sightings (shards run disjoint cases).
 */
export function mergeBuckets(lists: readonly (readonly Bucket[])[]): Bucket[] {
  const merged = new Map<string, Bucket>();
  for (const bucket of lists.flat()) {
    const known = merged.get(bucket.signature);
    merged.set(
      bucket.signature,
      known === undefined ? bucket : makeBucket(known, [...known.members, ...bucket.members], known.sightings + bucket.sightings),
    );
  }
  return [...merged.values()].sort((a, b) => a.signature.localeCompare(b.signature));
}
