/**
 * Several writers in one findings folder at once lose nothing. First the store alone: writer processes
 * save overlapping sets of findings into one folder at the same moment (the same file renamed into place
 * by several of them). Then whole campaigns: the shards of one campaign run at once with the same --out,
 * replaying each other's findings as they appear, and the folder ends up holding exactly the findings of
 * the same campaign run unsharded, every one intact.
 */
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCampaign } from '../src/campaign/run-campaign.ts';
import { temporaryFolder, testCampaign } from '../src/campaign/test-options.ts';
import { findingId } from '../src/findings/finding-id.ts';
import { inBatches, REPO, reportedFindings, runCli } from './support/cli-process.ts';
import { SuiteFigures } from './support/figures.ts';
import { auditFolder } from './support/folder-audit.ts';

const figures = new SuiteFigures('concurrent-writers');

afterAll(() => {
  figures.write();
});

describe('the findings store under concurrent writers', () => {
  it('holds the union of what every writer saved, each file intact, nothing left behind', async () => {
    const WRITERS = 4;
    const SHARED = 60;
    const OWN = 15;
    const out = temporaryFolder();
    const folder = join(out, 'findings');
    // Far enough ahead for every writer to have started (tsx start-up), near enough not to waste time.
    const startAt = String(Date.now() + 4000);
    const entry = ['--import', 'tsx', join(REPO, 'reliability', 'fixtures', 'save-findings.ts')];
    const exits = await Promise.all(Array.from({ length: WRITERS }, (_, w) => runCli([folder, String(w + 1), startAt, String(SHARED), String(OWN)], { entry })));
    expect(exits.map((e) => [e.code, e.stderr])).toEqual(exits.map(() => [0, '']));
    const saved = new Set(exits.flatMap((e) => e.stdout.trim().split('\n')));
    const audit = auditFolder(out);
    figures.set('store writers', WRITERS);
    figures.set('saves', WRITERS * (SHARED + OWN));
    figures.set('distinct findings saved by the writers', saved.size);
    expect(saved.size).toBe(SHARED + WRITERS * OWN);
    expect(audit.problems).toEqual([]);
    expect(audit.strays).toEqual([]);
    expect([...audit.findings].sort()).toEqual([...saved].sort());
    figures.set('store findings lost', [...saved].filter((id) => !audit.findings.has(id)).length);
  }, 60_000);
});

describe('shards of one campaign sharing one --out', () => {
  it('leave exactly the findings of the unsharded campaign, none lost', async () => {
    const SHARDS = 3;
    const campaign = { machine: 'broken:truncated-pa', properties: ['big-memory', 'translation'], seed: 77, runs: 18 };
    const shared = join(temporaryFolder(), 'shared');
    const regressions = temporaryFolder();
    const args = (i: number) => ['fuzz', '--machine', campaign.machine, '--properties', campaign.properties.join(','), '--seed', String(campaign.seed), '--runs', String(campaign.runs), '--workers', '0', '--shard', `${i}/${SHARDS}`, '--out', shared, '--regressions', regressions];
    const [shards, unsharded] = await Promise.all([
      inBatches([1, 2, 3], SHARDS, (i) => runCli(args(i))),
      runCampaign(testCampaign({ ...campaign, limits: { shrinkEvaluations: 1000, shrinkTimeMs: 20_000 }, out: join(temporaryFolder(), 'alone') })),
    ]);
    // 1 for a shard that found something, 0 for one that did not; anything else is a failure.
    expect(shards.filter((s) => s.code !== 0 && s.code !== 1).map((s) => s.stderr)).toEqual([]);
    const audit = auditFolder(shared);
    const expected = unsharded.findings.map((f) => f.id).sort();
    const reported = new Set(shards.flatMap((s) => reportedFindings(s.lines)));
    figures.set('shards sharing one folder', SHARDS);
    figures.set('findings of the unsharded campaign', expected.length);
    figures.set('shard findings lost', [...reported, ...expected].filter((id) => !audit.findings.has(id)).length);
    expect(expected.length, 'the broken machine must be caught at this seed').toBeGreaterThan(0);
    expect(audit.problems).toEqual([]);
    expect(audit.strays).toEqual([]);
    expect([...audit.findings].sort()).toEqual(expected);
    for (const id of reported) expect(audit.findings.has(id)).toBe(true);
    expect(unsharded.findings.every((f) => findingId(f.finding) === f.id)).toBe(true);
  }, 120_000);
});
