import { describe, expect, it } from 'vitest';
import { type Ended, launcher } from './launcher.ts';

/** Runs a command through the launcher; resolves with how it ended, its stderr and any start error. */
function run(command: string, args: string[], killAtOnce = false): Promise<{ how: Ended; stderr: string; error: string | undefined }> {
  return new Promise((resolve) => {
    let stderr = '';
    const launched = launcher().launch(command, args, {
      stderr: (text) => {
        stderr += text;
      },
      ended: (how, error) => {
        launched.hold(false);
        resolve({ how, stderr, error });
      },
    });
    launched.hold(true);
    if (killAtOnce) launched.kill();
  });
}

describe('the QEMU launcher', () => {
  it("reports a process's stderr and exit status", async () => {
    const { how, stderr } = await run('/bin/sh', ['-c', 'echo complaint >&2; exit 3']);
    expect(how).toEqual({ status: 3, signal: null });
    expect(stderr).toBe('complaint\n');
  });

  it('kills a process asked to die before its pid was known', async () => {
    const { how } = await run('/bin/sleep', ['30'], true);
    expect(how.signal).toBe('SIGKILL');
  });

  it('says why a process could not be started', async () => {
    const { how, error } = await run('/nonexistent/qemu', []);
    expect(how.status).not.toBe(0);
    expect(error).toMatch(/ENOENT/);
  });
});
