/**
 * The help texts: `xlatcheck help` (every command), and `xlatcheck COMMAND --help` (that command's own).
 * The overview is composed from the per-command texts, so each option is described once.
 */
import { MUTANT_LAYERS } from '../../models/mutants/mutant.ts';
import { DEFAULT_SEED } from '../config/run-config.ts';
import { DEFAULT_CELL_RUNS, DEFAULT_INTENDED_BUDGET, DEFAULT_OTHER_BUDGET, DEFAULT_OUT } from '../mutants/mutants-command.ts';

const FUZZ_OPTIONS = `fuzz options:
  --machine M          reference (default), a built-in name (xlatcheck list machines), or
                       ./path.js: a module whose default export is { name, run(trace) }
  --properties A,B     property families to run (default: all that apply to the machine)
  --duration D         time budget: 90s, 10m, 2h (default 60s when --runs is not given)
  --runs N             number of runs of the whole campaign (a shard runs its share)
  --seed S             campaign seed, 0 to 4294967295 (default: chosen and printed)
  --workers N          worker threads (default: the number of cores; 0 runs in this thread)
  --shard i/n          run only shard i of n (run indices i-1, i-1+n, ...)
  --out DIR            campaign folder (default reports/campaigns/<time stamp>)
  --regressions DIR    committed findings replayed first (default fuzz/regressions)
  --case-timeout D     a case that takes longer becomes a timeout finding (default 60s)
  --max-findings N     stop generating after N findings (default 500); a machine's known
                       deviations are counted as sightings, one finding per bucket, not limited
  --json               print the summary as JSON on stdout
`;

const MUTANTS_OPTIONS = `mutants options:
  --seed S             seed of every cell, 0 to 4294967295 (default ${DEFAULT_SEED})
  --runs N             most runs of a family against a mutant (default ${DEFAULT_CELL_RUNS})
  --budget D           time budget of the family meant for each mutant, shrinking included:
                       500ms, 30s, 2m (default ${DEFAULT_INTENDED_BUDGET})
  --other-budget D     time budget of each other family against a mutant (default ${DEFAULT_OTHER_BUDGET})
  --mutants A,B        only these mutants (the "mutant:" prefix is optional)
  --layers A,B         only the mutants of these layers: ${MUTANT_LAYERS.join(', ')}
  --families A,B       only these families (xlatcheck list properties)
  --intended-only      run each mutant against the family meant for it only
  --json               print the kill matrix as JSON on stdout
  --out DIR            where report.html and kill-matrix.json go (default ${DEFAULT_OUT})
  --list               list the selected mutants (layer, family, what each breaks) and run nothing
`;

const EXIT_STATUS = `Exit status: 0 nothing found, 1 something found (replay: reproduced; mutants: a mutant survived),
2 bad usage or input, 3 a machine running in this process ended it or threw outside any case (or
xlatcheck failed), 130 interrupted (after saving the findings and a partial report).
`;

/** The help text of `xlatcheck help`. */
export const USAGE = `xlatcheck: property-based verification and fuzzing of address translation

Usage:
  xlatcheck fuzz [options]              run a campaign
  xlatcheck replay FINDING|DIR... [--machine M] [--json]
                                        re-run saved findings: reproduced, not reproduced, inconclusive
  xlatcheck report DIR                  re-render DIR/report.html from DIR/report.json
  xlatcheck report --merge DIR... [--out DIR]
                                        merge shard reports into one
  xlatcheck issues DIR [--context TEXT] one issue draft per finding bucket, as JSON (nightly CI)
  xlatcheck mutants [options]           run the mutant catalog: the kill matrix of the families
  xlatcheck list machines|properties    the built-in machines, the property families
  xlatcheck help | --version            (COMMAND --help: the options of one command)

${FUZZ_OPTIONS}
${MUTANTS_OPTIONS}
${EXIT_STATUS}`;

/** The text of `xlatcheck COMMAND --help` (or -h), by command. */
export const COMMAND_USAGE: Readonly<Record<string, string>> = {
  fuzz: `usage: xlatcheck fuzz [options]

Runs a campaign: generated cases of every property family on a machine, findings saved and bucketed,
report.json, junit.xml and report.html written into the campaign folder.

${FUZZ_OPTIONS}
Exit status: 0 nothing found (or only the machine's known deviations), 1 something new found, 2 bad
usage or input, 3 a machine running in this process ended it, 130 interrupted (after saving the
findings and a partial report).
`,
  replay: `usage: xlatcheck replay FINDING|DIR... [--machine M] [--json]

Re-runs each saved finding's case on its machine (or --machine M) and says reproduced, not reproduced, or
inconclusive (the specification could decide the case neither way: its bound of followed states was
reached, then a mismatch; that is no reproduction and no fix).

  --machine M          the machine to replay on (default: the one each finding records)
  --json               print the verdicts as JSON on stdout

Exit status: 0 none reproduced, 1 one or more reproduced, 2 bad usage or input.
`,
  report: `usage: xlatcheck report DIR
       xlatcheck report --merge DIR... [--out DIR]

Re-renders DIR/report.html from DIR/report.json and the finding files, or merges shard campaign folders.

  --merge              merge the campaign folders given into one
  --out DIR            where the merged campaign goes (default reports/campaigns/merged-<time stamp>)

Exit status: 0 done, 2 bad usage or input.
`,
  issues: `usage: xlatcheck issues DIR [--context TEXT]

Prints one issue draft per finding bucket of a (merged) campaign folder, as a JSON array.

  --context TEXT       a line added to every draft (the nightly run's link, say)

Exit status: 0 done, 2 bad usage or input.
`,
  mutants: `usage: xlatcheck mutants [options]

Runs every catalog mutant (models/mutants; --list lists them) against the property families with
a fixed seed and a budget per mutant, and prints the kill matrix: which families catch which mutant,
runs and time to the first failure, the size of the shrunk counterexample (steps, mappings), and the
totals against the targets (every mutant killed, median time to kill <= 1 s, worst <= 30 s, 90% of
shrunk counterexamples at most 6 steps). Progress goes to stderr.

${MUTANTS_OPTIONS}
Exit status: 0 every mutant killed (or marked equivalent), 1 a mutant survived, 2 bad usage.
`,
  list: `usage: xlatcheck list machines|properties

  machines             the built-in machines (--machine)
  properties           the property families (--properties; mutants --families)

Exit status: 0 done, 2 bad usage.
`,
};
