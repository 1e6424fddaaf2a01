/**
 * Assembling the guest with nasm (a Debian package): the include file is rendered from guest-abi.ts, so
 * the assembly and the driver cannot disagree about the layout. Used by build.ts, which refreshes the
 * checked-in guest.bin and abi.inc, and by the test that checks they are current.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { renderAbiInclude } from '../guest-abi.ts';

export const GUEST_DIR = dirname(fileURLToPath(import.meta.url));
export const GUEST_SOURCE = join(GUEST_DIR, 'guest.asm');
export const GUEST_BINARY = join(GUEST_DIR, 'guest.bin');
export const ABI_INCLUDE = join(GUEST_DIR, 'abi.inc');

/** Null when nasm runs, else why not (one line). */
export function nasmUnavailable(): string | null {
  const probe = spawnSync('nasm', ['-v'], { encoding: 'utf8' });
  if (probe.error !== undefined || probe.status !== 0) return 'nasm is not installed (apt-get install nasm)';
  return null;
}

/** Assembles guest.asm against a freshly rendered abi.inc; returns the image bytes. */
export function assembleGuest(): Buffer {
  const work = mkdtempSync(join(tmpdir(), 'xlatcheck-guest-'));
  try {
    writeFileSync(join(work, 'abi.inc'), renderAbiInclude());
    const out = join(work, 'guest.bin');
    const run = spawnSync('nasm', ['-f', 'bin', '-w+all', '-I', work + '/', '-o', out, GUEST_SOURCE], { encoding: 'utf8' });
    if (run.error !== undefined) throw new Error(`could not run nasm: ${run.error.message}`);
    if (run.status !== 0) throw new Error(`nasm failed on ${GUEST_SOURCE}:\n${run.stderr}`);
    return readFileSync(out);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
