/**
 * A machine's known deviations in a campaign: each sighting is counted in its bucket, one finding file per
 * bucket is kept (the bucket's representative), sightings do not stop the campaign at --max-findings, and
 * all of it is the same whatever the number of workers or the split into shards.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type BucketMember, memberOf } from '../findings/bucket.ts';
import { findingId } from '../findings/finding-id.ts';
import { loadFindings, saveFinding, type StoredFinding } from '../findings/store.ts';
import { findFamily } from '../properties/registry.ts';
import type { CampaignReport } from '../report/campaign-report.ts';
import { mergeCampaignFolders } from '../report/write-reports.ts';
import type { CampaignOptions } from './campaign-options.ts';
import { knownDeviationModule as machineModule } from './known-deviation-module.ts';
import { resolveMachine } from './machine-spec.ts';
import { runCampaign } from './run-campaign.ts';
import { runCase } from './run-case.ts';
import { StopFlag } from './stop-flag.ts';
import { temporaryFolder, testCampaign } from './test-options.ts';

// Spelled out here rather than imported, so the test judges the campaign by the rule itself.
const isKnownDeviation = (kind: string): boolean => kind === 'known-deviation';
const smaller = (a: BucketMember, b: BucketMember): BucketMember => (b.size < a.size || (b.size === a.size && b.id < a.id) ? b : a);

const LIMITS = { shrinkEvaluations: 60, shrinkTimeMs: 20_000 };
const PROPERTIES = ['translation', 'faults'];

function campaign(machine: string, over: Partial<CampaignOptions> = {}): CampaignOptions {
  return testCampaign({ machine, properties: PROPERTIES, seed: 5, runs: 60, limits: LIMITS, ...over });
}

const fileNames = (out: string): string[] => readdirSync(join(out, 'findings')).sort();

function reportText(out: string): string {
  const { timing: _timing, ...rest } = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8')) as CampaignReport;
  return JSON.stringify(rest);
}

/** Each run's finding computed alone, outside any campaign: what the campaign's counts must add up to. */
async function findingsOneByOne(options: CampaignOptions, report: CampaignReport): Promise<StoredFinding[]> {
  const machine = await resolveMachine(options.machine, options.cwd ?? process.cwd());
  const ctx = { campaignSeed: options.seed, machine, machineRecord: report.configuration.machine, limits: options.limits, stop: new StopFlag() };
  const names = report.configuration.properties;
  const found: StoredFinding[] = [];
  for (let index = 0; index < (options.runs ?? 0); index++) {
    const family = findFamily(names[index % names.length] as string);
    if (family === undefined) throw new Error('unknown family');
    const { finding } = await runCase(family, index, ctx);
    if (finding !== null) found.push({ id: findingId(finding), file: '', finding });
  }
  return found;
}

describe('known deviations in a campaign', () => {
  it('keep one finding file per bucket, its representative, and count every case in its sightings', async () => {
    const dir = temporaryFolder();
    const options = campaign(machineModule(dir, 'mixed'), { cwd: dir });
    const { report, out } = await runCampaign(options);
    const expected = await findingsOneByOne(options, report);

    const known = report.buckets.filter((b) => isKnownDeviation(b.kind));
    expect(known.length, 'the hook should name both deviations').toBeGreaterThanOrEqual(2);
    expect(report.buckets.length, 'and leave some divergences new').toBeGreaterThan(known.length);
    expect(known.some((b) => b.sightings > 2), 'a bucket should be seen several times').toBe(true);
    for (const b of known) {
      const sighted = expected.filter((f) => f.finding.bucket === b.signature);
      const best = sighted.map(memberOf).reduce(smaller);
      expect(b.sightings, b.signature).toBe(sighted.length);
      expect(b.members, b.signature).toEqual([best]);
      expect(b.representative).toBe(best.id);
    }
    for (const b of report.buckets.filter((x) => !isKnownDeviation(x.kind))) expect(b.sightings, b.signature).toBe(b.members.length);
    expect(report.buckets.reduce((n, b) => n + b.sightings, 0)).toBe(report.outcome.failedCases);
    expect(report.outcome.failedCases).toBe(expected.length);
    // The folder holds exactly the buckets' members: no file of a sighting that was not kept.
    expect(fileNames(out)).toEqual(report.buckets.flatMap((b) => b.members.map((m) => `${m.id}.json`)).sort());
    expect(report.outcome.findings).toBe(fileNames(out).length);
  });

  it('do not count toward --max-findings, which new findings still reach', async () => {
    const dir = temporaryFolder();
    const { report, out } = await runCampaign(campaign(machineModule(dir, 'all-known'), { cwd: dir, maxFindings: 2 }));
    expect(report.outcome.stopReason).toBe('completed');
    expect(report.outcome.cases).toBe(60);
    expect(report.outcome.failedCases).toBeGreaterThan(2);
    expect(report.buckets.every((b) => isKnownDeviation(b.kind))).toBe(true);
    expect(report.buckets.reduce((n, b) => n + b.sightings, 0)).toBe(report.outcome.failedCases);
    expect(fileNames(out)).toHaveLength(report.buckets.length);

    const mixed = await runCampaign(campaign(machineModule(dir, 'mixed'), { cwd: dir, maxFindings: 1 }));
    expect(mixed.report.outcome.stopReason).toBe('finding-limit');
    expect(mixed.report.outcome.cases).toBeLessThan(60);
  });

  it('leave the same report and files with 0 or 2 workers and with two shards merged, replays included', async () => {
    const dir = temporaryFolder();
    const machine = machineModule(dir, 'mixed');
    // Committed regressions that reproduce into known buckets: every shard replays them.
    const earlier = await runCampaign(campaign(machine, { cwd: dir, seed: 6, runs: 20 }));
    const regressions = join(earlier.out, 'findings');
    expect(loadFindings(regressions).some((f) => isKnownDeviation(f.finding.divergence.kind))).toBe(true);

    const base = { cwd: dir, regressions };
    const inThread = await runCampaign(campaign(machine, { ...base, workers: 0 }));
    const twoWorkers = await runCampaign(campaign(machine, { ...base, workers: 2 }));
    const shard1 = await runCampaign(campaign(machine, { ...base, workers: 1, shard: { index: 1, count: 2 } }));
    const shard2 = await runCampaign(campaign(machine, { ...base, workers: 0, shard: { index: 2, count: 2 } }));
    const merged = join(temporaryFolder(), 'merged');
    mergeCampaignFolders([shard1.out, shard2.out], merged);

    expect(inThread.report.buckets.some((b) => isKnownDeviation(b.kind) && b.sightings > 1)).toBe(true);
    expect(inThread.report.replayed.some((r) => r.status === 'reproduced')).toBe(true);
    expect(reportText(twoWorkers.out)).toBe(reportText(inThread.out));
    expect(fileNames(twoWorkers.out)).toEqual(fileNames(inThread.out));
    const withoutShards = (text: string) => {
      const r = JSON.parse(text) as CampaignReport;
      return { ...r, configuration: { ...r.configuration, shards: [] } };
    };
    expect(withoutShards(reportText(merged))).toEqual(withoutShards(reportText(inThread.out)));
    expect(fileNames(merged)).toEqual(fileNames(inThread.out));
  });

  it('leave one file per bucket in a folder where an earlier xlatcheck saved every sighting', async () => {
    const dir = temporaryFolder();
    const options = campaign(machineModule(dir, 'mixed'), { cwd: dir, seed: 7, workers: 2 });
    const first = await runCampaign(options);
    const folder = join(first.out, 'findings');
    for (const f of await findingsOneByOne(options, first.report)) saveFinding(folder, f.finding);
    const crowded = loadFindings(folder).filter((f) => isKnownDeviation(f.finding.divergence.kind)).length;

    const second = await runCampaign({ ...options, seed: 8 });
    expect(second.report.replayed.filter((r) => r.status === 'reproduced').length).toBeGreaterThan(first.report.buckets.length);
    const onDisk = loadFindings(folder).filter((f) => isKnownDeviation(f.finding.divergence.kind));
    const known = second.report.buckets.filter((b) => isKnownDeviation(b.kind));
    expect(crowded).toBeGreaterThan(known.length);
    expect(onDisk.map((f) => f.id).sort()).toEqual(known.map((b) => b.representative).sort());
  });
});
