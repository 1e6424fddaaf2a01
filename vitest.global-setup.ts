/**
 * The test run's own temporary folder: the temporary files and folders the tests make (campaign folders,
 * findings, what a killed campaign leaves) go under it through TMPDIR, which the test processes and
 * everything they start inherit, and it is removed when the run ends. The tests made several hundred
 * folders in the machine's /tmp per run and left them there (739 MB after a day of runs).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export default function setup(): () => void {
  const folder = mkdtempSync(join(tmpdir(), 'xlatcheck-tests-'));
  process.env.TMPDIR = folder;
  return () => rmSync(folder, { recursive: true, force: true });
}
