/**
 * The campaign folder must be writable before any work starts: an unwritable --out is a usage error, not a
 * campaign that runs for an hour and then cannot save.
 */
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { UsageError } from '../config/run-config.ts';
import { ensureFolder } from '../findings/ensure-folder.ts';

export function prepareOutFolder(out: string): void {
  const probe = join(out, `.xlatcheck-write-test-${process.pid}`);
  try {
    ensureFolder(out);
    writeFileSync(probe, '');
    rmSync(probe);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? String(error);
    throw new UsageError(`cannot write to the output folder ${out} (${code})`);
  }
}

/** reports/campaigns/<UTC time stamp>, e.g. reports/campaigns/2026-11-21T05-30-00Z. */
export function defaultOutFolder(now: Date): string {
  return join('reports', 'campaigns', now.toISOString().replace(/\.\d+Z$/, 'Z').replace(/:/g, '-'));
}
