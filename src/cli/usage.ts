/** The help text of `xlatcheck help`. */
export const USAGE = `xlatcheck: property-based verification and fuzzing of address translation

Usage:
  xlatcheck fuzz [options]              run a campaign
  xlatcheck replay FINDING|DIR... [--machine M] [--json]
                                        re-run saved findings; says reproduced or not reproduced
  xlatcheck report DIR                  re-render DIR/report.html from DIR/report.json
  xlatcheck report --merge DIR... [--out DIR]
                                        merge shard reports into one
  xlatcheck issues DIR [--context TEXT] one issue draft per finding bucket, as JSON (nightly CI)
  xlatcheck list machines|properties    the built-in machines, the property families
  xlatcheck help | --version

fuzz options:
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
  --max-findings N     stop generating after N findings (default 500)
  --json               print the summary as JSON on stdout

Exit status: 0 nothing found, 1 something found (replay: reproduced), 2 bad usage or input,
3 a machine running in this process ended it or threw outside any case (or xlatcheck failed),
130 interrupted (after saving the findings and a partial report).
`;
