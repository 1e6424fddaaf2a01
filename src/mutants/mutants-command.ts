/**
 * `xlatcheck mutants` (and `npm run mutants`): runs the mutant catalog against the property families
 * and prints the kill matrix, as text or `--json`, and writes report.html and kill-matrix.json into the
 * output folder. Bad flags throw a UsageError (one line, exit 2 at the caller). Exit 1 when a
 * non-equivalent mutant survives: a gap in the harness.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { type Mutant, mutantCatalog, MUTANT_LAYERS, type MutantLayer } from '../../models/mutants/index.ts';
import { flag, integerOption, parseCommand, stringOption, type Parsed } from '../cli/args.ts';
import { EXIT, type Io } from '../cli/io.ts';
import { DEFAULT_SEED, parseSeed, UsageError } from '../config/run-config.ts';
import type { AnyFamily } from '../properties/family.ts';
import { benchmarkFamilies } from './families.ts';
import { type KillMatrix, type KillMatrixOptions, runKillMatrix } from './kill-matrix.ts';
import { matrixProgress } from './progress.ts';
import { renderHtml } from './render-html.ts';
import { renderJson } from './render-json.ts';
import { renderText } from './render-text.ts';

export const DEFAULT_CELL_RUNS = 2000;
export const DEFAULT_CELL_SECONDS = 30;
export const DEFAULT_OTHER_CELL_SECONDS = 10;
export const DEFAULT_OUT = join('reports', 'mutants');

export const MUTANTS_USAGE = `usage: xlatcheck mutants [options]

Runs every catalog mutant (models/mutants) against the property families with a fixed seed and a budget
per cell, and prints the kill matrix: which families catch which mutant, runs and time to the first
failure, the size of the shrunk counterexample, and the totals against the targets.

  --seed N            seed of every cell (default ${DEFAULT_SEED})
  --runs N            most runs per cell (default ${DEFAULT_CELL_RUNS})
  --time-limit S      most seconds for the family meant for a mutant, shrinking included
                      (default ${DEFAULT_CELL_SECONDS})
  --other-time-limit S  most seconds for each other family (default ${DEFAULT_OTHER_CELL_SECONDS})
  --mutant NAME       only this mutant (repeatable; with or without the "mutant:" prefix)
  --layer LAYER       only mutants of this layer (repeatable: ${MUTANT_LAYERS.join(', ')})
  --family NAME       only this family (repeatable)
  --intended-only     run each mutant against the family meant for it only
  --json              print the matrix as JSON instead of a table
  --out DIR           where report.html and kill-matrix.json go (default ${DEFAULT_OUT})
  -h, --help          this text

Exit status: 0 when every non-equivalent mutant is killed, 1 when one survives, 2 on bad usage.
`;

const OPTIONS = {
  seed: { type: 'string' },
  runs: { type: 'string' },
  'time-limit': { type: 'string' },
  'other-time-limit': { type: 'string' },
  mutant: { type: 'string', multiple: true },
  layer: { type: 'string', multiple: true },
  family: { type: 'string', multiple: true },
  'intended-only': { type: 'boolean' },
  json: { type: 'boolean' },
  out: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

function listOption(p: Parsed, name: string): string[] {
  const v = p.values[name];
  const items = Array.isArray(v) ? v : typeof v === 'string' ? [v] : [];
  return items.flatMap((item) => item.split(',')).map((s) => s.trim()).filter((s) => s !== '');
}

function selectMutants(p: Parsed): Mutant[] {
  const names = listOption(p, 'mutant').map((n) => (n.startsWith('mutant:') ? n : `mutant:${n}`));
  const layers = listOption(p, 'layer');
  for (const name of names) if (!mutantCatalog.some((m) => m.name === name)) throw new UsageError(`unknown mutant ${JSON.stringify(name)} (see models/mutants)`);
  for (const layer of layers) {
    if (!(MUTANT_LAYERS as readonly string[]).includes(layer)) throw new UsageError(`unknown layer ${JSON.stringify(layer)}: use one of ${MUTANT_LAYERS.join(', ')}`);
  }
  return mutantCatalog.filter((m) => (names.length === 0 || names.includes(m.name)) && (layers.length === 0 || layers.includes(m.layer as MutantLayer)));
}

function selectFamilies(p: Parsed): AnyFamily[] {
  const all = benchmarkFamilies();
  const names = listOption(p, 'family');
  for (const name of names) if (!all.some((f) => f.name === name)) throw new UsageError(`unknown family ${JSON.stringify(name)}: use one of ${all.map((f) => f.name).join(', ')}`);
  return names.length === 0 ? all : all.filter((f) => names.includes(f.name));
}

/** The run options the flags ask for; throws a UsageError on a bad flag. */
export function mutantsOptions(args: readonly string[]): { options: KillMatrixOptions; json: boolean; out: string; help: boolean } {
  const p = parseCommand('mutants', args, OPTIONS, false);
  const seedText = stringOption(p, 'seed');
  const options: KillMatrixOptions = {
    budget: {
      seed: seedText === undefined ? DEFAULT_SEED : parseSeed(seedText, '--seed'),
      runs: integerOption(p, 'runs', 1, 1_000_000) ?? DEFAULT_CELL_RUNS,
      timeLimitMs: (integerOption(p, 'time-limit', 1, 86_400) ?? DEFAULT_CELL_SECONDS) * 1000,
    },
    otherTimeLimitMs: (integerOption(p, 'other-time-limit', 1, 86_400) ?? DEFAULT_OTHER_CELL_SECONDS) * 1000,
    scope: flag(p, 'intended-only') ? 'intended' : 'matrix',
    mutants: selectMutants(p),
    families: selectFamilies(p),
  };
  if (options.mutants.length === 0) throw new UsageError('no mutant matches the --mutant and --layer options');
  return { options, json: flag(p, 'json'), out: stringOption(p, 'out') ?? DEFAULT_OUT, help: flag(p, 'help') };
}

/** Writes report.html and kill-matrix.json into `dir`; returns the report's path. */
export function writeMatrixReports(matrix: KillMatrix, dir: string): string {
  mkdirSync(dir, { recursive: true });
  const html = join(dir, 'report.html');
  writeFileSync(join(dir, 'kill-matrix.json'), renderJson(matrix));
  writeFileSync(html, renderHtml(matrix));
  return html;
}

export async function mutantsCommand(args: readonly string[], io: Io): Promise<number> {
  const { options, json, out, help } = mutantsOptions(args);
  if (help) {
    io.out(MUTANTS_USAGE);
    return EXIT.ok;
  }
  const matrix = await runKillMatrix(options, matrixProgress(io));
  const report = writeMatrixReports(matrix, resolve(io.cwd, out));
  io.out(json ? renderJson(matrix) : renderText(matrix));
  io.err(`xlatcheck: kill matrix written to ${report}\n`);
  return matrix.totals.survivors.length === 0 ? EXIT.ok : EXIT.found;
}
