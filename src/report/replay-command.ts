/**
 * The command that replays a finding, as reports print it: relative to the current folder when the report
 * is rendered, so it can be pasted into a shell opened in the repository.
 */
import { join, relative } from 'node:path';
import { FINDINGS_FOLDER } from '../findings/store.ts';

export function findingPath(dir: string, id: string): string {
  return join(dir, FINDINGS_FOLDER, `${id}.json`);
}

export function replayCommand(dir: string, id: string): string {
  const path = relative(process.cwd(), findingPath(dir, id)) || findingPath(dir, id);
  return `npx xlatcheck replay ${/\s/.test(path) ? JSON.stringify(path) : path}`;
}
