/**
 * `xlatcheck mutants` (and `npm run mutants`, which runs it): runs the mutant catalog against the
 * property families and prints the kill matrix, as text or `--json`, and writes report.html and
 * kill-matrix.json into the output folder. Bad flags, and an output folder that cannot be written,
 * throw a UsageError before any work (one line, exit 2 at the caller). Exit 1 when a non-equivalent
 * mutant survives: a gap in the harness. The help text is in src/cli/usage.ts.
 */
import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { type Mutant, mutantCatalog, MUTANT_LAYERS, type MutantLayer } from '../../models/mutants/index.ts';
import { flag, type OptionSpec, parseCommand, stringOption, type Parsed } from '../cli/args.ts';
import { EXIT, type Io } from '../cli/io.ts';
import { table } from '../cli/list-command.ts';
import { formatDuration, parseDuration } from '../campaign/duration.ts';
import { prepareOutFolder } from '../campaign/out-folder.ts';
import { DEFAULT_SEED, parseRuns, parseSeed, UsageError } from '../config/run-config.ts';
import type { AnyFamily } from '../properties/family.ts';
import { benchmarkFamilies } from './families.ts';
import { type KillMatrix, type KillMatrixOptions, runKillMatrix } from './kill-matrix.ts';
import { matrixProgress } from './progress.ts';
import { renderHtml } from './render-html.ts';
import { renderJson } from './render-json.ts';
import { renderText } from './render-text.ts';

export const DEFAULT_CELL_RUNS = 2000;
export const DEFAULT_INTENDED_BUDGET = '30s';
export const DEFAULT_OTHER_BUDGET = '10s';
export const DEFAULT_OUT = join('reports', 'mutants');

const OPTIONS: OptionSpec = {
  seed: { type: 'string' },
  runs: { type: 'string' },
  budget: { type: 'string' },
  'other-budget': { type: 'string' },
  mutants: { type: 'string', multiple: true },
  layers: { type: 'string', multiple: true },
  families: { type: 'string', multiple: true },
  'intended-only': { type: 'boolean' },
  json: { type: 'boolean' },
  out: { type: 'string' },
  list: { type: 'boolean' },
};

function listOption(p: Parsed, name: string): string[] {
  const v = p.values[name];
  const items = Array.isArray(v) ? v : typeof v === 'string' ? [v] : [];
  const names = items.flatMap((item) => item.split(',')).map((s) => s.trim()).filter((s) => s !== '');
  if (items.length > 0 && names.length === 0) throw new UsageError(`option --${name} needs a value`);
  return names;
}

function selectMutants(p: Parsed): Mutant[] {
  const names = listOption(p, 'mutants').map((n) => (n.startsWith('mutant:') ? n : `mutant:${n}`));
  const layers = listOption(p, 'layers');
  for (const name of names) if (!mutantCatalog.some((m) => m.name === name)) throw new UsageError(`unknown mutant ${JSON.stringify(name)} (see "xlatcheck mutants --list")`);
  for (const layer of layers) {
    if (!(MUTANT_LAYERS as readonly string[]).includes(layer)) throw new UsageError(`unknown layer ${JSON.stringify(layer)}: use one of ${MUTANT_LAYERS.join(', ')}`);
  }
  return mutantCatalog.filter((m) => (names.length === 0 || names.includes(m.name)) && (layers.length === 0 || layers.includes(m.layer as MutantLayer)));
}

function selectFamilies(p: Parsed): AnyFamily[] {
  const all = benchmarkFamilies();
  const names = listOption(p, 'families');
  for (const name of names) if (!all.some((f) => f.name === name)) throw new UsageError(`unknown family ${JSON.stringify(name)}: use one of ${all.map((f) => f.name).join(', ')}`);
  return names.length === 0 ? all : all.filter((f) => names.includes(f.name));
}

/** The run options the flags ask for; throws a UsageError on a bad flag. */
export function mutantsOptions(args: readonly string[]): { options: KillMatrixOptions; json: boolean; out: string; list: boolean } {
  const p = parseCommand('mutants', args, OPTIONS, false);
  const seedText = stringOption(p, 'seed');
  const runsText = stringOption(p, 'runs');
  const options: KillMatrixOptions = {
    budget: {
      seed: seedText === undefined ? DEFAULT_SEED : parseSeed(seedText, '--seed'),
      runs: runsText === undefined ? DEFAULT_CELL_RUNS : parseRuns(runsText, '--runs'),
      timeLimitMs: parseDuration(stringOption(p, 'budget') ?? DEFAULT_INTENDED_BUDGET, '--budget'),
    },
    otherTimeLimitMs: parseDuration(stringOption(p, 'other-budget') ?? DEFAULT_OTHER_BUDGET, '--other-budget'),
    scope: flag(p, 'intended-only') ? 'intended' : 'matrix',
    mutants: selectMutants(p),
    families: selectFamilies(p),
  };
  if (options.mutants.length === 0) throw new UsageError('no mutant matches both --mutants and --layers');
  return { options, json: flag(p, 'json'), out: stringOption(p, 'out') ?? DEFAULT_OUT, list: flag(p, 'list') };
}

/** Writes report.html and kill-matrix.json into `dir` (which exists); returns the report's path. */
export function writeMatrixReports(matrix: KillMatrix, dir: string): string {
  const html = join(dir, 'report.html');
  writeFileSync(join(dir, 'kill-matrix.json'), renderJson(matrix));
  writeFileSync(html, renderHtml(matrix));
  return html;
}

/** The selected mutants, one line each: name, layer, the family meant to catch it, what it breaks. */
export function catalogTable(mutants: readonly Mutant[]): string {
  const rows = mutants.map((m) => [m.name.replace(/^mutant:/, ''), m.layer, m.family, m.equivalent === null ? m.description : `equivalent: ${m.equivalent}`]);
  return table([['mutant', 'layer', 'caught by', 'what it breaks'], ...rows]);
}

export async function mutantsCommand(args: readonly string[], io: Io): Promise<number> {
  const { options, json, out, list } = mutantsOptions(args);
  if (list) {
    io.out(catalogTable(options.mutants));
    return EXIT.ok;
  }
  const dir = resolve(io.cwd, out);
  prepareOutFolder(dir);
  io.err(
    `xlatcheck mutants: ${options.mutants.length} mutant(s), ${options.scope === 'intended' ? 'the family meant for each' : `${options.families.length} famil(ies)`}, ` +
      `seed ${options.budget.seed}, at most ${options.budget.runs} runs and ${formatDuration(options.budget.timeLimitMs)} for the family meant for a mutant` +
      (options.scope === 'intended' ? '\n' : `, ${formatDuration(Math.min(options.budget.timeLimitMs, options.otherTimeLimitMs))} for the others\n`),
  );
  const matrix = await runKillMatrix(options, matrixProgress(io));
  const report = writeMatrixReports(matrix, dir);
  io.out(json ? renderJson(matrix) : renderText(matrix));
  io.err(`xlatcheck: kill matrix written to ${report}\n`);
  return matrix.totals.survivors.length === 0 ? EXIT.ok : EXIT.found;
}
