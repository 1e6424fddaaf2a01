/**
 * The xlatcheck process itself (bin/xlatcheck.js): exit statuses as a shell sees them, and SIGINT during a
 * campaign, which must save a partial report and exit 130 within a few seconds.
 */
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { temporaryFolder } from '../campaign/test-options.ts';

const repo = join(import.meta.dirname, '..', '..');
const bin = join(repo, 'bin', 'xlatcheck.js');

describe('the xlatcheck process', () => {
  it('runs as an executable through its shebang, with V8 single-threaded (bin/xlatcheck.js says why)', () => {
    expect(readFileSync(bin, 'utf8').split('\n')[0]).toBe('#!/usr/bin/env -S node --single-threaded');
    const r = spawnSync(bin, ['list', 'properties'], { cwd: repo, encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.stdout).toMatch(/^translation +walk/);
    expect(r.status).toBe(0);
  });

  it('exits 2 with one line and no stack trace on bad input', () => {
    const r = spawnSync(process.execPath, [bin, 'fuzz', '--shard', '3/2'], { cwd: repo, encoding: 'utf8' });
    expect(r.stderr).toBe('xlatcheck: shard index must be from 1 to 2, got 3/2\n');
    expect(r.stdout).toBe('');
    expect(r.status).toBe(2);
  });

  it('mutants: exits 2 with one line on a bad budget, and npm run mutants is the same command', () => {
    const r = spawnSync(process.execPath, [bin, 'mutants', '--budget', 'soon'], { cwd: repo, encoding: 'utf8' });
    expect(r.stderr).toBe('xlatcheck: --budget must be a number and a unit (ms, s, m or h), as in 90s, 10m or 2h; got "soon"\n');
    expect(r.stdout).toBe('');
    expect(r.status).toBe(2);
    const pkg = JSON.parse(readFileSync(join(repo, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
    expect(pkg.scripts.mutants).toBe('node bin/xlatcheck.js mutants');
  });

  it('on SIGINT saves a partial report and exits 130', async () => {
    const out = join(temporaryFolder(), 'interrupted');
    const child = spawn(process.execPath, [bin, 'fuzz', '--duration', '2m', '--workers', '1', '--seed', '5', '--out', out], { cwd: repo });
    let stderr = '';
    let stdout = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    const started = new Promise<void>((resolve) =>
      child.stderr.on('data', (d: Buffer) => {
        stderr += d.toString();
        if (stderr.includes('  out: ')) resolve();
      }),
    );
    await started;
    await new Promise((r) => setTimeout(r, 1500));
    const sent = Date.now();
    child.kill('SIGINT');
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    expect(Date.now() - sent).toBeLessThan(6000);
    expect(code).toBe(130);
    expect(stderr).toContain('interrupted; saving findings and a partial report');
    expect(stdout).toMatch(/campaign seed 5 on reference: \d+ cases .*, interrupted/);
    const report = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8')) as { outcome: { stopReason: string } };
    expect(report.outcome.stopReason).toBe('interrupted');
  }, 60_000);
});
