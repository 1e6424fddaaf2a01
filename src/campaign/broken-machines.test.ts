/**
 * What the campaign side is for: on the reference machine a campaign finds nothing; on each deliberately
 * broken machine a short campaign of the families meant to catch it finds the bug, saves it, and
 * `xlatcheck replay` reproduces it from the saved file alone.
 */
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { builtinMachines } from '../../models/registry.ts';
import { cli } from '../cli/cli.ts';
import { memoryIo } from '../cli/test-io.ts';
import { runCampaign } from './run-campaign.ts';
import { testCampaign } from './test-options.ts';

const broken = builtinMachines().filter((e) => e.targets.length > 0);
// Few shrink evaluations: these tests are about catching, saving and replaying, not about shrinking well.
const quick = { limits: { shrinkEvaluations: 40, shrinkTimeMs: 20_000 } };

describe('campaigns on the built-in machines', () => {
  it('find nothing on the reference machine', async () => {
    const result = await runCampaign(testCampaign({ machine: 'reference', runs: 160, workers: 2, ...quick }));
    expect(result.report.outcome).toMatchObject({ stopReason: 'completed', cases: 160, findings: 0 });
    expect(result.report.buckets.map((b) => b.signature)).toEqual([]);
  });

  it('have broken machines to catch', () => {
    expect(broken.length).toBeGreaterThanOrEqual(5);
  });

  it.each(broken.map((e) => [e.machine.name, e.targets] as const))('catch %s with %j, save it, and replay it', async (name, targets) => {
    const result = await runCampaign(testCampaign({ machine: name, properties: targets, runs: 60 * targets.length, maxFindings: 2, ...quick }));
    const caught = result.findings.filter((f) => targets.includes(f.finding.property));
    expect(caught.length, `${name} was not caught by ${targets.join(', ')}`).toBeGreaterThan(0);
    const first = caught[0]!;
    expect(existsSync(first.file)).toBe(true);
    expect(first.finding.machine.spec).toBe(name);

    const io = memoryIo(process.cwd());
    const code = await cli(['replay', first.file], io, new AbortController().signal);
    expect(io.stderrText()).toBe('');
    expect(io.stdout()).toContain(`${first.id}  reproduced  on ${name}`);
    expect(code).toBe(1);
  });
});
