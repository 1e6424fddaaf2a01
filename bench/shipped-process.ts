/**
 * Runs a benchmark in a process of its own under the V8 flags xlatcheck runs with (bin/xlatcheck.js:
 * --single-threaded), so that its figures are what a user's campaign gets. The script prints its figures
 * as one JSON line, last; anything it prints before (a reason it skipped something) is passed on.
 */
import { spawnSync } from 'node:child_process';

export const SHIPPED_V8_FLAGS: readonly string[] = ['--single-threaded'];

export function runInShippedProcess(script: URL, flags: readonly string[] = SHIPPED_V8_FLAGS): Record<string, number> {
  const child = spawnSync(process.execPath, [...flags, '--import', 'tsx', script.pathname], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  const lines = child.stdout.trim().split('\n');
  const last = lines.at(-1) ?? '';
  for (const line of lines.slice(0, -1)) console.log(line);
  if (child.status !== 0 || !last.startsWith('{')) throw new Error(`the benchmark's process (${script.pathname}) failed: ${child.stderr.trim().split('\n').at(-1) ?? ''}`);
  return JSON.parse(last) as Record<string, number>;
}
