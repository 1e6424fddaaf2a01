/**
 * `xlatcheck issues DIR [--context TEXT]`: the issue drafts of a (merged) campaign folder, one per finding
 * bucket, as a JSON array on stdout. The nightly workflow opens or updates one issue per draft.
 */
import { resolve } from 'node:path';
import { UsageError } from '../config/run-config.ts';
import { readReport } from '../report/campaign-report.ts';
import { issueDrafts } from '../report/issue-drafts.ts';
import { findingsLookup } from '../report/write-reports.ts';
import { type OptionSpec, parseCommand, stringOption } from './args.ts';
import { EXIT, type Io } from './io.ts';

const OPTIONS: OptionSpec = { context: { type: 'string' } };

export async function issuesCommand(args: readonly string[], io: Io): Promise<number> {
  const p = parseCommand('issues', args, OPTIONS, true);
  if (p.positionals.length !== 1) throw new UsageError('issues takes one campaign folder');
  const dir = resolve(io.cwd, p.positionals[0] as string);
  const drafts = issueDrafts(readReport(dir), dir, findingsLookup(dir), stringOption(p, 'context') ?? null);
  io.out(JSON.stringify(drafts, null, 2) + '\n');
  return EXIT.ok;
}
