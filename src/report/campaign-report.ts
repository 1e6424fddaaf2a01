/**
 * The campaign report model: what report.json holds and what the JUnit and HTML renderers read. Everything
 * outside `timing` is decided by the configuration and the seed, so two runs of the same campaign can be
 * compared byte for byte once `timing` is set aside (how many workers ran it is timing too).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Bucket } from '../findings/bucket.ts';
import type { DomainCoverage } from './coverage.ts';

export const REPORT_FORMAT = 'xlatcheck-campaign-report';
/** 2: cases decided neither way are counted (outcome.inconclusiveCases, per property). */
export const REPORT_VERSION = 2;
export const REPORT_FILE = 'report.json';
export const JUNIT_FILE = 'junit.xml';
export const HTML_FILE = 'report.html';

/** Why generation stopped: all runs done, time spent, too many findings, or SIGINT/SIGTERM. */
export type StopReason = 'completed' | 'budget' | 'finding-limit' | 'interrupted';

/** Shard `index` of `count` (1-based) runs the run indices i with i mod count = index - 1. */
export interface Shard {
  readonly index: number;
  readonly count: number;
}

export interface ReportConfiguration {
  readonly machine: { readonly spec: string; readonly name: string };
  /** The families run, in schedule order: run i checks properties[i mod properties.length]. */
  readonly properties: readonly string[];
  readonly skipped: readonly { readonly property: string; readonly reason: string }[];
  readonly seed: number;
  readonly runs: number | null;
  readonly durationMs: number | null;
  /** The shards this report covers (several after a merge). */
  readonly shards: readonly Shard[];
  readonly shrinkEvaluations: number;
}

export interface PropertyTally {
  readonly name: string;
  readonly cases: number;
  readonly failedCases: number;
  /** Cases decided neither way: the specification's state bound was reached, then a mismatch. */
  readonly inconclusiveCases: number;
}

export type ReplaySource = 'regression' | 'previous';
export type ReplayStatus = 'reproduced' | 'not-reproduced' | 'inconclusive' | 'timeout' | 'skipped';

export interface ReplayRecord {
  readonly id: string;
  readonly source: ReplaySource;
  readonly property: string;
  readonly bucket: string;
  readonly status: ReplayStatus;
  readonly note: string;
  /**
   * The reproduction's finding. Saved, unless it is a known deviation: its bucket keeps only its best
   * finding, which may be another.
   */
  readonly reproduction: string | null;
}

export interface ThroughputSample {
  readonly elapsedMs: number;
  readonly cases: number;
}

export interface ThroughputSeries {
  readonly label: string;
  readonly samples: readonly ThroughputSample[];
}

export interface ReportTiming {
  readonly startedAt: string;
  readonly finishedAt: string;
  readonly elapsedMs: number;
  readonly casesPerSecond: number;
  readonly workers: number;
  readonly throughput: readonly ThroughputSeries[];
}

export interface CampaignReport {
  readonly format: typeof REPORT_FORMAT;
  readonly version: typeof REPORT_VERSION;
  readonly configuration: ReportConfiguration;
  readonly outcome: {
    readonly stopReason: StopReason;
    readonly cases: number;
    readonly failedCases: number;
    readonly inconclusiveCases: number;
    readonly findings: number;
  };
  readonly properties: readonly PropertyTally[];
  readonly buckets: readonly Bucket[];
  readonly replayed: readonly ReplayRecord[];
  readonly coverage: DomainCoverage;
  readonly timing: ReportTiming;
}

export class ReportFormatError extends Error {}

export function findingCount(buckets: readonly Bucket[]): number {
  return buckets.reduce((n, b) => n + b.members.length, 0);
}

/** Reads DIR/report.json; a missing or foreign file is a ReportFormatError naming it. */
export function readReport(dir: string): CampaignReport {
  const file = join(dir, REPORT_FILE);
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new ReportFormatError(code === 'ENOENT' ? `no campaign report at ${file}` : `${file} is not a readable JSON file`);
  }
  const r = json as Partial<CampaignReport> | null;
  if (r === null || typeof r !== 'object' || r.format !== REPORT_FORMAT) throw new ReportFormatError(`${file} is not an xlatcheck campaign report`);
  if (r.version !== REPORT_VERSION) throw new ReportFormatError(`${file}: report version ${String(r.version)} is not supported`);
  for (const key of ['configuration', 'outcome', 'properties', 'buckets', 'replayed', 'coverage', 'timing'] as const)
    if (r[key] === undefined) throw new ReportFormatError(`${file}: ${key} is missing`);
  if (!Array.isArray(r.buckets) || !r.buckets.every((b: Partial<Bucket> | null) => Array.isArray(b?.members)))
    throw new ReportFormatError(`${file}: buckets is not a list of buckets with members`);
  return { ...(r as CampaignReport), buckets: r.buckets.map(withSightings) };
}

/** Reports written before buckets counted sightings kept every finding of a bucket: one per sighting. */
function withSightings(b: Bucket): Bucket {
  return typeof b.sightings === 'number' ? b : { ...b, sightings: b.members.length };
}
