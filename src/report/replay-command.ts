/**
 * The command that replays a finding, as reports print it: relative to the current folder when the report
 * is rendered, so it can be pasted into a shell opened in the repository.
 */
import { isAbsolute, join, relative } from 'node:path';
import { FINDINGS_FOLDER, findingFile } from '../findings/store.ts';

export function findingPath(dir: string, id: string): string {
  return findingFile(join(dir, FINDINGS_FOLDER), id);
}

export function replayCommand(dir: string, id: string): string {
  const full = findingPath(dir, id);
  // Relative when the finding is under the current folder (a path to paste), absolute otherwise.
  const rel = relative(process.cwd(), full);
  const path = rel === '' || rel.startsWith('..') || isAbsolute(rel) ? full : rel;
  return `npx xlatcheck replay ${/\s/.test(path) ? JSON.stringify(path) : path}`;
}
