/**
 * What a SIGKILL can leave, made on purpose: a kill between the write of a temporary file and its rename
 * leaves that file (the finding or report it was for is either whole under its name or absent), and a kill
 * during the start-up write probe leaves the probe. The crash-safety suite's kills rarely land in those
 * microseconds, so this suite plants such leftovers itself and checks that the folder audit flags them and
 * that the next campaign in the folder sweeps them, while a live process's write in progress is left alone
 * (shards may share a folder).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { temporaryFolder } from '../src/campaign/test-options.ts';
import { runCli } from './support/cli-process.ts';
import { auditFolder } from './support/folder-audit.ts';

const TEMPLATE = join(import.meta.dirname, 'fixtures', 'findings', 'walk-finding.json');

/** The pid of a process that has ended: what a killed campaign's pid is by the time anyone looks. */
function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
  return Number(child.stdout);
}

describe('leftovers of a kill', () => {
  it('are flagged by the audit, swept by the next campaign, and a live writer is left alone', async () => {
    const out = join(temporaryFolder(), 'out');
    const findings = join(out, 'findings');
    mkdirSync(findings, { recursive: true });
    const text = readFileSync(TEMPLATE, 'utf8');
    const dead = deadPid();
    const planted = {
      finding: join(findings, `0123456789abcdef.json.${dead}.77.tmp`),
      report: join(out, `report.json.${dead}.78.tmp`),
      probe: join(out, `.xlatcheck-write-test-${dead}`),
      live: join(findings, `fedcba9876543210.json.${process.pid}.79.tmp`),
    };
    writeFileSync(planted.finding, text.slice(0, text.length / 2));
    writeFileSync(planted.report, '{ "format": "xlatcheck-campaign-rep');
    writeFileSync(planted.probe, '');
    writeFileSync(planted.live, text.slice(0, 100));

    expect([...auditFolder(out).strays].sort()).toEqual(Object.values(planted).sort());

    const exit = await runCli(['fuzz', '--runs', '1', '--seed', '1', '--workers', '0', '--properties', 'translation', '--out', out, '--regressions', temporaryFolder()]);
    expect(exit.code).toBe(0);
    const after = auditFolder(out);
    expect(after.strays).toEqual([planted.live]);
    expect(after.problems).toEqual([]);
    expect(existsSync(join(out, 'report.json'))).toBe(true);
  }, 60_000);
});
