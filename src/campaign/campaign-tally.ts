/**
 * The running totals of a campaign: cases per family, domain coverage, findings and replays, and the
 * throughput samples. Results arrive in whatever order the workers finish; everything kept here is a
 * sum or a set, so the totals do not depend on that order.
 */
import { bucketFindings, type Bucket } from '../findings/bucket.ts';
import type { StoredFinding } from '../findings/store.ts';
import type { PropertyTally, ReplayRecord, ThroughputSample } from '../report/campaign-report.ts';
import { addCounts, type CoverageCounts } from '../report/coverage.ts';

export class CampaignTally {
  cases = 0;
  failedCases = 0;
  readonly coverage: CoverageCounts = {};
  readonly findings = new Map<string, StoredFinding>();
  readonly bucketNames = new Set<string>();
  readonly samples: ThroughputSample[] = [];
  private readonly replays: ReplayRecord[] = [];
  private readonly perProperty: Map<string, { cases: number; failedCases: number }>;

  constructor(properties: readonly string[]) {
    this.perProperty = new Map(properties.map((p) => [p, { cases: 0, failedCases: 0 }]));
  }

  addFinding(stored: StoredFinding): void {
    this.findings.set(stored.id, stored);
    this.bucketNames.add(stored.finding.bucket);
  }

  addRun(property: string, coverage: Readonly<CoverageCounts>, stored: StoredFinding | null): void {
    const p = this.perProperty.get(property);
    if (p === undefined) throw new Error(`internal: a run of ${property}, which is not in this campaign`);
    this.cases++;
    p.cases++;
    addCounts(this.coverage, coverage);
    if (stored === null) return;
    this.failedCases++;
    p.failedCases++;
    this.addFinding(stored);
  }

  addReplay(record: ReplayRecord, stored: StoredFinding | null): void {
    this.replays.push(record);
    if (stored !== null) this.addFinding(stored);
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
    return bucketFindings([...this.findings.values()]);
  }
}
