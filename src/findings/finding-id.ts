/**
 * A finding's name: a hash of its content. Findings hold no timing, so the same campaign seed and run
 * give the same file name whatever the worker or shard that ran it.
 */
import { createHash } from 'node:crypto';
import { canonicalJson } from './plain-json.ts';
import type { Finding } from './finding.ts';

export const FINDING_ID_LENGTH = 16;
const ID = new RegExp(`^[0-9a-f]{${FINDING_ID_LENGTH}}$`);

export function findingId(finding: Finding): string {
  return createHash('sha256').update(canonicalJson(finding)).digest('hex').slice(0, FINDING_ID_LENGTH);
}

export function isFindingId(text: string): boolean {
  return ID.test(text);
}

/** A short stable key for any text (bucket signatures in issue markers). */
export function shortHash(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 12);
}
