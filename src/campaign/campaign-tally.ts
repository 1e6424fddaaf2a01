/**
 * The running totals of a campaign: cases per family, domain coverage, findings and replays, and the
 * throughput samples. Results arrive in whatever order the workers finish; everything kept here is a
 * sum, a set or a minimum (a known deviation's kept finding), so the totals do not depend on that order.
 */
import { bucketFindings, type Bucket, isKnownDeviation } from '../findings/bucket.ts';
import type { StoredFinding } from '../findings/store.ts';
import type { PropertyTally, ReplayRecord, ThroughputSample } from '../report/campaign-report.ts';
import { addCounts, type CoverageCounts } from '../report/coverage.ts';
import { type FileChange, KnownSightings, NO_CHANGE } from './known-sightings.ts';

export class CampaignTally {
  cases = 0;
  failedCases = 0;
  /** Cases decided neither way: the specification's state bound was reached, then a mismatch (check.ts). */
  inconclusiveCases = 0;
  readonly coverage: CoverageCounts = {};
  /** The findings kept as files: every ordinary one, the best of each known deviation's bucket. */
  readonly findings = new Map<string, StoredFinding>();
  /** Findings other than known deviations: what --max-findings counts. */
  unexpectedFindings = 0;
  readonly bucketNames = new Set<string>();
  private readonly known = new KnownSightings();
  readonly samples: ThroughputSample[] = [];
  private readonly replays: ReplayRecord[] = [];
  private readonly perProperty: Map<string, { cases: number; failedCases: number; inconclusiveCases: number }>;

  constructor(properties: readonly string[]) {
    this.perProperty = new Map(properties.map((p) => [p, { cases: 0, failedCases: 0, inconclusiveCases: 0 }]));
  }

  /**
   * Takes a failing case's finding (located, not yet saved) and says what to save and remove. A replay of
   * a known deviation that is not `counted` is still a candidate for its bucket's kept finding.
   */
  private addFinding(stored: StoredFinding, counted: boolean): FileChange {
    this.bucketNames.add(stored.finding.bucket);
    if (!isKnownDeviation(stored.finding.divergence.kind)) {
      if (!this.findings.has(stored.id)) this.unexpectedFindings++;
      this.findings.set(stored.id, stored);
      return { save: stored, remove: null };
    }
    const change = this.known.sight(stored, counted);
    if (change.remove !== null) this.findings.delete(change.remove);
    if (change.save !== null) this.findings.set(change.save.id, change.save);
    return change;
  }

  addRun(property: string, coverage: Readonly<CoverageCounts>, stored: StoredFinding | null, inconclusive = false): FileChange {
    const p = this.perProperty.get(property);
    if (p === undefined) throw new Error(`internal: a run of ${property}, which is not in this campaign`);
    this.cases++;
    p.cases++;
    if (inconclusive) {
      this.inconclusiveCases++;
      p.inconclusiveCases++;
    }
    addCounts(this.coverage, coverage);
    if (stored === null) return NO_CHANGE;
    this.failedCases++;
    p.failedCases++;
    return this.addFinding(stored, true);
  }

  addReplay(record: ReplayRecord, stored: StoredFinding | null, counted: boolean): FileChange {
    this.replays.push(record);
    return stored === null ? NO_CHANGE : this.addFinding(stored, counted);
  }

  sample(elapsedMs: number): void {
    this.samples.push({ elapsedMs, cases: this.cases });
  }

  properties(): PropertyTally[] {
    return [...this.perProperty.entries()].map(([name, p]) => ({ name, ...p }));
  }

  replayRecords(): ReplayRecord[] {
    return [...this.replays].sort((a, b) => a.id.localeCompare(b.id) || a.source.localeCompare(b.source));
  }

  buckets(): Bucket[] {
    return bucketFindings([...this.findings.values()], this.known.counts);
  }
}
