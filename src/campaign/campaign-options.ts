/**
 * What a campaign is asked to do, what it reports while it runs, and what it returns.
 */
import type { FindingMachine } from '../findings/finding.ts';
import type { StoredFinding } from '../findings/store.ts';
import type { CampaignReport, Shard } from '../report/campaign-report.ts';
import type { CaseLimits } from './run-case.ts';

export interface CampaignOptions {
  /** A built-in machine name or a ./module path. */
  readonly machine: string;
  /** Families to run; null for every family that applies to the machine. */
  readonly properties: readonly string[] | null;
  /** Unsigned 32-bit campaign seed. */
  readonly seed: number;
  /** Runs of the whole campaign (a shard runs its share); null for as many as the duration allows. */
  readonly runs: number | null;
  /** Time budget; null to stop only when the runs are done. */
  readonly durationMs: number | null;
  /** Worker threads; 0 runs every case in the calling thread. */
  readonly workers: number;
  readonly shard: Shard;
  /** The campaign folder: findings/, report.json, junit.xml, report.html. */
  readonly out: string;
  /** A folder of committed findings to replay first; null for none. */
  readonly regressions: string | null;
  readonly limits: CaseLimits;
  /** A run that takes longer (a hanging machine) is abandoned and becomes a timeout finding. */
  readonly caseTimeoutMs: number;
  /** Generation stops after this many findings (a badly broken machine fails nearly every case). */
  readonly maxFindings: number;
  /** Aborting stops generation, saves what was found and writes a partial report. */
  readonly signal?: AbortSignal;
  /** Where module paths are resolved; the current folder by default. */
  readonly cwd?: string;
  /** Called once everything is checked, before any case runs. */
  readonly onStart?: (plan: CampaignPlan) => void;
  readonly onProgress?: (progress: CampaignProgress) => void;
  /** One-line notes: families skipped, replays, findings as they are saved. */
  readonly onNote?: (line: string) => void;
  readonly progressIntervalMs?: number;
}

export interface CampaignPlan {
  readonly machine: FindingMachine;
  readonly properties: readonly string[];
  readonly skipped: readonly { readonly property: string; readonly reason: string }[];
  readonly replays: number;
}

export interface CampaignProgress {
  readonly cases: number;
  readonly findings: number;
  readonly buckets: number;
  readonly elapsedMs: number;
  readonly casesPerSecond: number;
  /** How far through the runs or the duration, 0 to 1. */
  readonly fraction: number;
  /** Time left of the duration; null without one. */
  readonly remainingMs: number | null;
}

export interface CampaignResult {
  readonly out: string;
  readonly report: CampaignReport;
  readonly findings: readonly StoredFinding[];
}

export const DEFAULT_CASE_TIMEOUT_MS = 60_000;
export const DEFAULT_MAX_FINDINGS = 500;
/** After a stop, how long running cases may take to finish before they are abandoned. */
export const STOP_GRACE_MS = 2_500;
