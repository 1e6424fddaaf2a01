/**
 * What a campaign folder holds, judged the way the next reader will judge it: every finding file is read
 * with the loader replay uses (findingsAt, then the family rebuilds the case), its name must be the hash of
 * its content (so a file cut short or edited is caught even if it still parses), the reports must be whole,
 * and nothing else may lie around (temporary files of an interrupted write, write probes).
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { findingId } from '../../src/findings/finding-id.ts';
import { caseOf } from '../../src/findings/replay.ts';
import { FINDINGS_FOLDER, findingsAt, loadFinding } from '../../src/findings/store.ts';
import { findFamily } from '../../src/properties/registry.ts';
import { HTML_FILE, JUNIT_FILE, readReport, REPORT_FILE } from '../../src/report/campaign-report.ts';

export interface FolderAudit {
  /** Ids of the finding files that passed every check. */
  readonly findings: ReadonlySet<string>;
  /** One line per damaged or unreadable file. */
  readonly problems: readonly string[];
  /** Files that are neither findings nor reports: leftovers of an interrupted write. */
  readonly strays: readonly string[];
  readonly hasReport: boolean;
}

const REPORT_ENDINGS: Record<string, string> = { [JUNIT_FILE]: '</testsuites>', [HTML_FILE]: '</html>' };

function names(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Problems with one finding file, as replay would meet them, plus the content-hash check. */
function findingProblem(file: string): string | null {
  try {
    const stored = loadFinding(file);
    const family = findFamily(stored.finding.property);
    if (family === undefined) return `${file}: unknown family ${stored.finding.property}`;
    caseOf(stored, family);
    const id = findingId(stored.finding);
    return id === basename(file, '.json') ? null : `${file}: content hash is ${id}, not its name`;
  } catch (error) {
    return messageOf(error);
  }
}

function reportProblems(out: string, present: readonly string[]): string[] {
  const problems: string[] = [];
  if (present.includes(REPORT_FILE)) {
    try {
      readReport(out);
    } catch (error) {
      problems.push(messageOf(error));
    }
  }
  for (const [name, ending] of Object.entries(REPORT_ENDINGS)) {
    if (!present.includes(name)) continue;
    const text = readFileSync(join(out, name), 'utf8');
    if (!text.trimEnd().endsWith(ending)) problems.push(`${join(out, name)} is cut short (does not end with ${JSON.stringify(ending)})`);
  }
  return problems;
}

export function auditFolder(out: string): FolderAudit {
  const top = names(out);
  const strays = top.filter((n) => n !== FINDINGS_FOLDER && n !== REPORT_FILE && n !== JUNIT_FILE && n !== HTML_FILE).map((n) => join(out, n));
  const findingsDir = join(out, FINDINGS_FOLDER);
  const findingNames = names(findingsDir);
  strays.push(...findingNames.filter((n) => !/^[0-9a-f]{16}\.json$/.test(n)).map((n) => join(findingsDir, n)));
  const problems = reportProblems(out, top);
  const findings = new Set<string>();
  for (const name of findingNames.filter((n) => n.endsWith('.json'))) {
    const file = join(findingsDir, name);
    const problem = statSync(file).isFile() ? findingProblem(file) : `${file} is not a file`;
    if (problem === null) findings.add(basename(name, '.json'));
    else problems.push(problem);
  }
  // The loader replay uses must agree: it reads the same files without complaint.
  if (problems.length === 0 && findings.size > 0 && findingsAt(out).length !== findings.size) problems.push(`${out}: replay reads a different number of findings`);
  return { findings, problems, strays, hasReport: top.includes(REPORT_FILE) };
}
