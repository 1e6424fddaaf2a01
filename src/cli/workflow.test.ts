/**
 * The workflows call only what the tests run: every xlatcheck command of the nightly workflow is run here
 * as written (shell variables filled with small values), and the CI workflow runs .ci/run, which runs
 * npm test.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { temporaryFolder } from '../campaign/test-options.ts';

const repo = join(import.meta.dirname, '..', '..');
const workflow = (name: string) => readFileSync(join(repo, '.github', 'workflows', name), 'utf8');

function sh(command: string, env: Record<string, string>): { status: number | null; stderr: string } {
  const r = spawnSync('bash', ['-c', command], { cwd: repo, env: { ...process.env, ...env }, encoding: 'utf8', timeout: 60_000 });
  return { status: r.status, stderr: r.stderr };
}

describe('the nightly workflow', () => {
  const commands = [...workflow('nightly.yml').matchAll(/^\s*run: (npx xlatcheck .*)$/gm)].map((m) => m[1] as string);

  it('calls fuzz per shard, then merges the reports and drafts the issues', () => {
    expect(commands.map((c) => c.split(' ')[2])).toEqual(['fuzz', 'report', 'issues']);
  });

  it('runs: two shards, the merge and the issue drafts', () => {
    const root = temporaryFolder();
    const env = { OUT: join(root, 'campaign'), MERGED: join(root, 'merged'), COUNT: '2', SEED: '7', DURATION: '1s', CONTEXT: 'test run' };
    const [fuzz, merge, issues] = commands as [string, string, string];
    for (const shard of ['1', '2']) {
      const r = sh(fuzz, { ...env, SHARD: shard });
      expect(r.stderr).toContain(`shard ${shard}/2`);
      expect(r.status, r.stderr).toBe(0);
    }
    const merged = sh(merge, env);
    expect(merged.status, merged.stderr).toBe(0);
    const report = JSON.parse(readFileSync(join(env.MERGED, 'report.json'), 'utf8')) as { configuration: { shards: unknown[]; seed: number } };
    expect(report.configuration.shards).toEqual([
      { index: 1, count: 2 },
      { index: 2, count: 2 },
    ]);
    expect(report.configuration.seed).toBe(7);
    const drafted = sh(issues, env);
    expect(drafted.status, drafted.stderr).toBe(0);
    expect(JSON.parse(readFileSync(join(env.MERGED, 'issues.json'), 'utf8'))).toEqual([]);
  }, 120_000);
});

describe('the CI workflow', () => {
  it('runs .ci/run, which runs npm test', () => {
    expect(workflow('ci.yml')).toMatch(/run: bash \.ci\/run/);
    expect(readFileSync(join(repo, '.ci', 'run'), 'utf8')).toMatch(/^npm test$/m);
  });
});
