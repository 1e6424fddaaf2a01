/**
 * A machine that throws, answers nonsense, hangs or never answers is a finding of its own kind, never a
 * harness crash; and a campaign stops cleanly when its time is spent or it is aborted.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCampaign } from './run-campaign.ts';
import { temporaryFolder, testCampaign } from './test-options.ts';

function machineModule(name: string, run: string): { dir: string; spec: string } {
  const dir = temporaryFolder();
  writeFileSync(join(dir, `${name}.mjs`), `export default { name: '${name}', ${run} };\n`);
  return { dir, spec: `./${name}.mjs` };
}

const kinds = (r: Awaited<ReturnType<typeof runCampaign>>) => [...new Set(r.findings.map((f) => f.finding.divergence.kind))];

describe('misbehaving machines', () => {
  it('a machine that throws gives machine-error findings', async () => {
    const m = machineModule('thrower', "run() { throw new Error('bus error'); }");
    const r = await runCampaign(testCampaign({ machine: m.spec, cwd: m.dir, properties: ['translation'], runs: 2 }));
    expect(kinds(r)).toEqual(['machine-error']);
    expect(r.findings[0]?.finding.divergence.explanation).toContain('bus error');
    expect(r.report.outcome.cases).toBe(2);
  });

  it('a machine that answers nonsense gives malformed-result findings', async () => {
    const m = machineModule('liar', 'run() { return { observations: [], memory: [] }; }');
    const r = await runCampaign(testCampaign({ machine: m.spec, cwd: m.dir, properties: ['faults'], runs: 2 }));
    expect(kinds(r)).toEqual(['malformed-result']);
  });

  it('a machine that hangs in a worker is abandoned and gives timeout findings', async () => {
    const m = machineModule('spinner', 'run() { for (;;) {} }');
    const started = Date.now();
    const r = await runCampaign(testCampaign({ machine: m.spec, cwd: m.dir, properties: ['translation'], runs: 2, workers: 1, caseTimeoutMs: 600 }));
    expect(kinds(r)).toEqual(['timeout']);
    expect(r.findings).toHaveLength(2);
    expect(r.findings[0]?.finding.shrink.cut).toBe('not-shrunk');
    expect(Date.now() - started).toBeLessThan(15_000);
  });

  it('a machine that never settles its promise times out in the calling thread too', async () => {
    const m = machineModule('sleeper', 'run() { return new Promise(() => {}); }');
    const r = await runCampaign(testCampaign({ machine: m.spec, cwd: m.dir, properties: ['translation'], runs: 1, caseTimeoutMs: 300 }));
    expect(kinds(r)).toEqual(['timeout']);
  });
});

describe('stopping', () => {
  it('stops when the duration is spent and writes the report', async () => {
    const started = Date.now();
    const r = await runCampaign(testCampaign({ runs: null, durationMs: 1500, workers: 1 }));
    expect(r.report.outcome.stopReason).toBe('budget');
    // The budget includes the worker's start-up, which a loaded machine can spend entirely, so how many
    // cases ran is not asserted here (the in-thread test below asserts some ran); stopping promptly is.
    expect(Date.now() - started).toBeLessThan(1500 + 10_000);
    expect(JSON.parse(readFileSync(join(r.out, 'report.json'), 'utf8')).outcome.stopReason).toBe('budget');
  });

  it('stops when the duration is spent in the calling thread too', async () => {
    const r = await runCampaign(testCampaign({ runs: null, durationMs: 700, workers: 0 }));
    expect(r.report.outcome.stopReason).toBe('budget');
    expect(r.report.outcome.cases).toBeGreaterThan(0);
  });

  it('stops when aborted, saving a partial report within a few seconds', async () => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 800);
    const started = Date.now();
    const r = await runCampaign(testCampaign({ runs: null, durationMs: 60_000, workers: 1, signal: controller.signal }));
    expect(r.report.outcome.stopReason).toBe('interrupted');
    expect(Date.now() - started).toBeLessThan(800 + 5000);
    expect(existsSync(join(r.out, 'report.html'))).toBe(true);
  });

  it('stops generating after the finding limit', async () => {
    const r = await runCampaign(testCampaign({ machine: 'broken:truncated-pa', properties: ['big-memory'], runs: 50, maxFindings: 1 }));
    expect(r.report.outcome.stopReason).toBe('finding-limit');
    expect(r.findings).toHaveLength(1);
  });
});
