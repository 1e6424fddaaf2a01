/**
 * On a machine that runs batches (QEMU), a campaign runs the traces of the jobs queued at a worker in one
 * batch ahead of their checks, and finds exactly what it finds running each trace alone.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { noInvlpgMachine } from '../../models/broken/index.ts';
import type { BatchOutcome, Machine } from '../machine/machine.ts';
import type { MachineResult } from '../machine/observation.ts';
import type { Trace } from '../machine/trace.ts';
import { PrefetchingMachine } from './prefetching-machine.ts';
import { runCampaign } from './run-campaign.ts';
import { temporaryFolder, testCampaign } from './test-options.ts';

const trace = (n: number): Trace => ({ format: 'xlatcheck-trace', version: 1, maxPhyAddr: 36, registers: { cr0: 0, cr3: 0, cr4: 0, efer: 0 }, memory: [], steps: [{ op: 'load', va: n, size: 4, user: false }] }) as Trace;
const result = (n: number): MachineResult => ({ observations: [{ kind: 'value', value: `0x${n.toString(16)}` }], memory: [] }) as unknown as MachineResult;

class CountingMachine implements Machine {
  readonly name = 'counting';
  runs = 0;
  batchSizes: number[] = [];
  run(t: Trace): MachineResult {
    this.runs++;
    return result((t.steps[0] as { va: number }).va);
  }
  async runBatch(traces: readonly Trace[]): Promise<BatchOutcome[]> {
    this.batchSizes.push(traces.length);
    return traces.map((t) => {
      const va = (t.steps[0] as { va: number }).va;
      return va === 13 ? { result: null, error: 'QEMU crashed: it was killed by SIGABRT' } : { result: result(va), error: null };
    });
  }
}

describe('PrefetchingMachine', () => {
  it('answers prefetched traces from their batch, once, and runs any other trace itself', async () => {
    const inner = new CountingMachine();
    const m = new PrefetchingMachine(inner);
    await m.prefetch([trace(1), trace(2), trace(13)]);
    expect(inner.batchSizes).toEqual([3]);
    // A structured clone of a prefetched trace (what checkTrace runs) is the same trace.
    expect(await m.run(structuredClone(trace(2)))).toEqual(result(2));
    expect(inner.runs).toBe(0);
    await expect(m.run(trace(13))).rejects.toThrow('QEMU crashed: it was killed by SIGABRT');
    expect(await m.run(trace(2))).toEqual(result(2));
    expect(await m.run(trace(7))).toEqual(result(7));
    expect(inner.runs).toBe(2);
    expect(m.hits).toBe(2);
  });

  it('keeps one batch only', async () => {
    const inner = new CountingMachine();
    const m = new PrefetchingMachine(inner);
    await m.prefetch([trace(1), trace(2)]);
    await m.prefetch([trace(3), trace(4)]);
    await m.run(trace(1));
    expect(inner.runs).toBe(1);
  });
});

/** A machine module (no-invlpg, caught by tlb-coherence) that may also run batches, logging their sizes. */
function machineModule(dir: string, batching: boolean): string {
  const broken = join(import.meta.dirname, '..', '..', 'models', 'broken', 'index.ts');
  const log = join(dir, 'batches.log');
  const runBatch = batching
    ? `async runBatch(traces) { appendFileSync(${JSON.stringify(log)}, traces.length + '\\n'); return traces.map((t) => ({ result: noInvlpgMachine.run(t), error: null })); },`
    : '';
  const file = join(dir, `${batching ? 'batching' : 'plain'}.ts`);
  // The folder's package.json makes the .ts files ES modules, as a user's TypeScript project would.
  writeFileSync(join(dir, 'package.json'), '{ "type": "module" }\n');
  writeFileSync(
    file,
    `import { appendFileSync } from 'node:fs';\nimport { noInvlpgMachine } from ${JSON.stringify(broken)};\n` +
      `export default { name: 'no-invlpg-module', run: (t) => noInvlpgMachine.run(t), ${runBatch} };\n`,
  );
  return file;
}

describe('a campaign on a machine that runs batches', () => {
  it('runs the queued traces in batches and finds what running them one by one finds', async () => {
    expect(noInvlpgMachine.name).toContain('no-invlpg');
    const dir = temporaryFolder();
    const options = { seed: 777, runs: 96, workers: 2, properties: ['tlb-coherence', 'translation'], cwd: dir };
    const plain = await runCampaign(testCampaign({ ...options, machine: machineModule(dir, false) }));
    const batched = await runCampaign(testCampaign({ ...options, machine: machineModule(dir, true) }));
    const sizes = readFileSync(join(dir, 'batches.log'), 'utf8').trim().split('\n').map(Number);
    expect(Math.max(...sizes)).toBeGreaterThan(8);
    expect(sizes.reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(96);
    const summary = (r: typeof plain) => r.findings.map((f) => `${f.finding.bucket} ${JSON.stringify(f.finding.case)}`).sort();
    expect(plain.findings.length).toBeGreaterThan(0);
    expect(summary(batched)).toEqual(summary(plain));
    expect(batched.report.coverage).toEqual(plain.report.coverage);
  });
});
