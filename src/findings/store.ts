/**
 * The findings store: one JSON file per finding under a folder, named by the hash of its content, written
 * atomically (a temporary file in the same folder, then a rename) so a reader or an interrupted campaign
 * never sees half a finding.
 */
import { readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { ensureFolder } from './ensure-folder.ts';
import type { Finding } from './finding.ts';
import { findingId } from './finding-id.ts';
import { FindingFormatError, validateFinding } from './validate-finding.ts';

export const FINDINGS_FOLDER = 'findings';

export interface StoredFinding {
  readonly id: string;
  readonly file: string;
  readonly finding: Finding;
}

/** Writes `text` to `file` atomically. */
export function writeFileAtomic(file: string, text: string): void {
  const temporary = `${file}.${process.pid}.${process.hrtime.bigint()}.tmp`;
  writeFileSync(temporary, text);
  renameSync(temporary, file);
}

/** A temporary file of writeFileAtomic, and the process that was writing it. */
const TEMPORARY = /\.(\d+)\.\d+\.tmp$/;

export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Removes the temporary files of writes that a killed process never finished (SIGKILL between the write
 * and the rename). Another live process's write in progress (a shard sharing the folder) is left alone.
 */
export function sweepAbandonedWrites(folder: string): void {
  let names: string[];
  try {
    names = readdirSync(folder);
  } catch {
    return;
  }
  for (const name of names) {
    const pid = TEMPORARY.exec(name)?.[1];
    if (pid !== undefined && !isProcessAlive(Number(pid))) rmSync(join(folder, name), { force: true });
  }
}

export function findingText(finding: Finding): string {
  return JSON.stringify(finding, null, 2) + '\n';
}

/** The file of the finding `id` in a findings folder. */
export function findingFile(folder: string, id: string): string {
  return join(folder, `${id}.json`);
}

/** Where `saveFinding` puts a finding in `folder`, without writing it. */
export function locateFinding(folder: string, finding: Finding): StoredFinding {
  const id = findingId(finding);
  return { id, file: findingFile(folder, id), finding };
}

/** Saves a finding into `folder` (created if needed) and returns where. Saving the same finding twice is harmless. */
export function saveFinding(folder: string, finding: Finding): StoredFinding {
  ensureFolder(folder);
  const stored = locateFinding(folder, finding);
  writeFileAtomic(stored.file, findingText(finding));
  return stored;
}

/**
 * Removes the finding `id` from `folder`; one that is not there is already gone. A single unlink, so a
 * reader sees the whole file or none.
 */
export function removeFinding(folder: string, id: string): void {
  rmSync(findingFile(folder, id), { force: true });
}

/** Reads one finding file; a missing, unreadable or malformed file is a FindingFormatError naming it. */
export function loadFinding(file: string): StoredFinding {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new FindingFormatError(code === 'ENOENT' ? `no finding file at ${file}` : `cannot read ${file}: ${code ?? String(error)}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new FindingFormatError(`${file} is not valid JSON`);
  }
  try {
    const finding = validateFinding(json);
    // The file name is the id when the store wrote it; a hand-named regression keeps its own name.
    return { id: basename(file, '.json'), file, finding };
  } catch (error) {
    if (error instanceof FindingFormatError) throw new FindingFormatError(`${file}: ${error.message}`);
    throw error;
  }
}

/** Every finding file in a folder (not recursive), sorted by name; a folder that does not exist holds none. */
export function loadFindings(folder: string): StoredFinding[] {
  let names: string[];
  try {
    names = readdirSync(folder);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw new FindingFormatError(`cannot read ${folder}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
  }
  return names
    .filter((n) => n.endsWith('.json'))
    .sort()
    .map((n) => loadFinding(join(folder, n)));
}

/**
 * What `replay` and `report` accept: a finding file, a folder of findings, or a campaign folder holding
 * findings/. Returns the files' findings; a path that is none of these is a FindingFormatError.
 */
export function findingsAt(path: string): StoredFinding[] {
  let isDirectory: boolean;
  try {
    isDirectory = statSync(path).isDirectory();
  } catch {
    throw new FindingFormatError(`no finding file or folder at ${path}`);
  }
  if (!isDirectory) return [loadFinding(path)];
  const nested = join(path, FINDINGS_FOLDER);
  const hasNested = (() => {
    try {
      return statSync(nested).isDirectory();
    } catch {
      return false;
    }
  })();
  return loadFindings(hasNested ? nested : path);
}
