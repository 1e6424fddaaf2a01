/**
 * The campaign folder must be writable before any work starts: an unwritable --out is a usage error, not a
 * campaign that runs for an hour and then cannot save.
 */
import { readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { UsageError } from '../config/run-config.ts';
import { ensureFolder } from '../findings/ensure-folder.ts';
import { FINDINGS_FOLDER, isProcessAlive, sweepAbandonedWrites } from '../findings/store.ts';

const PROBE = /^\.xlatcheck-write-test-(\d+)$/;

/** What a campaign killed in this folder may have left: half-written temporary files, its write probe. */
function sweepLeftovers(out: string): void {
  sweepAbandonedWrites(out);
  sweepAbandonedWrites(join(out, FINDINGS_FOLDER));
  for (const name of readdirSync(out)) {
    const pid = PROBE.exec(name)?.[1];
    if (pid !== undefined && !isProcessAlive(Number(pid))) rmSync(join(out, name), { force: true });
  }
}

export function prepareOutFolder(out: string): void {
  const probe = join(out, `.xlatcheck-write-test-${process.pid}`);
  try {
    ensureFolder(out);
    writeFileSync(probe, '');
    rmSync(probe);
    sweepLeftovers(out);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? String(error);
    throw new UsageError(`cannot write to the output folder ${out} (${code})`);
  }
}

/** reports/campaigns/<UTC time stamp>, e.g. reports/campaigns/2026-11-21T05-30-00Z. */
export function defaultOutFolder(now: Date): string {
  return join('reports', 'campaigns', now.toISOString().replace(/\.\d+Z$/, 'Z').replace(/:/g, '-'));
}
