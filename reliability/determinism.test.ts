/**
 * One seed decides a campaign: run through the command line, the same seed and --runs give a report.json
 * that is byte-identical outside its `timing` section, and the same finding files byte for byte, whether
 * the campaign is run again, with 0 or 2 worker threads, split into three shards and merged, or given its
 * property families in another order. (Only what generation could disturb is compared: the timing section
 * holds the clock's readings and the number of workers, and a merged report lists its shards.)
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { temporaryFolder } from '../src/campaign/test-options.ts';
import type { CampaignReport } from '../src/report/campaign-report.ts';
import { renderJson } from '../src/report/write-reports.ts';
import { inBatches, runCli } from './support/cli-process.ts';
import { SuiteFigures } from './support/figures.ts';

const CAMPAIGN = ['--machine', 'broken:no-invlpg', '--seed', '31337', '--runs', '18'];
const PROPERTIES = ['translation', 'tlb-coherence', 'faults', 'big-memory'];
const TIMING = '\n  "timing": ';

const figures = new SuiteFigures('determinism');
const root = temporaryFolder();

afterAll(() => {
  figures.write();
});

/** report.json up to its timing section, as bytes on disk. */
function untimed(out: string): string {
  const text = readFileSync(join(out, 'report.json'), 'utf8');
  const cut = text.indexOf(TIMING);
  if (cut < 0) throw new Error(`${out}/report.json has no timing section`);
  return text.slice(0, cut);
}

/** A merged report with its list of shards put back to the unsharded campaign's, rendered like any report. */
function untimedMerged(out: string): string {
  const report = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8')) as CampaignReport;
  const text = renderJson({ ...report, configuration: { ...report.configuration, shards: [{ index: 1, count: 1 }] } });
  return text.slice(0, text.indexOf(TIMING));
}

/** Every finding file of a folder: name and bytes. */
function findingFiles(out: string): Record<string, string> {
  const dir = join(out, 'findings');
  return Object.fromEntries(readdirSync(dir).sort().map((n) => [n, readFileSync(join(dir, n), 'utf8')]));
}

async function fuzz(name: string, ...args: string[]): Promise<string> {
  const out = join(root, name);
  const exit = await runCli(['fuzz', ...CAMPAIGN, '--out', out, ...args]);
  if (exit.code !== 1) throw new Error(`${name}: exit ${exit.code}: ${exit.stderr.slice(-400)}`);
  return out;
}

describe('the same seed, through the command line', () => {
  it('gives the same report.json bytes and finding files across reruns, workers, shards and family order', async () => {
    const properties = ['--properties', PROPERTIES.join(',')];
    const reversed = ['--properties', [...PROPERTIES].reverse().join(',')];
    const runs: [string, string[]][] = [
      ['first', ['--workers', '0', ...properties]],
      ['again', ['--workers', '0', ...properties]],
      ['two-workers', ['--workers', '2', ...properties]],
      ['families-reversed', ['--workers', '0', ...reversed]],
      ['shard-1', ['--workers', '0', '--shard', '1/3', ...properties]],
      ['shard-2', ['--workers', '1', '--shard', '2/3', ...reversed]],
      ['shard-3', ['--workers', '0', '--shard', '3/3', ...properties]],
    ];
    const outs = Object.fromEntries(await inBatches(runs, 3, async ([name, args]) => [name, await fuzz(name, ...args)] as const));
    const merged = join(root, 'merged');
    const merge = await runCli(['report', '--merge', outs['shard-1']!, outs['shard-2']!, outs['shard-3']!, '--out', merged]);
    expect(merge.code, merge.stderr).toBe(0);

    const reference = untimed(outs.first!);
    const findings = findingFiles(outs.first!);
    figures.set('campaigns compared', runs.length + 1);
    figures.set('findings compared per campaign', Object.keys(findings).length);
    expect(Object.keys(findings).length, 'the broken machine must be caught at this seed').toBeGreaterThan(0);
    for (const name of ['again', 'two-workers', 'families-reversed']) {
      expect(untimed(outs[name]!), name).toBe(reference);
      expect(findingFiles(outs[name]!), name).toEqual(findings);
    }
    expect(untimedMerged(merged)).toBe(reference);
    expect(findingFiles(merged)).toEqual(findings);
  }, 180_000);
});
