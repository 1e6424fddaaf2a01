/**
 * The command line, called in-process: bad input is one line and exit 2; fuzz, replay, report, merge,
 * issues, mutants and list do what their help says, with the exit statuses it promises.
 */
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { mutantCatalog } from '../../models/mutants/index.ts';
import { knownDeviationModule } from '../campaign/known-deviation-module.ts';
import { temporaryFolder } from '../campaign/test-options.ts';
import { cli } from './cli.ts';
import { memoryIo } from './test-io.ts';

const repo = join(import.meta.dirname, '..', '..');
const never = new AbortController().signal;

async function run(args: string[], cwd = repo) {
  const io = memoryIo(cwd);
  const code = await cli(args, io, never);
  return { code, out: io.stdout(), err: io.stderrText() };
}

/** A short campaign on a broken machine, shared by the tests that need findings. */
let brokenOut = '';
let brokenJson: { exitCode: number; findings: number; buckets: { replay: string }[]; out: string } = { exitCode: -1, findings: 0, buckets: [], out: '' };

beforeAll(async () => {
  brokenOut = join(temporaryFolder(), 'broken');
  const r = await run(['fuzz', '--machine', 'broken:large-offset-mask', '--properties', 'translation', '--runs', '12', '--seed', '7', '--workers', '0', '--max-findings', '2', '--out', brokenOut, '--json']);
  brokenJson = JSON.parse(r.out) as typeof brokenJson;
});

describe('bad usage and bad input', () => {
  const dir = temporaryFolder();
  writeFileSync(join(dir, 'no-run.mjs'), "export default { name: 'x' };");
  writeFileSync(join(dir, 'corrupt.json'), '{ "format": ');
  mkdirSync(join(dir, 'empty'));
  const cases: [string, string[], RegExp][] = [
    ['an unknown flag', ['fuzz', '--frobnicate'], /unknown option --frobnicate for "xlatcheck fuzz"/],
    ['a flag without its value', ['fuzz', '--seed'], /option --seed needs a value/],
    ['a stray argument', ['fuzz', 'now'], /takes no argument "now"/],
    ['a malformed duration', ['fuzz', '--duration', '10 minutes'], /--duration must be a number and a unit/],
    ['a seed out of range', ['fuzz', '--seed', '4294967296'], /--seed must be in \[0, 4294967295\]/],
    ['a negative seed', ['fuzz', '--seed=-1'], /--seed must be in/],
    ['a value that looks like a flag', ['fuzz', '--seed', '-1'], /option --seed needs a value; write one that starts with "-" as --seed=VALUE/],
    ['zero runs', ['fuzz', '--runs', '0'], /--runs must be in \[1, /],
    ['shard 3/2', ['fuzz', '--shard', '3/2', '--runs', '4'], /shard index must be from 1 to 2, got 3\/2/],
    ['a bad worker count', ['fuzz', '--workers', 'many'], /--workers must be a whole number/],
    ['an unknown machine', ['fuzz', '--machine', 'pentium', '--runs', '1'], /unknown machine "pentium"/],
    ['a missing machine module', ['fuzz', '--machine', './missing.js', '--runs', '1'], /no machine module at \.\/missing\.js/],
    ['a module without the contract', ['fuzz', '--machine', './no-run.mjs', '--runs', '1'], /has no run\(trace\) function/],
    ['an unknown property family', ['fuzz', '--properties', 'translation,nope', '--runs', '1'], /unknown property family "nope"/],
    ['an unwritable --out', ['fuzz', '--runs', '1', '--out', '/proc/xlatcheck/out'], /cannot write to the output folder \/proc\/xlatcheck\/out/],
    ['replay of a missing file', ['replay', 'missing.json'], /no finding file or folder at .*missing\.json/],
    ['replay of a corrupt file', ['replay', 'corrupt.json'], /corrupt\.json is not valid JSON/],
    ['replay without a finding', ['replay'], /replay needs a finding file/],
    ['replay of an empty folder', ['replay', 'empty'], /no finding files in empty/],
    ['report of a folder without report.json', ['report', 'empty'], /no campaign report at .*report\.json/],
    ['report --merge of nothing', ['report', '--merge'], /needs the campaign folders/],
    ['list of something unknown', ['list', 'things'], /list takes one of: machines, properties/],
    ['mutants: an unknown flag', ['mutants', '--frobnicate'], /unknown option --frobnicate for "xlatcheck mutants"/],
    ['mutants: a budget without a unit', ['mutants', '--budget', '30'], /--budget must be a number and a unit/],
    ['mutants: a zero budget', ['mutants', '--other-budget', '0s'], /--other-budget must be more than 0/],
    ['mutants: zero runs', ['mutants', '--runs', '0'], /--runs must be in \[1, /],
    ['mutants: an unknown mutant', ['mutants', '--mutants', 'walker-wp-ignored,nope'], /unknown mutant "mutant:nope" \(see "xlatcheck mutants --list"\)/],
    ['mutants: an empty list', ['mutants', '--families', ' , '], /option --families needs a value/],
    ['mutants: an unknown layer', ['mutants', '--layers', 'cpu'], /unknown layer "cpu": use one of ram, walker, tlb, kernel, gate, modules/],
    ['mutants: an unknown family', ['mutants', '--families', 'nope'], /unknown family "nope"/],
    ['mutants: a seed out of range', ['mutants', '--seed', '4294967296'], /--seed must be in \[0, 4294967295\]/],
    ['mutants: no mutant in both selections', ['mutants', '--mutants', 'walker-wp-ignored', '--layers', 'ram'], /no mutant matches both --mutants and --layers/],
    ['mutants: an unwritable --out', ['mutants', '--mutants', 'walker-wp-ignored', '--out', '/proc/xlatcheck/out'], /cannot write to the output folder \/proc\/xlatcheck\/out/],
    ['an unknown command', ['fuzzz'], /unknown command "fuzzz"/],
    ['no command', [], /no command given/],
  ];
  it.each(cases)('%s: one line on stderr, exit 2', async (_what, args, message) => {
    const r = await run(args, dir);
    expect(r.err).toMatch(message);
    expect(r.err.startsWith('xlatcheck: ')).toBe(true);
    expect(r.err.trimEnd().split('\n')).toHaveLength(1);
    expect(r.code).toBe(2);
    expect(r.out).toBe('');
  });

  it('refuses a finding whose case is not a valid trace', async () => {
    const file = readdirSync(join(brokenOut, 'findings'))[0]!;
    const finding = JSON.parse(readFileSync(join(brokenOut, 'findings', file), 'utf8')) as { case: { steps: unknown[] } };
    finding.case.steps = [{ op: 'jump' }];
    const bad = join(temporaryFolder(), 'bad-case.json');
    writeFileSync(bad, JSON.stringify(finding));
    const r = await run(['replay', bad]);
    expect(r.err).toMatch(/bad-case\.json: case: steps\[0\]: unknown op "jump"/);
    expect(r.code).toBe(2);
  });

  it('refuses a corrupt file among the regressions before running anything', async () => {
    const regressions = temporaryFolder();
    writeFileSync(join(regressions, 'broken.json'), '[]');
    const r = await run(['fuzz', '--runs', '1', '--workers', '0', '--regressions', regressions, '--out', join(temporaryFolder(), 'o')]);
    expect(r.err).toMatch(/broken\.json: a finding must be a JSON object/);
    expect(r.code).toBe(2);
  });
});

describe('fuzz', () => {
  it('exits 0 and says where the report is when nothing is found', async () => {
    const out = join(temporaryFolder(), 'ok');
    const r = await run(['fuzz', '--runs', '8', '--seed', '3', '--workers', '0', '--out', out]);
    expect(r.code).toBe(0);
    expect(r.err).toMatch(/machine reference, seed 3 \(--seed 3 repeats it\), 8 runs/);
    expect(r.out).toMatch(/campaign seed 3 on reference: 8 cases/);
    expect(r.out).toContain('no findings');
    expect(r.out).toContain(`report: ${join(out, 'report.html')}`);
    for (const f of ['report.json', 'junit.xml', 'report.html']) expect(existsSync(join(out, f))).toBe(true);
  });

  it('exits 2 when the budget ends before any case ran: checking nothing is not a pass', async () => {
    // The budget counts from when the workers are ready, so a machine whose first case outlasts it stands
    // for any machine too slow for its budget.
    const slow = join(repo, 'reliability', 'fixtures', 'machines', 'hangs-promise.js');
    const r = await run(['fuzz', '--machine', slow, '--duration', '1ms', '--workers', '1', '--regressions', join(temporaryFolder(), 'none'), '--out', join(temporaryFolder(), 'z')]);
    expect(r.code).toBe(2);
    expect(r.err).toContain('xlatcheck: no case ran within the budget');
  });

  it('chooses and prints a seed when none is given', async () => {
    const r = await run(['fuzz', '--runs', '1', '--workers', '0', '--out', join(temporaryFolder(), 's')]);
    expect(r.err).toMatch(/seed (\d+) \(--seed \1 repeats it\)/);
  });

  it('exits 1 with the buckets and their replay commands when something is found', () => {
    expect(brokenJson.exitCode).toBe(1);
    expect(brokenJson.findings).toBeGreaterThan(0);
    expect(brokenJson.buckets[0]?.replay).toMatch(/^npx xlatcheck replay .*findings\/[0-9a-f]{16}\.json$/);
  });

  it('replays the previous findings of its folder first', async () => {
    const out = join(temporaryFolder(), 'again');
    cpSync(brokenOut, out, { recursive: true });
    const r = await run(['fuzz', '--machine', 'broken:large-offset-mask', '--properties', 'translation', '--runs', '1', '--seed', '8', '--workers', '0', '--out', out, '--json']);
    const summary = JSON.parse(r.out) as { replayed: { source: string; status: string }[] };
    const previous = summary.replayed.filter((x) => x.source === 'previous');
    expect(previous.length).toBe(brokenJson.findings);
    expect(previous.every((x) => x.status === 'reproduced')).toBe(true);
  });

  it('replays committed regressions first, reproduced or not by the machine at hand', async () => {
    const regressions = join(brokenOut, 'findings');
    const onReference = await run(['fuzz', '--runs', '1', '--workers', '0', '--regressions', regressions, '--out', join(temporaryFolder(), 'r1')]);
    expect(onReference.out).toMatch(new RegExp(`replayed ${brokenJson.findings} earlier finding\\(s\\): 0 reproduced`));
    expect(onReference.code).toBe(0);
    const onBroken = await run(['fuzz', '--machine', 'broken:large-offset-mask', '--runs', '1', '--workers', '0', '--regressions', regressions, '--out', join(temporaryFolder(), 'r2')]);
    expect(onBroken.out).toMatch(new RegExp(`replayed ${brokenJson.findings} earlier finding\\(s\\): ${brokenJson.findings} reproduced`));
    expect(onBroken.code).toBe(1);
  });

  it("counts a known deviation's sightings beside its one finding, in text and in --json", async () => {
    const dir = temporaryFolder();
    const machine = knownDeviationModule(dir, 'all-known');
    const args = ['fuzz', '--machine', machine, '--properties', 'translation', '--runs', '20', '--seed', '5', '--workers', '0', '--max-findings', '1', '--regressions', join(dir, 'none')];
    const text = await run([...args, '--out', join(dir, 'text')], dir);
    expect(text.code, 'known deviations only: nothing new').toBe(0);
    expect(text.out).toMatch(/all runs done\n1 finding\(s\) in 1 bucket\(s\), (\d+) sighting\(s\) of known deviations:\n {2}translation: known-deviation test-all: .*\(1 finding, \1 sightings\)\n/);
    const json = JSON.parse((await run([...args, '--out', join(dir, 'json'), '--json'], dir)).out) as { buckets: { findings: number; sightings: number }[] };
    expect(json.buckets).toMatchObject([{ findings: 1, sightings: Number(/(\d+) sighting\(s\)/.exec(text.out)?.[1]) }]);
    expect(json.buckets[0]?.sightings).toBeGreaterThan(1);
  });
});

describe('replay', () => {
  it('reproduces a campaign folder on the recorded machine, and not on the reference', async () => {
    const same = await run(['replay', brokenOut]);
    expect(same.out).toMatch(/[0-9a-f]{16} {2}reproduced {2}on broken:large-offset-mask {2}translation: /);
    expect(same.out).toMatch(/(\d+) of \1 finding\(s\) reproduced/);
    expect(same.code).toBe(1);
    const fixed = await run(['replay', brokenOut, '--machine', 'reference', '--json']);
    const json = JSON.parse(fixed.out) as { reproduced: number; findings: { status: string }[] };
    expect(json.reproduced).toBe(0);
    expect(json.findings.every((f) => f.status === 'not-reproduced')).toBe(true);
    expect(fixed.code).toBe(0);
  });

  it('takes a user module as the machine', async () => {
    const r = await run(['replay', brokenOut, '--machine', './fuzz/examples/json-bridge-machine.js']);
    expect(r.out).toMatch(/not reproduced {2}on \.\/fuzz\/examples\/json-bridge-machine\.js/);
    expect(r.code).toBe(0);
  });
});

describe('report, merge and issues', () => {
  it('re-renders the HTML of a campaign folder', async () => {
    const r = await run(['report', brokenOut]);
    expect(r.out).toBe(`report: ${join(brokenOut, 'report.html')}\n`);
    expect(readFileSync(join(brokenOut, 'report.html'), 'utf8')).toContain('xlatcheck campaign: broken:large-offset-mask');
    expect(r.code).toBe(0);
  });

  it('merges shard reports and drafts one issue per bucket', async () => {
    const root = temporaryFolder();
    const shards = [1, 2].map((i) => join(root, `shard-${i}`));
    for (const [i, out] of shards.entries()) {
      const r = await run(['fuzz', '--machine', 'broken:large-offset-mask', '--properties', 'translation', '--runs', '12', '--seed', '7', '--workers', '0', '--shard', `${i + 1}/2`, '--out', out]);
      expect(r.code).toBeLessThan(2);
    }
    const merged = join(root, 'merged');
    const m = await run(['report', '--merge', ...shards, '--out', merged]);
    expect(m.code).toBe(0);
    expect(m.out).toMatch(/merged 2 report\(s\): 12 cases/);
    const report = JSON.parse(readFileSync(join(merged, 'report.json'), 'utf8')) as { buckets: { signature: string; representative: string }[] };
    expect(report.buckets.length).toBeGreaterThan(0);
    for (const b of report.buckets) expect(existsSync(join(merged, 'findings', `${b.representative}.json`))).toBe(true);

    const issues = await run(['issues', merged, '--context', 'nightly run 42']);
    const drafts = JSON.parse(issues.out) as { key: string; marker: string; title: string; body: string }[];
    expect(drafts.map((d) => d.title)).toEqual(report.buckets.map((b) => `xlatcheck: ${b.signature}`));
    for (const d of drafts) {
      expect(d.body).toContain(`<!-- ${d.marker} -->`);
      expect(d.body).toContain('nightly run 42');
      expect(d.body).toMatch(/npx xlatcheck replay .*findings\/[0-9a-f]{16}\.json/);
      expect(d.body).toContain('"format": "xlatcheck-finding"');
    }
    const other = await run(['fuzz', '--runs', '2', '--seed', '99', '--workers', '0', '--out', join(root, 'other')]);
    expect(other.code).toBe(0);
    const mixed = await run(['report', '--merge', shards[0]!, join(root, 'other'), '--out', join(root, 'mixed')]);
    expect(mixed.err).toMatch(/these reports come from different campaigns \(seeds 7 and 99\)/);
    expect(mixed.code).toBe(2);
  });
});

describe('mutants', () => {
  const budget = ['--seed', '20261121', '--runs', '400', '--budget', '60s'];

  it('runs the selected mutants, prints the kill matrix, writes report.html and kill-matrix.json, exits 0', async () => {
    const out = join(temporaryFolder(), 'kill');
    const r = await run(['mutants', '--mutants', 'walker-wp-ignored,mutant:kernel-private-global', '--families', 'faults,switch', ...budget, '--out', out]);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/walker-wp-ignored/);
    expect(r.out).toMatch(/mutation score +2\/2 = 100\.0%/);
    // Progress, one plain line per mutant when stderr is not a terminal.
    expect(r.err).toMatch(/^xlatcheck mutants: 2 mutant\(s\), 2 famil\(ies\), seed 20261121, at most 400 runs and 1m /m);
    expect(r.err).toMatch(/^\[1\/2\] mutant:walker-wp-ignored: killed by faults at run \d+ in \d+ ms, shrunk to \d+ steps$/m);
    expect(r.err).toMatch(/^\[2\/2\] mutant:kernel-private-global: killed by switch at run \d+/m);
    expect(r.err).toContain(`kill matrix written to ${join(out, 'report.html')}`);
    expect(readFileSync(join(out, 'report.html'), 'utf8')).toMatch(/^<!doctype html>/);
    const saved = JSON.parse(readFileSync(join(out, 'kill-matrix.json'), 'utf8')) as { rows: { name: string; killer: string }[] };
    expect(saved.rows.map((row) => [row.name, row.killer])).toEqual([
      ['mutant:walker-wp-ignored', 'faults'],
      ['mutant:kernel-private-global', 'switch'],
    ]);
  });

  it('prints the matrix as JSON with --json, the same for the same seed', async () => {
    const args = ['mutants', '--layers', 'ram', '--intended-only', ...budget, '--json', '--out', join(temporaryFolder(), 'json')];
    const [a, b] = [await run(args), await run(args)];
    type Matrix = { format: string; seed: number; totals: { killed: number; nonEquivalent: number }; rows: { runsToKill: number; shrunk: unknown }[] };
    const [ja, jb] = [JSON.parse(a.out) as Matrix, JSON.parse(b.out) as Matrix];
    expect(ja.format).toBe('xlatcheck-kill-matrix');
    expect(ja.seed).toBe(20261121);
    expect(ja.totals.killed).toBe(ja.totals.nonEquivalent);
    expect(ja.rows.map((row) => [row.runsToKill, row.shrunk])).toEqual(jb.rows.map((row) => [row.runsToKill, row.shrunk]));
    expect(a.code).toBe(0);
  });

  it('exits 1 when a mutant survives: no selected family catches it', async () => {
    // isolation is a space-level family: it cannot run on a walk-level mutant, so nothing kills it.
    const r = await run(['mutants', '--mutants', 'walker-wp-ignored', '--families', 'isolation', ...budget, '--out', join(temporaryFolder(), 'gap')]);
    expect(r.err).toMatch(/\[1\/1\] mutant:walker-wp-ignored: SURVIVED/);
    expect(r.code).toBe(1);
  });

  it('exits 0 when the only mutant is equivalent and survives', async () => {
    const r = await run(['mutants', '--mutants', 'tlb-single-entry', '--intended-only', '--seed', '1', '--runs', '50', '--out', join(temporaryFolder(), 'eq')]);
    expect(r.err).toMatch(/mutant:tlb-single-entry: equivalent, survived/);
    expect(r.code).toBe(0);
  });
});

describe('list and help', () => {
  it('lists the built-in machines and the property families', async () => {
    const machines = await run(['list', 'machines']);
    expect(machines.out).toMatch(/^reference +the reference PAE machine/m);
    expect(machines.out).toMatch(/^broken:no-invlpg +.*caught by tlb-coherence/m);
    const properties = await run(['list', 'properties']);
    expect(properties.out).toMatch(/^translation +walk +/m);
  });

  it('lists the mutant catalog, or the mutants selected, and runs nothing', async () => {
    const all = await run(['mutants', '--list', '--out', '/proc/xlatcheck/out']);
    expect(all.out).toMatch(/^walker-wp-ignored +walker +faults +/m);
    expect(all.out).toMatch(/^tlb-single-entry +tlb +translation +equivalent: /m);
    expect(all.out.trimEnd().split('\n')).toHaveLength(1 + mutantCatalog.length);
    const gate = await run(['mutants', '--list', '--layers', 'gate']);
    expect(gate.out.trimEnd().split('\n').slice(1).every((line) => / gate /.test(line))).toBe(true);
    expect(all.err + gate.err).toBe('');
    expect(all.code + gate.code).toBe(0);
  });

  it('prints its usage', async () => {
    const r = await run(['help']);
    expect(r.out).toContain('xlatcheck fuzz [options]');
    expect(r.out).toContain('xlatcheck mutants [options]');
    expect(r.code).toBe(0);
  });

  it.each(['fuzz', 'replay', 'report', 'issues', 'mutants', 'list'])('%s --help and -h print the usage of %s, exit 0', async (command) => {
    for (const help of ['--help', '-h']) {
      const r = await run([command, help]);
      expect(r.out).toMatch(new RegExp(`^usage: xlatcheck ${command} `));
      expect(r.err).toBe('');
      expect(r.code).toBe(0);
    }
  });

  it('documents every option of mutants in its usage', async () => {
    const r = await run(['mutants', '--help']);
    for (const option of ['--seed', '--runs', '--budget', '--other-budget', '--mutants', '--layers', '--families', '--intended-only', '--json', '--out', '--list']) {
      expect(r.out).toContain(`  ${option} `);
    }
  });
});
