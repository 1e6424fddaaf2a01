/**
 * Writing a campaign's reports into its folder: report.json, junit.xml and report.html, each atomically.
 * Also re-rendering the HTML of a folder, and merging shard folders into one (findings copied along).
 */
import { copyFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { ensureFolder } from '../findings/ensure-folder.ts';
import type { Finding } from '../findings/finding.ts';
import { FINDINGS_FOLDER, loadFinding, writeFileAtomic } from '../findings/store.ts';
import { type CampaignReport, HTML_FILE, JUNIT_FILE, readReport, REPORT_FILE } from './campaign-report.ts';
import { type FindingLookup, renderHtml } from './html.ts';
import { renderJunit } from './junit.ts';
import { mergeReports } from './merge.ts';
import { findingPath } from './replay-command.ts';

/** report.json text: stable key order, `timing` last so a diff of two runs ends with it. */
export function renderJson(report: CampaignReport): string {
  return JSON.stringify(report, null, 2) + '\n';
}

export function findingsLookup(dir: string): FindingLookup {
  return (id: string): Finding | null => {
    try {
      return loadFinding(findingPath(dir, id)).finding;
    } catch {
      return null;
    }
  };
}

export function writeHtml(dir: string, report: CampaignReport): string {
  const file = join(dir, HTML_FILE);
  writeFileAtomic(file, renderHtml(report, dir, findingsLookup(dir)));
  return file;
}

export function writeReports(dir: string, report: CampaignReport): void {
  ensureFolder(dir);
  writeFileAtomic(join(dir, REPORT_FILE), renderJson(report));
  writeFileAtomic(join(dir, JUNIT_FILE), renderJunit(report, dir));
  writeHtml(dir, report);
}

/** `xlatcheck report DIR`: the HTML again from report.json and the finding files. */
export function rerenderHtml(dir: string): string {
  return writeHtml(dir, readReport(dir));
}

/**
 * Copies the merged buckets' findings from the shard folders that hold them. Only those: a known
 * deviation's bucket keeps the best finding of all shards, so the others' would be files no bucket names.
 */
function copyFindings(report: CampaignReport, dirs: readonly string[], out: string): void {
  for (const id of report.buckets.flatMap((b) => b.members.map((m) => m.id))) {
    const from = dirs.map((dir) => findingPath(dir, id)).find((file) => existsSync(file));
    if (from === undefined) continue;
    ensureFolder(join(out, FINDINGS_FOLDER));
    copyFileSync(from, findingPath(out, id));
  }
}

/** `xlatcheck report --merge DIR...`: one report of all shards in `out`, their buckets' findings copied there. */
export function mergeCampaignFolders(dirs: readonly string[], out: string): CampaignReport {
  const merged = mergeReports(dirs.map(readReport));
  ensureFolder(out);
  copyFindings(merged, dirs, out);
  writeReports(out, merged);
  return merged;
}
