/**
 * Bad input to every entry point xlatcheck has: command-line flags, the environment overrides of npm test,
 * finding files (JSON, finding format version, trace format version, the layout JSON of space-level
 * findings), machine modules, report.json files, merge inputs, and the folders a campaign reads before it
 * starts (committed regressions, the previous findings of --out). Each must give one clear line on stderr
 * and exit 2: no stack trace, nothing on stdout, and never a pass (no report written, no exit 0).
 *
 * xlatcheck has no campaign or configuration file (no --campaign or --config flag): a campaign is its
 * command line, and the files it reads are the ones above.
 *
 * Every row runs through cli(), the function bin/xlatcheck.js calls; the rows marked `spawned` also run as
 * a real process, so exit status and stderr are seen exactly as a shell sees them.
 */
import { chmodSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { temporaryFolder } from '../src/campaign/test-options.ts';
import { cli } from '../src/cli/cli.ts';
import { memoryIo } from '../src/cli/test-io.ts';
import { badInputWorkspace } from './support/bad-input-workspace.ts';
import { inBatches, REPO, runCli } from './support/cli-process.ts';
import { SuiteFigures } from './support/figures.ts';

type Entry = 'flag' | 'environment' | 'finding file' | 'layout' | 'machine module' | 'report file' | 'merge input' | 'campaign folder' | 'command';

interface BadInput {
  readonly entry: Entry;
  readonly what: string;
  readonly args: readonly string[];
  readonly message: RegExp;
  readonly spawned?: boolean;
}

/** A campaign that would run if its input were wrongly accepted: one run, in this thread, in a folder of its own. */
let outs = 0;
const out = () => `out-${++outs}`;
const fuzz = (...args: string[]) => ['fuzz', '--runs', '1', '--workers', '0', '--out', out(), '--regressions', 'empty', ...args];
const finding = (name: string) => `findings/${name}.json`;

const ROWS: readonly BadInput[] = [
  // Flags
  { entry: 'flag', what: 'an unknown flag', args: fuzz('--frobnicate'), message: /unknown option --frobnicate for "xlatcheck fuzz"/, spawned: true },
  { entry: 'flag', what: 'a flag without its value', args: ['fuzz', '--seed'], message: /option --seed needs a value/ },
  { entry: 'flag', what: 'a value for a switch', args: fuzz('--json=yes'), message: /option --json takes no value/ },
  { entry: 'flag', what: 'a stray argument', args: [...fuzz(), 'now'], message: /takes no argument "now"/ },
  { entry: 'flag', what: 'a seed that is not a number', args: fuzz('--seed', 'abc'), message: /--seed must be an integer, got "abc"/ },
  { entry: 'flag', what: 'a fractional seed', args: fuzz('--seed', '1.5'), message: /--seed must be an integer/ },
  { entry: 'flag', what: 'a seed above 32 bits', args: fuzz('--seed', '4294967296'), message: /--seed must be in \[0, 4294967295\]/ },
  { entry: 'flag', what: 'a negative seed', args: fuzz('--seed=-1'), message: /--seed must be in \[0, 4294967295\]/ },
  { entry: 'flag', what: 'zero runs', args: ['fuzz', '--runs', '0', '--out', out()], message: /--runs must be in \[1, 1000000\]/ },
  { entry: 'flag', what: 'too many runs', args: ['fuzz', '--runs', '1000001', '--out', out()], message: /--runs must be in \[1, 1000000\]/ },
  { entry: 'flag', what: 'a duration without a unit', args: ['fuzz', '--duration', '10', '--out', out()], message: /--duration must be a number and a unit/ },
  { entry: 'flag', what: 'a zero duration', args: ['fuzz', '--duration', '0s', '--out', out()], message: /--duration must be more than 0 and at most 7 days/ },
  { entry: 'flag', what: 'a duration over a week', args: ['fuzz', '--duration', '200h', '--out', out()], message: /--duration must be more than 0 and at most 7 days/ },
  { entry: 'flag', what: 'a worker count in words', args: fuzz('--workers', 'many'), message: /--workers must be a whole number/ },
  { entry: 'flag', what: 'too many workers', args: fuzz('--workers', '257'), message: /--workers must be from 0 to 256/ },
  { entry: 'flag', what: 'shard 0 of 2', args: fuzz('--shard', '0/2'), message: /shard index must be from 1 to 2/ },
  { entry: 'flag', what: 'a shard without its count', args: fuzz('--shard', '2'), message: /shard must look like i\/n/ },
  { entry: 'flag', what: 'a shard that gets no run', args: fuzz('--shard', '2/2'), message: /shard 2\/2 gets none of the 1 run/ },
  { entry: 'flag', what: 'a zero case timeout', args: fuzz('--case-timeout', '0ms'), message: /--case-timeout must be more than 0/ },
  { entry: 'flag', what: 'zero max findings', args: fuzz('--max-findings', '0'), message: /--max-findings must be from 1 to/ },
  { entry: 'flag', what: 'an empty family list', args: fuzz('--properties', ','), message: /properties must name at least one family/ },
  { entry: 'flag', what: 'an unknown family', args: fuzz('--properties', 'translation,paging-64'), message: /unknown property family "paging-64"/ },
  { entry: 'flag', what: 'a family the machine lacks', args: fuzz('--machine', 'broken:no-invlpg', '--properties', 'isolation'), message: /property family isolation does not apply to machine broken:no-invlpg/ },
  { entry: 'flag', what: 'an unknown machine', args: fuzz('--machine', 'pentium'), message: /unknown machine "pentium"/, spawned: true },
  { entry: 'flag', what: '--out that is a file', args: ['fuzz', '--runs', '1', '--out', 'a-file'], message: /cannot write to the output folder .*a-file \(EEXIST\)/ },
  { entry: 'flag', what: '--out where no folder can be made', args: ['fuzz', '--runs', '1', '--out', '/proc/xlatcheck/out'], message: /cannot write to the output folder/ },
  { entry: 'flag', what: '--regressions that is a file', args: ['fuzz', '--runs', '1', '--workers', '0', '--out', out(), '--regressions', 'a-file'], message: /cannot read .*a-file: ENOTDIR/ },
  { entry: 'command', what: 'an unknown command', args: ['fuzzz'], message: /unknown command "fuzzz"/, spawned: true },
  { entry: 'command', what: 'no command', args: [], message: /no command given/ },
  { entry: 'command', what: 'list of something unknown', args: ['list', 'mutants'], message: /list takes one of: machines, properties/ },
  { entry: 'command', what: 'replay of nothing', args: ['replay'], message: /replay needs a finding file or a folder of findings/ },
  { entry: 'command', what: 'replay of an empty folder', args: ['replay', 'empty'], message: /no finding files in empty/ },
  { entry: 'command', what: 'issues without a folder', args: ['issues'], message: /issues takes one campaign folder/ },

  // Finding files (replay), including the trace inside them
  { entry: 'finding file', what: 'a file that does not exist', args: ['replay', 'missing.json'], message: /no finding file or folder at .*missing\.json/ },
  { entry: 'finding file', what: 'text that is not JSON', args: ['replay', finding('not-json')], message: /not-json\.json is not valid JSON/, spawned: true },
  { entry: 'finding file', what: 'a finding cut short', args: ['replay', finding('cut-short')], message: /cut-short\.json is not valid JSON/ },
  { entry: 'finding file', what: 'an empty file', args: ['replay', finding('empty')], message: /empty\.json is not valid JSON/ },
  { entry: 'finding file', what: 'bytes that are not text', args: ['replay', finding('binary-garbage')], message: /binary-garbage\.json is not valid JSON/ },
  { entry: 'finding file', what: 'a JSON array', args: ['replay', finding('array')], message: /array\.json: a finding must be a JSON object/ },
  { entry: 'finding file', what: 'JSON null', args: ['replay', finding('null')], message: /null\.json: a finding must be a JSON object/ },
  { entry: 'finding file', what: 'another tool\'s file', args: ['replay', finding('foreign-format')], message: /format must be "xlatcheck-finding"/ },
  { entry: 'finding file', what: 'an older finding format version', args: ['replay', finding('older-finding-version')], message: /finding version 0 is not supported \(this xlatcheck reads version 1\)/ },
  { entry: 'finding file', what: 'a newer finding format version', args: ['replay', finding('newer-finding-version')], message: /finding version 2 is not supported/ },
  { entry: 'finding file', what: 'a finding without its property', args: ['replay', finding('no-property')], message: /no-property\.json: property must be a string/ },
  { entry: 'finding file', what: 'a run index in words', args: ['replay', finding('run-index-text')], message: /run\.index must be an integer/ },
  { entry: 'finding file', what: 'an unknown origin', args: ['replay', finding('bad-origin')], message: /origin must be/ },
  { entry: 'finding file', what: 'a finding without its case', args: ['replay', finding('no-case')], message: /case is missing/ },
  { entry: 'finding file', what: 'a family this xlatcheck lacks', args: ['replay', finding('unknown-family')], message: /has no property family "paging-64"/ },
  { entry: 'finding file', what: 'an older trace format version', args: ['replay', finding('older-trace-version')], message: /older-trace-version\.json: case: trace version 0 is not supported \(this xlatcheck reads version 1\)/, spawned: true },
  { entry: 'finding file', what: 'another tool\'s trace', args: ['replay', finding('foreign-trace-format')], message: /case: trace format must be "xlatcheck-trace"/ },
  { entry: 'finding file', what: 'a step of an unknown kind', args: ['replay', finding('unknown-step')], message: /case: steps\[0\]: unknown op "jump"/ },
  { entry: 'finding file', what: 'memory words out of order', args: ['replay', finding('unsorted-memory')], message: /case: memory\[1\]: words must be sorted by pa/ },
  { entry: 'finding file', what: 'MAXPHYADDR 60', args: ['replay', finding('maxphyaddr-60')], message: /case: maxPhyAddr must be an integer from 36 to 52/ },
  { entry: 'finding file', what: 'a negative CR3', args: ['replay', finding('negative-cr3')], message: /case: registers\.cr3 must be an unsigned 32-bit integer/ },
  { entry: 'finding file', what: 'a recorded machine that does not exist', args: ['replay', finding('unknown-machine')], message: /unknown machine "pentium-pro"/ },
  { entry: 'finding file', what: 'a recorded machine module that is gone', args: ['replay', finding('missing-machine-module')], message: /no machine module at \.\/gone\/mmu\.js/ },
  { entry: 'finding file', what: 'a folder named like a finding among them', args: ['replay', 'findings'], message: /cannot read .*a-folder\.json: EISDIR/ },
  { entry: 'finding file', what: 'a machine the finding\'s family does not apply to', args: ['replay', 'walk-finding.json', '--machine', 'broken-system:bios-missing'], message: /property family big-memory does not apply to machine broken-system:bios-missing/ },

  // Layouts in space-level findings
  { entry: 'layout', what: 'a layout that is not an object', args: ['replay', finding('layout-not-an-object')], message: /case: malformed case: layout must be an object/ },
  { entry: 'layout', what: 'an unknown page size', args: ['replay', finding('layout-unknown-page-size')], message: /case: malformed case: layout\.spaces\[0\]\.pages must be one of 4K, 2M, mixed/ },
  { entry: 'layout', what: 'one private chunk for two spaces', args: ['replay', finding('layout-shared-chunk')], message: /case: malformed case: layout is invalid: .*overlap/, spawned: true },
  { entry: 'layout', what: 'a private chunk below 4 GiB', args: ['replay', finding('layout-chunk-below-4g')], message: /case: malformed case: layout is invalid: .*shared-private/ },

  // Machine modules
  { entry: 'machine module', what: 'a module that does not exist', args: fuzz('--machine', './bad-modules/missing.js'), message: /no machine module at \.\/bad-modules\/missing\.js/ },
  { entry: 'machine module', what: 'a syntax error', args: fuzz('--machine', './bad-modules/syntax-error.js'), message: /could not load the machine module \.\/bad-modules\/syntax-error\.js: /, spawned: true },
  { entry: 'machine module', what: 'a module that throws as it loads', args: fuzz('--machine', './bad-modules/throws-on-import.js'), message: /could not load the machine module .*: cannot find libmmu\.so/ },
  { entry: 'machine module', what: 'no export', args: fuzz('--machine', './bad-modules/no-export.js'), message: /no-export\.js exports no machine/ },
  { entry: 'machine module', what: 'a function for a machine', args: fuzz('--machine', './bad-modules/exports-function.js'), message: /the exported machine must be an object \{ name, run\(trace\) \}, got a function/ },
  { entry: 'machine module', what: 'a machine without a name', args: fuzz('--machine', './bad-modules/empty-name.js'), message: /the machine's name must be a non-empty string/ },
  { entry: 'machine module', what: 'a machine without run()', args: fuzz('--machine', './bad-modules/no-run.js'), message: /the machine "misnamed" has no run\(trace\) function/ },
  { entry: 'machine module', what: 'a folder for a module', args: fuzz('--machine', './bad-modules'), message: /could not load the machine module \.\/bad-modules: / },

  // report.json (report, issues) and merge inputs
  { entry: 'report file', what: 'a folder without report.json', args: ['report', 'reports/no-report'], message: /no campaign report at .*no-report\/report\.json/ },
  { entry: 'report file', what: 'a report cut short', args: ['report', 'reports/report-cut-short'], message: /report\.json is not a readable JSON file/, spawned: true },
  { entry: 'report file', what: 'another tool\'s report', args: ['report', 'reports/report-foreign-format'], message: /is not an xlatcheck campaign report/ },
  { entry: 'report file', what: 'an older report version', args: ['report', 'reports/report-older-version'], message: /report version 0 is not supported/ },
  { entry: 'report file', what: 'a report without buckets', args: ['report', 'reports/report-without-buckets'], message: /report\.json: buckets is missing/ },
  { entry: 'report file', what: 'a JSON array for a report', args: ['issues', 'reports/report-is-array'], message: /is not an xlatcheck campaign report/ },
  { entry: 'report file', what: 'two folders without --merge', args: ['report', 'campaign-a', 'campaign-b'], message: /report takes one campaign folder/ },
  { entry: 'report file', what: '--out without --merge', args: ['report', 'campaign-a', '--out', 'merged'], message: /--out goes with --merge/ },
  { entry: 'merge input', what: 'nothing to merge', args: ['report', '--merge'], message: /needs the campaign folders of the shards/ },
  { entry: 'merge input', what: 'reports of two campaigns', args: ['report', '--merge', 'campaign-a', 'campaign-b', '--out', 'merged-1'], message: /these reports come from different campaigns \(seeds 1 and 2\)/, spawned: true },
  { entry: 'merge input', what: 'one shard twice', args: ['report', '--merge', 'campaign-a', 'campaign-a', '--out', 'merged-2'], message: /shard 1\/1 appears in more than one report/ },
  { entry: 'merge input', what: 'a shard folder without a report', args: ['report', '--merge', 'campaign-a', 'reports/no-report', '--out', 'merged-3'], message: /no campaign report at/ },

  // Folders a campaign reads before any case runs
  { entry: 'campaign folder', what: 'a regression in an older finding version', args: ['fuzz', '--runs', '1', '--workers', '0', '--out', out(), '--regressions', 'regressions-older-version'], message: /old\.json: finding version 0 is not supported/ },
  { entry: 'campaign folder', what: 'a regression in an older trace version', args: ['fuzz', '--runs', '1', '--workers', '0', '--out', out(), '--regressions', 'regressions-older-trace'], message: /old-trace\.json: case: trace version 0 is not supported/, spawned: true },
  { entry: 'campaign folder', what: 'a previous finding cut short in --out', args: ['fuzz', '--runs', '1', '--workers', '0', '--out', 'out-with-cut-finding', '--regressions', 'empty'], message: /574825c1ab1641e3\.json is not valid JSON/ },
];

/** The environment overrides of npm test (src/cli/test-entry.ts), each given a bad value. */
const ENVIRONMENT: readonly { readonly what: string; readonly env: Record<string, string>; readonly message: RegExp }[] = [
  { what: 'a seed in words', env: { XLATCHECK_SEED: 'forty-two' }, message: /XLATCHECK_SEED must be an integer, got "forty-two"/ },
  { what: 'a negative seed', env: { XLATCHECK_SEED: '-1' }, message: /XLATCHECK_SEED must be in \[0, 4294967295\], got -1/ },
  { what: 'a seed above 32 bits', env: { XLATCHECK_SEED: '4294967296' }, message: /XLATCHECK_SEED must be in \[0, 4294967295\]/ },
  { what: 'zero runs', env: { XLATCHECK_RUNS: '0' }, message: /XLATCHECK_RUNS must be in \[1, 1000000\], got 0/ },
  { what: 'runs in exponent notation', env: { XLATCHECK_RUNS: '1e3' }, message: /XLATCHECK_RUNS must be an integer, got "1e3"/ },
  { what: 'empty runs', env: { XLATCHECK_RUNS: '' }, message: /XLATCHECK_RUNS must be an integer, got ""/ },
  { what: 'too many runs', env: { XLATCHECK_RUNS: '2000000' }, message: /XLATCHECK_RUNS must be in \[1, 1000000\]/ },
];

const figures = new SuiteFigures('bad-input');
let ws = '';

beforeAll(async () => {
  ws = await badInputWorkspace();
});

afterAll(() => {
  figures.set('inputs tried', ROWS.length + ENVIRONMENT.length);
  figures.set('entry points', new Set([...ROWS.map((r) => r.entry), 'environment']).size);
  figures.write();
});

/** Everything wrong with how a command met bad input. */
function judge(r: { code: number | null; stdout: string; stderr: string }, message: RegExp, out: string | null): string[] {
  const lines = r.stderr.split('\n').filter((l) => l !== '');
  const problems: string[] = [];
  if (r.code !== 2) problems.push(`exit ${r.code}`);
  if (lines.length !== 1) problems.push(`${lines.length} lines on stderr`);
  if (!lines[0]?.startsWith('xlatcheck: ')) problems.push('the line does not start with "xlatcheck: "');
  if (!message.test(r.stderr)) problems.push(`does not say ${message}`);
  if (/^\s+at /m.test(r.stderr) || /internal error/.test(r.stderr)) problems.push('a stack trace or internal error');
  if (r.stdout !== '') problems.push(`stdout: ${r.stdout.slice(0, 200)}`);
  if (out !== null && existsSync(join(out, 'report.json'))) problems.push('a report was written');
  return problems.length === 0 ? [] : [`${problems.join('; ')}\n  stderr: ${r.stderr.slice(0, 400)}`];
}

const outOf = (args: readonly string[]) => (args.includes('--out') ? join(ws, args[args.indexOf('--out') + 1] as string) : null);

describe('bad input: one clear line, exit 2, never a pass', () => {
  it(`has at least 40 malformed inputs over the entry points`, () => {
    expect(ROWS.length + ENVIRONMENT.length).toBeGreaterThanOrEqual(40);
  });

  it('the judge flags a pass, a stack trace, a second line, stdout and a report (it can fail)', () => {
    const message = /bad seed/;
    const ok = { code: 2, stdout: '', stderr: 'xlatcheck: bad seed\n' };
    expect(judge(ok, message, null)).toEqual([]);
    const bad = [
      { ...ok, code: 0 },
      { ...ok, stderr: 'xlatcheck: bad seed\n    at parseSeed (run-config.ts:1:1)\n' },
      { ...ok, stderr: 'xlatcheck: bad seed\nxlatcheck: and more\n' },
      { ...ok, stdout: 'no findings\n' },
      { ...ok, stderr: 'Error: bad seed\n' },
    ];
    for (const r of bad) expect(judge(r, message, null)).toHaveLength(1);
    const out = join(ws, 'judged');
    mkdirSync(out);
    writeFileSync(join(out, 'report.json'), '{}');
    expect(judge(ok, message, out)).toHaveLength(1);
  });

  it.each(ROWS.map((r) => [`${r.entry}: ${r.what}`, r] as const))('%s', async (_name, row) => {
    const io = memoryIo(ws);
    const code = await cli(row.args, io, new AbortController().signal);
    expect(judge({ code, stdout: io.stdout(), stderr: io.stderrText() }, row.message, outOf(row.args))).toEqual([]);
  });

  it('the same, as a process a shell starts', async () => {
    const spawned = ROWS.filter((r) => r.spawned === true);
    const results = await inBatches(spawned, 4, async (row) => judge(await runCli(row.args, { cwd: ws }), row.message, outOf(row.args)).map((p) => `${row.what}: ${p}`));
    figures.set('inputs also tried as a process', spawned.length);
    expect(results.flat()).toEqual([]);
  }, 60_000);

  it('environment overrides of npm test', async () => {
    // A stand-in npx on the PATH: if a bad value were accepted, test-entry would start it, not vitest.
    const bin = join(temporaryFolder(), 'bin');
    mkdirSync(bin);
    writeFileSync(join(bin, 'npx'), '#!/bin/sh\necho "npx was started" >&2\nexit 97\n');
    chmodSync(join(bin, 'npx'), 0o755);
    const entry = ['--import', 'tsx', join(REPO, 'src', 'cli', 'test-entry.ts')];
    const results = await inBatches(ENVIRONMENT, 4, async (row) => {
      const env = { ...process.env, PATH: `${bin}:${process.env.PATH ?? ''}`, XLATCHECK_SEED: '1', XLATCHECK_RUNS: '1', ...row.env };
      return judge(await runCli([], { entry, env }), row.message, null).map((p) => `${row.what}: ${p}`);
    });
    expect(results.flat()).toEqual([]);
  }, 60_000);
});
