/**
 * How a bucket's size reads wherever finding counts are shown: its findings, and for a known deviation's
 * bucket (which keeps one finding) the cases that showed it, which is the figure that says how common it is.
 */
import { type Bucket, isKnownDeviation } from '../findings/bucket.ts';

export function bucketCounts(b: Bucket): string {
  const findings = `${b.members.length} finding(s)`;
  if (!isKnownDeviation(b.kind)) return findings;
  return `${b.members.length === 1 ? '1 finding' : findings}, ${b.sightings === 1 ? '1 sighting' : `${b.sightings} sightings`}`;
}

/**
 * Sightings of known deviations over all buckets (failing cases that no finding file stands for one by
 * one); null when no bucket is a known deviation's, so summaries mention them only when there are some.
 */
export function knownSightings(buckets: readonly Bucket[]): number | null {
  const known = buckets.filter((b) => isKnownDeviation(b.kind));
  return known.length === 0 ? null : known.reduce((n, b) => n + b.sightings, 0);
}
