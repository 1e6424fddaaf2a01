import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { UsageError } from '../config/run-config.ts';
import { formatDuration, parseDuration } from './duration.ts';
import { parsePropertyList, selectFamilies } from './family-selection.ts';
import { isModuleSpec, normalizeSpec, resolveMachine } from './machine-spec.ts';
import { runSeed } from './run-seed.ts';
import { parseShard, shardRunCount, shardRuns } from './shard.ts';
import { temporaryFolder } from './test-options.ts';

const repo = join(import.meta.dirname, '..', '..');

describe('run seeds', () => {
  it('depend on the campaign seed and the run index only', () => {
    expect(runSeed(7, 3)).toBe(runSeed(7, 3));
    expect(new Set([runSeed(7, 0), runSeed(7, 1), runSeed(8, 0)]).size).toBe(3);
    // Pinned: a change of derivation would silently change what every recorded campaign seed means.
    expect([runSeed(20261121, 0), runSeed(20261121, 1)]).toMatchInlineSnapshot(`
      [
        234264261,
        1668966869,
      ]
    `);
  });
});

describe('durations', () => {
  it('read a number and a unit', () => {
    expect([parseDuration('90s'), parseDuration('10m'), parseDuration('2h'), parseDuration('1.5s'), parseDuration('250ms')]).toEqual([
      90_000, 600_000, 7_200_000, 1500, 250,
    ]);
  });
  it('print back in the largest whole unit', () => {
    expect([7_200_000, 600_000, 90_000, 1500].map(formatDuration)).toEqual(['2h', '10m', '90s', '1500ms']);
  });
  it.each(['90', '10 minutes', '-5s', '0s', '1d', '', '9999h'])('reject %j', (text) => {
    expect(() => parseDuration(text)).toThrow(UsageError);
  });
});

describe('shards', () => {
  it('read i/n with 1 <= i <= n', () => {
    expect(parseShard('2/4')).toEqual({ index: 2, count: 4 });
    for (const bad of ['3/2', '0/2', '1/0', '1-2', 'a/b', '2']) expect(() => parseShard(bad), bad).toThrow(UsageError);
    expect(() => parseShard('3/2')).toThrow('shard index must be from 1 to 2, got 3/2');
  });
  it('partition the run indices exactly', () => {
    const all = [1, 2, 3].flatMap((index) => [...shardRuns({ index, count: 3 }, 10)]);
    expect(all.sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect([1, 2, 3].map((index) => shardRunCount({ index, count: 3 }, 10))).toEqual([4, 3, 3]);
  });
});

describe('machines', () => {
  it('resolve built-in names and refuse unknown ones', async () => {
    expect((await resolveMachine('reference', repo)).name).toBe('reference');
    await expect(resolveMachine('nope', repo)).rejects.toThrow(/unknown machine "nope"/);
  });

  it('load the worked example module', async () => {
    const m = await resolveMachine('./fuzz/examples/json-bridge-machine.js', repo);
    expect(m.name).toBe('example:json-bridge');
    expect(m.walk).not.toBeNull();
    expect(isModuleSpec('./fuzz/examples/json-bridge-machine.js')).toBe(true);
    expect(normalizeSpec(join(repo, 'fuzz/examples/json-bridge-machine.js'), repo)).toBe('./fuzz/examples/json-bridge-machine.js');
  });

  const modules: [string, string, RegExp][] = [
    ['no-export.mjs', 'export const x = 1;', /exports no machine/],
    ['no-run.mjs', "export default { name: 'm' };", /has no run\(trace\) function/],
    ['no-name.mjs', 'export default { run() {} };', /name must be a non-empty string/],
    ['function.mjs', 'export default function run() {}', /must be an object/],
    ['syntax.mjs', 'export default {', /could not load the machine module/],
    ['throws.mjs', "throw new Error('boom at load');", /could not load the machine module .*boom at load/],
  ];
  it.each(modules)('refuse a module that does not implement the contract (%s)', async (name, source, message) => {
    const dir = temporaryFolder();
    writeFileSync(join(dir, name), source);
    const error = await resolveMachine(`./${name}`, dir).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UsageError);
    expect((error as Error).message).toMatch(message);
    expect((error as Error).message).not.toContain('\n');
  });

  it('accept a `machine` export as well as a default one', async () => {
    const dir = temporaryFolder();
    writeFileSync(join(dir, 'named.mjs'), "export const machine = { name: 'named', run: () => ({ observations: [], memory: [] }) };");
    expect((await resolveMachine('./named.mjs', dir)).name).toBe('named');
  });
});

describe('family selection', () => {
  it('runs every family that applies, and names the ones skipped', async () => {
    const walkOnly = await resolveMachine('reference', repo);
    const all = selectFamilies(walkOnly, null);
    expect(all.families.map((f) => f.name)).toContain('translation');
    expect(all.families.every((f) => f.applies(walkOnly))).toBe(true);
    const noWalk = { name: 'system-only', walk: null, system: null };
    const explicit = selectFamilies(walkOnly, ['faults', 'translation']);
    expect(explicit.families.map((f) => f.name)).toEqual(['translation', 'faults']);
    expect(() => selectFamilies(noWalk, ['translation'])).toThrow(/property family translation does not apply to machine system-only/);
    expect(() => selectFamilies(walkOnly, ['nope'])).toThrow(/unknown property family "nope"/);
    expect(() => parsePropertyList(' , ')).toThrow(UsageError);
  });
});
