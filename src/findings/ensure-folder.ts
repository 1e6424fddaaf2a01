/**
 * mkdir -p that cannot spin: Node 20's `mkdirSync(path, { recursive: true })` loops forever on some paths
 * whose parent refuses new entries (e.g. /proc/x), and an unwritable --out must fail fast with a clear line.
 */
import { mkdirSync, statSync } from 'node:fs';
import { dirname } from 'node:path';

function isFolder(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

export function ensureFolder(path: string, parentsMade = false): void {
  try {
    mkdirSync(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EEXIST' && isFolder(path)) return;
    if (code !== 'ENOENT' || parentsMade || dirname(path) === path) throw error;
    ensureFolder(dirname(path));
    ensureFolder(path, true);
  }
}
