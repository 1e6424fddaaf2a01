/**
 * One campaign seed decides everything: the same seed and --runs give the same findings, counts and
 * coverage whatever the number of workers and however the runs are split into shards.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { CampaignReport } from '../report/campaign-report.ts';
import { mergeCampaignFolders } from '../report/write-reports.ts';
import { runCampaign } from './run-campaign.ts';
import { temporaryFolder, testCampaign } from './test-options.ts';

const base = { machine: 'broken:no-invlpg', seed: 424242, runs: 32, limits: { shrinkEvaluations: 100, shrinkTimeMs: 20_000 } };

function withoutTiming(r: CampaignReport): Omit<CampaignReport, 'timing'> {
  const { timing: _timing, ...rest } = r;
  return rest;
}

function reportText(out: string): string {
  const json = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8')) as CampaignReport;
  return JSON.stringify(withoutTiming(json));
}

describe('a campaign is decided by its seed', () => {
  it('finds the same things with 0 or 2 workers and with the runs split over shards', async () => {
    const inThread = await runCampaign(testCampaign({ ...base, workers: 0 }));
    const twoWorkers = await runCampaign(testCampaign({ ...base, workers: 2 }));
    const shard1 = await runCampaign(testCampaign({ ...base, workers: 1, shard: { index: 1, count: 2 } }));
    const shard2 = await runCampaign(testCampaign({ ...base, workers: 0, shard: { index: 2, count: 2 } }));
    const merged = mergeCampaignFolders([shard1.out, shard2.out], join(temporaryFolder(), 'merged'));

    const ids = (findings: readonly { id: string }[]) => findings.map((f) => f.id).sort();
    expect(inThread.findings.length, 'the broken machine should be caught at this seed').toBeGreaterThan(0);
    expect(ids(twoWorkers.findings)).toEqual(ids(inThread.findings));
    expect(ids([...shard1.findings, ...shard2.findings])).toEqual(ids(inThread.findings));
    expect(shard1.report.outcome.cases + shard2.report.outcome.cases).toBe(base.runs);

    // report.json is byte-identical apart from its timing section...
    expect(reportText(twoWorkers.out)).toBe(reportText(inThread.out));
    // ...and the merged shard reports equal the unsharded one apart from the list of shards.
    const unsharded = withoutTiming(inThread.report);
    expect({ ...withoutTiming(merged), configuration: { ...merged.configuration, shards: [] } }).toEqual({
      ...unsharded,
      configuration: { ...unsharded.configuration, shards: [] },
    });
    expect(merged.configuration.shards).toEqual([
      { index: 1, count: 2 },
      { index: 2, count: 2 },
    ]);
  });
});
