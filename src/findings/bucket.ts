/**
 * Buckets: findings grouped by signature (property and first diverging observation), so one bug found by
 * many seeds is one bucket. Each bucket shows one representative, the finding with the smallest case
 * (ties broken by id), chosen the same way whatever order the findings arrived in.
 */
import { canonicalJson } from './plain-json.ts';
import type { StoredFinding } from './store.ts';

export interface BucketMember {
  readonly id: string;
  /** Length of the case's canonical JSON: the smaller, the easier to read. */
  readonly size: number;
}

export interface Bucket {
  readonly signature: string;
  readonly property: string;
  readonly kind: string;
  /** Sorted by id. */
  readonly members: readonly BucketMember[];
  readonly representative: string;
}

export function memberOf(stored: StoredFinding): BucketMember {
  return { id: stored.id, size: canonicalJson(stored.finding.case).length };
}

function representative(members: readonly BucketMember[]): string {
  const best = [...members].sort((a, b) => a.size - b.size || a.id.localeCompare(b.id))[0];
  if (best === undefined) throw new Error('a bucket has at least one finding');
  return best.id;
}

/** Builds a bucket from its members (deduplicated by id), or merges members into an existing bucket. */
export function makeBucket(head: Omit<Bucket, 'members' | 'representative'>, members: readonly BucketMember[]): Bucket {
  const byId = new Map(members.map((m) => [m.id, m]));
  const sorted = [...byId.values()].sort((a, b) => a.id.localeCompare(b.id));
  return { ...head, members: sorted, representative: representative(sorted) };
}

/** Groups findings into buckets, sorted by signature. */
export function bucketFindings(findings: readonly StoredFinding[]): Bucket[] {
  const groups = new Map<string, StoredFinding[]>();
  for (const f of findings) groups.set(f.finding.bucket, [...(groups.get(f.finding.bucket) ?? []), f]);
  return [...groups.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([signature, group]) => {
      const first = group[0] as StoredFinding;
      return makeBucket({ signature, property: first.finding.property, kind: first.finding.divergence.kind }, group.map(memberOf));
    });
}

/** Merges bucket lists (shard reports): same signature, members united. */
export function mergeBuckets(lists: readonly (readonly Bucket[])[]): Bucket[] {
  const merged = new Map<string, Bucket>();
  for (const bucket of lists.flat()) {
    const known = merged.get(bucket.signature);
    merged.set(bucket.signature, known === undefined ? bucket : makeBucket(known, [...known.members, ...bucket.members]));
  }
  return [...merged.values()].sort((a, b) => a.signature.localeCompare(b.signature));
}
