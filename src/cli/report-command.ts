/**
 * `xlatcheck report DIR` re-renders a campaign's HTML from its report.json and finding files;
 * `xlatcheck report --merge DIR... [--out DIR]` merges shard reports into one folder.
 */
import { resolve } from 'node:path';
import { defaultOutFolder, prepareOutFolder } from '../campaign/out-folder.ts';
import { UsageError } from '../config/run-config.ts';
import { HTML_FILE } from '../report/campaign-report.ts';
import { mergeCampaignFolders, rerenderHtml } from '../report/write-reports.ts';
import { flag, type OptionSpec, parseCommand, stringOption } from './args.ts';
import { EXIT, type Io } from './io.ts';

const OPTIONS: OptionSpec = { merge: { type: 'boolean' }, out: { type: 'string' } };

export async function reportCommand(args: readonly string[], io: Io): Promise<number> {
  const p = parseCommand('report', args, OPTIONS, true);
  const dirs = p.positionals.map((d) => resolve(io.cwd, d));
  if (!flag(p, 'merge')) {
    if (dirs.length !== 1) throw new UsageError('report takes one campaign folder (use --merge to merge several)');
    if (stringOption(p, 'out') !== undefined) throw new UsageError('--out goes with --merge');
    io.out(`report: ${rerenderHtml(dirs[0] as string)}\n`);
    return EXIT.ok;
  }
  if (dirs.length === 0) throw new UsageError('report --merge needs the campaign folders of the shards');
  const out = resolve(io.cwd, stringOption(p, 'out') ?? defaultOutFolder(new Date()).replace(/campaigns[\\/]/, 'campaigns/merged-'));
  prepareOutFolder(out);
  const merged = mergeCampaignFolders(dirs, out);
  io.out(
    `merged ${dirs.length} report(s): ${merged.outcome.cases} cases${merged.outcome.inconclusiveCases > 0 ? ` (${merged.outcome.inconclusiveCases} inconclusive)` : ''}, ${merged.outcome.findings} finding(s) in ${merged.buckets.length} bucket(s)\n` +
      `report: ${resolve(out, HTML_FILE)}\n`,
  );
  return EXIT.ok;
}
