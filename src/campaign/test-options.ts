/**
 * Campaign options for tests and benchmarks: short, quiet, in a fresh temporary folder, no regressions.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CampaignOptions } from './campaign-options.ts';
import { DEFAULT_LIMITS } from './run-case.ts';
import { WHOLE } from './shard.ts';

export function temporaryFolder(prefix = 'xlatcheck-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

export function testCampaign(over: Partial<CampaignOptions> = {}): CampaignOptions {
  return {
    machine: 'reference',
    properties: null,
    seed: 20261121,
    runs: 40,
    durationMs: null,
    workers: 0,
    shard: WHOLE,
    out: join(temporaryFolder('xlatcheck-campaign-'), 'out'),
    regressions: null,
    limits: { ...DEFAULT_LIMITS, shrinkEvaluations: 300 },
    caseTimeoutMs: 30_000,
    maxFindings: 500,
    ...over,
  };
}
