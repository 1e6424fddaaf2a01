/**
 * Merging shard reports into one: shards of one campaign (same seed, machine and properties) run disjoint
 * run indices, so their counts add up, their buckets unite by signature, and the merged report equals the
 * unsharded campaign's outside `timing` and the list of shards.
 */
import { mergeBuckets } from '../findings/bucket.ts';
import { type CampaignReport, findingCount, type PropertyTally, type ReplayRecord, ReportFormatError, type StopReason } from './campaign-report.ts';
import { addCounts, type CoverageCounts, countsOf, domainCoverage } from './coverage.ts';

const STOP_SEVERITY: readonly StopReason[] = ['completed', 'budget', 'finding-limit', 'interrupted'];

function sameCampaign(a: CampaignReport, b: CampaignReport): string | null {
  const x = a.configuration;
  const y = b.configuration;
  if (x.seed !== y.seed) return `seeds ${x.seed} and ${y.seed}`;
  if (x.machine.spec !== y.machine.spec) return `machines ${x.machine.spec} and ${y.machine.spec}`;
  if (x.properties.join(',') !== y.properties.join(',')) return `properties ${x.properties.join(',')} and ${y.properties.join(',')}`;
  if (x.runs !== y.runs) return `run counts ${String(x.runs)} and ${String(y.runs)}`;
  return null;
}

function checkShards(reports: readonly CampaignReport[]): void {
  const seen = new Set<string>();
  for (const s of reports.flatMap((r) => r.configuration.shards)) {
    const key = `${s.index}/${s.count}`;
    if (seen.has(key)) throw new ReportFormatError(`shard ${key} appears in more than one report`);
    seen.add(key);
  }
}

function worst(reports: readonly CampaignReport[]): StopReason {
  return reports.map((r) => r.outcome.stopReason).reduce((a, b) => (STOP_SEVERITY.indexOf(b) > STOP_SEVERITY.indexOf(a) ? b : a));
}

function mergeReplays(lists: readonly (readonly ReplayRecord[])[]): ReplayRecord[] {
  const byKey = new Map<string, ReplayRecord>();
  for (const r of lists.flat()) if (!byKey.has(`${r.source}:${r.id}`)) byKey.set(`${r.source}:${r.id}`, r);
  return [...byKey.values()].sort((a, b) => a.id.localeCompare(b.id) || a.source.localeCompare(b.source));
}

export function mergeReports(reports: readonly CampaignReport[]): CampaignReport {
  const first = reports[0];
  if (first === undefined) throw new ReportFormatError('nothing to merge: name at least one campaign folder');
  for (const r of reports.slice(1)) {
    const difference = sameCampaign(first, r);
    if (difference !== null) throw new ReportFormatError(`these reports come from different campaigns (${difference})`);
  }
  checkShards(reports);
  const buckets = mergeBuckets(reports.map((r) => r.buckets));
  const counts: CoverageCounts = {};
  for (const r of reports) addCounts(counts, countsOf(r.coverage));
  const sum = (f: (r: CampaignReport) => number) => reports.reduce((n, r) => n + f(r), 0);
  const cases = sum((r) => r.outcome.cases);
  const elapsedMs = Math.max(...reports.map((r) => r.timing.elapsedMs));
  const skipped = new Map(reports.flatMap((r) => r.configuration.skipped).map((s) => [s.property, s]));
  return {
    format: first.format,
    version: first.version,
    configuration: {
      ...first.configuration,
      skipped: [...skipped.values()],
      shards: reports.flatMap((r) => r.configuration.shards).sort((a, b) => a.count - b.count || a.index - b.index),
    },
    outcome: {
      stopReason: worst(reports),
      cases,
      failedCases: sum((r) => r.outcome.failedCases),
      inconclusiveCases: sum((r) => r.outcome.inconclusiveCases),
      findings: findingCount(buckets),
    },
    properties: first.properties.map((p) => {
      const all = reports.flatMap((r) => r.properties.filter((q) => q.name === p.name));
      const total = (f: (q: PropertyTally) => number): number => all.reduce((n, q) => n + f(q), 0);
      return { name: p.name, cases: total((q) => q.cases), failedCases: total((q) => q.failedCases), inconclusiveCases: total((q) => q.inconclusiveCases) };
    }),
    buckets,
    replayed: mergeReplays(reports.map((r) => r.replayed)),
    coverage: domainCoverage(counts),
    timing: {
      startedAt: reports.map((r) => r.timing.startedAt).sort()[0] ?? first.timing.startedAt,
      finishedAt: reports.map((r) => r.timing.finishedAt).sort().at(-1) ?? first.timing.finishedAt,
      elapsedMs,
      casesPerSecond: elapsedMs > 0 ? (cases * 1000) / elapsedMs : 0,
      workers: sum((r) => r.timing.workers),
      throughput: reports.flatMap((r) => r.timing.throughput),
    },
  };
}
