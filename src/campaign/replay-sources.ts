/**
 * What a campaign replays before new cases: the findings committed under fuzz/regressions and those the
 * previous campaign left in the same output folder. They are read and their cases checked up front, so a
 * corrupt file is a usage error before any work starts, not a surprise halfway.
 */
import { join } from 'node:path';
import { caseOf } from '../findings/replay.ts';
import { FINDINGS_FOLDER, loadFindings, type StoredFinding } from '../findings/store.ts';
import { findFamily } from '../properties/registry.ts';
import type { ReplaySource } from '../report/campaign-report.ts';

export const DEFAULT_REGRESSIONS = join('fuzz', 'regressions');

export interface Replay {
  readonly source: ReplaySource;
  readonly stored: StoredFinding;
}

function checked(stored: StoredFinding): StoredFinding {
  const family = findFamily(stored.finding.property);
  // A finding of a family this xlatcheck no longer has is reported as skipped when it comes up.
  if (family !== undefined) caseOf(stored, family);
  return stored;
}

/** Previous findings first (they are what this folder was last about), each id once. */
export function replaysFor(out: string, regressions: string | null): Replay[] {
  const previous = loadFindings(join(out, FINDINGS_FOLDER)).map((stored): Replay => ({ source: 'previous', stored: checked(stored) }));
  const committed = regressions === null ? [] : loadFindings(regressions).map((stored): Replay => ({ source: 'regression', stored: checked(stored) }));
  const byId = new Map<string, Replay>();
  for (const r of [...previous, ...committed]) if (!byId.has(r.stored.id)) byId.set(r.stored.id, r);
  return [...byId.values()];
}
