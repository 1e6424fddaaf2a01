/**
 * `xlatcheck fuzz`: parses and checks the options, runs the campaign, prints a summary (text or --json)
 * with where the report is. Exit 0 when nothing new was found (known deviations only, or nothing), 1 when
 * something was, 130 when interrupted.
 */
import { randomInt } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { resolve } from 'node:path';
import {
  DEFAULT_CASE_TIMEOUT_MS,
  DEFAULT_MAX_FINDINGS,
  type CampaignOptions,
  type CampaignPlan,
  type CampaignResult,
} from '../campaign/campaign-options.ts';
import { formatDuration, parseDuration } from '../campaign/duration.ts';
import { parsePropertyList } from '../campaign/family-selection.ts';
import { DEFAULT_MACHINE } from '../campaign/machine-spec.ts';
import { defaultOutFolder } from '../campaign/out-folder.ts';
import { DEFAULT_REGRESSIONS } from '../campaign/replay-sources.ts';
import { runCampaign } from '../campaign/run-campaign.ts';
import { DEFAULT_LIMITS } from '../campaign/run-case.ts';
import { parseShard, WHOLE } from '../campaign/shard.ts';
import { MAX_RUNS, parseRuns, parseSeed } from '../config/run-config.ts';
import { UNDECIDED } from '../machine/check.ts';
import { bucketCounts, knownSightings } from '../report/bucket-counts.ts';
import { HTML_FILE, JUNIT_FILE, REPORT_FILE } from '../report/campaign-report.ts';
import { replayCommand } from '../report/replay-command.ts';
import { flag, integerOption, type OptionSpec, parseCommand, stringOption } from './args.ts';
import { EXIT, type Io } from './io.ts';
import { type ProgressView, progressView } from './progress.ts';

const OPTIONS: OptionSpec = {
  machine: { type: 'string' },
  properties: { type: 'string' },
  duration: { type: 'string' },
  runs: { type: 'string' },
  seed: { type: 'string' },
  workers: { type: 'string' },
  shard: { type: 'string' },
  out: { type: 'string' },
  regressions: { type: 'string' },
  'case-timeout': { type: 'string' },
  'max-findings': { type: 'string' },
  json: { type: 'boolean' },
};

export const DEFAULT_DURATION_MS = 60_000;
const MAX_WORKERS = 256;

/** The campaign options from the command line; every check that can fail happens here, before any work. */
export function fuzzOptions(args: readonly string[], io: Io): Omit<CampaignOptions, 'signal' | 'onProgress' | 'onNote'> & { json: boolean } {
  const p = parseCommand('fuzz', args, OPTIONS, false);
  const runsText = stringOption(p, 'runs');
  const durationText = stringOption(p, 'duration');
  const runs = runsText === undefined ? null : parseRuns(runsText, '--runs');
  const durationMs = durationText === undefined ? (runs === null ? DEFAULT_DURATION_MS : null) : parseDuration(durationText, '--duration');
  const seedText = stringOption(p, 'seed');
  const timeout = stringOption(p, 'case-timeout');
  const properties = stringOption(p, 'properties');
  const shard = stringOption(p, 'shard');
  return {
    machine: stringOption(p, 'machine') ?? DEFAULT_MACHINE,
    properties: properties === undefined ? null : parsePropertyList(properties),
    seed: seedText === undefined ? randomInt(0, 2 ** 32) : parseSeed(seedText, '--seed'),
    runs,
    durationMs,
    workers: integerOption(p, 'workers', 0, MAX_WORKERS) ?? availableParallelism(),
    shard: shard === undefined ? WHOLE : parseShard(shard),
    out: resolve(io.cwd, stringOption(p, 'out') ?? defaultOutFolder(new Date())),
    regressions: resolve(io.cwd, stringOption(p, 'regressions') ?? DEFAULT_REGRESSIONS),
    limits: DEFAULT_LIMITS,
    caseTimeoutMs: timeout === undefined ? DEFAULT_CASE_TIMEOUT_MS : parseDuration(timeout, '--case-timeout'),
    maxFindings: integerOption(p, 'max-findings', 1, MAX_RUNS) ?? DEFAULT_MAX_FINDINGS,
    cwd: io.cwd,
    json: flag(p, 'json'),
  };
}

function budget(o: { runs: number | null; durationMs: number | null }): string {
  return [o.runs === null ? null : `${o.runs} runs`, o.durationMs === null ? null : formatDuration(o.durationMs)].filter((x) => x !== null).join(' or ');
}

function header(o: Omit<CampaignOptions, 'signal'>, plan: CampaignPlan): string {
  const shard = o.shard.count > 1 ? `, shard ${o.shard.index}/${o.shard.count}` : '';
  const lines = [
    `xlatcheck fuzz: machine ${plan.machine.name}, seed ${o.seed} (--seed ${o.seed} repeats it), ${budget(o)}, ${o.workers} worker(s)${shard}`,
    `  properties: ${plan.properties.join(', ')}`,
    ...plan.skipped.map((s) => `  skipped ${s.property}: ${s.reason}`),
    ...(plan.replays > 0 ? [`  replaying ${plan.replays} earlier finding(s) first`] : []),
    `  out: ${o.out}`,
  ];
  return lines.join('\n');
}

/** A campaign that checked nothing (the budget ran out before the first case) must not read as a pass. */
export function checkedNothing(result: CampaignResult): boolean {
  const r = result.report;
  return r.outcome.stopReason !== 'interrupted' && r.outcome.cases === 0 && r.outcome.findings === 0 && r.replayed.length === 0;
}

/**
 * 1 only for something new: a machine's documented deviations (known-deviation buckets) are reported
 * and counted, but a nightly QEMU campaign that sees nothing else passes.
 */
export function exitCodeOf(result: CampaignResult): number {
  if (result.report.outcome.stopReason === 'interrupted') return EXIT.interrupted;
  if (checkedNothing(result)) return EXIT.usage;
  return result.report.buckets.some((b) => b.kind !== 'known-deviation') ? EXIT.found : EXIT.ok;
}

function summaryJson(result: CampaignResult, io: Io): object {
  const r = result.report;
  return {
    out: result.out,
    report: resolve(result.out, REPORT_FILE),
    html: resolve(result.out, HTML_FILE),
    junit: resolve(result.out, JUNIT_FILE),
    seed: r.configuration.seed,
    machine: r.configuration.machine,
    properties: r.configuration.properties,
    skipped: r.configuration.skipped,
    stopReason: r.outcome.stopReason,
    cases: r.outcome.cases,
    inconclusiveCases: r.outcome.inconclusiveCases,
    casesPerSecond: Number(r.timing.casesPerSecond.toFixed(1)),
    findings: r.outcome.findings,
    buckets: r.buckets.map((b) => ({
      signature: b.signature,
      property: b.property,
      findings: b.members.length,
      sightings: b.sightings,
      replay: replayCommand(result.out, b.representative),
    })),
    replayed: r.replayed,
    exitCode: exitCodeOf(result),
    cwd: io.cwd,
  };
}

const STOPPED: Record<CampaignResult['report']['outcome']['stopReason'], string> = {
  completed: 'all runs done',
  budget: 'time budget spent',
  'finding-limit': 'stopped at --max-findings',
  interrupted: 'interrupted',
};

/** Cases that are neither a pass nor a finding are said, so that a campaign never looks more conclusive than it was. */
function inconclusiveLine(n: number): string {
  return `${n} case(s) inconclusive, neither a pass nor a finding: ${UNDECIDED}`;
}

function summaryText(result: CampaignResult): string {
  const r = result.report;
  const c = r.configuration;
  const lines = [
    `campaign seed ${c.seed} on ${c.machine.name}: ${r.outcome.cases} cases in ${(r.timing.elapsedMs / 1000).toFixed(1)} s (${r.timing.casesPerSecond.toFixed(0)}/s), ${STOPPED[r.outcome.stopReason]}`,
  ];
  if (r.outcome.inconclusiveCases > 0) lines.push(inconclusiveLine(r.outcome.inconclusiveCases));
  const reproduced = r.replayed.filter((x) => x.status === 'reproduced').length;
  const undecided = r.replayed.filter((x) => x.status === 'inconclusive').length;
  if (r.replayed.length > 0) lines.push(`replayed ${r.replayed.length} earlier finding(s): ${reproduced} reproduced${undecided > 0 ? `, ${undecided} inconclusive` : ''}`);
  if (r.buckets.length === 0) lines.push('no findings');
  else {
    const known = knownSightings(r.buckets);
    lines.push(`${r.outcome.findings} finding(s) in ${r.buckets.length} bucket(s)${known === null ? '' : `, ${known} sighting(s) of known deviations`}:`);
    for (const b of r.buckets) lines.push(`  ${b.signature}  (${bucketCounts(b)})`, `    ${replayCommand(result.out, b.representative)}`);
  }
  lines.push(`report: ${resolve(result.out, HTML_FILE)}`);
  return lines.join('\n') + '\n';
}

export async function fuzzCommand(args: readonly string[], io: Io, signal: AbortSignal): Promise<number> {
  const { json, ...options } = fuzzOptions(args, io);
  let view: ProgressView | null = null;
  const onStart = (plan: CampaignPlan): void => {
    io.err(`${header(options, plan)}\n`);
    view = progressView(io);
  };
  let result: CampaignResult;
  try {
    result = await runCampaign({ ...options, signal, onStart, onProgress: (p) => view?.update(p), onNote: (line) => view?.note(line) });
  } finally {
    (view as ProgressView | null)?.stop();
  }
  io.out(json ? JSON.stringify(summaryJson(result, io), null, 2) + '\n' : summaryText(result));
  if (checkedNothing(result)) io.err('xlatcheck: no case ran within the budget: give a longer --duration or use --runs\n');
  return exitCodeOf(result);
}
