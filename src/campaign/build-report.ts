/**
 * The campaign's report from its tally: configuration and outcome (decided by the seed), then timing.
 */
import type { FindingMachine } from '../findings/finding.ts';
import { type CampaignReport, REPORT_FORMAT, REPORT_VERSION, type StopReason } from '../report/campaign-report.ts';
import { domainCoverage } from '../report/coverage.ts';
import type { CampaignOptions } from './campaign-options.ts';
import type { CampaignTally } from './campaign-tally.ts';
import type { FamilySelection } from './family-selection.ts';

export interface ReportInput {
  readonly options: CampaignOptions;
  readonly machine: FindingMachine;
  readonly selection: FamilySelection;
  readonly tally: CampaignTally;
  readonly stopReason: StopReason;
  readonly startedAt: Date;
  readonly elapsedMs: number;
  readonly workers: number;
}

export function buildReport(input: ReportInput): CampaignReport {
  const { options, tally } = input;
  const buckets = tally.buckets();
  const shard = options.shard;
  return {
    format: REPORT_FORMAT,
    version: REPORT_VERSION,
    configuration: {
      machine: input.machine,
      properties: input.selection.families.map((f) => f.name),
      skipped: input.selection.skipped,
      seed: options.seed,
      runs: options.runs,
      durationMs: options.durationMs,
      shards: [shard],
      shrinkEvaluations: options.limits.shrinkEvaluations,
    },
    outcome: {
      stopReason: input.stopReason,
      cases: tally.cases,
      failedCases: tally.failedCases,
      inconclusiveCases: tally.inconclusiveCases,
      findings: tally.findings.size,
    },
    properties: tally.properties(),
    buckets,
    replayed: tally.replayRecords(),
    coverage: domainCoverage(tally.coverage),
    timing: {
      startedAt: input.startedAt.toISOString(),
      finishedAt: new Date(input.startedAt.getTime() + input.elapsedMs).toISOString(),
      elapsedMs: input.elapsedMs,
      casesPerSecond: input.elapsedMs > 0 ? (tally.cases * 1000) / input.elapsedMs : 0,
      workers: input.workers,
      throughput: [{ label: shard.count === 1 ? 'campaign' : `shard ${shard.index}/${shard.count}`, samples: tally.samples }],
    },
  };
}
