/**
 * The judgements of the crash-safety suite, as pure functions of what a campaign printed and what its
 * folder held before and after, so each can be shown to fail on a made-up bad case.
 */
import type { Line } from './cli-process.ts';
import { reportedFindings } from './cli-process.ts';

/**
 * Findings lost by a killed campaign: those it reported saved, and those the folder held before it
 * started, that are no longer on disk and intact.
 */
export function lostFindings(reported: readonly string[], before: ReadonlySet<string>, after: ReadonlySet<string>): string[] {
  const expected = new Set([...before, ...reported]);
  return [...expected].filter((id) => !after.has(id)).sort();
}

const HEADER_END = /^ {2}out: /;
const REPLAYING = /^ {2}replaying (\d+) earlier finding\(s\) first$/;
const REPLAYED = /^xlatcheck: replayed ([0-9a-f]{16}) \(previous\): /;

export function sawHeader(lines: readonly Line[]): boolean {
  return lines.some((l) => l.stream === 'stderr' && HEADER_END.test(l.text));
}

/**
 * How a restarted campaign went wrong, if it did: it must announce the folder's findings for replay (all
 * of them, and nothing else, since the suite gives it no committed regressions), and replay them before it
 * saves anything new. Checked on as much as the campaign printed before it was killed.
 */
export function restartViolations(lines: readonly Line[], before: ReadonlySet<string>): string[] {
  if (!sawHeader(lines)) return [];
  const violations: string[] = [];
  const announced = lines.map((l) => REPLAYING.exec(l.text)?.[1]).find((n) => n !== undefined);
  const count = announced === undefined ? 0 : Number(announced);
  if (count !== before.size) violations.push(`announced ${count} replay(s) for ${before.size} finding(s) on disk`);
  const replayed = new Set<string>();
  for (const line of lines) {
    const id = REPLAYED.exec(line.text)?.[1];
    if (id !== undefined) {
      if (!before.has(id)) violations.push(`replayed ${id}, which was not on disk`);
      replayed.add(id);
      continue;
    }
    const saved = reportedFindings([line])[0];
    if (saved !== undefined && !before.has(saved) && replayed.size < before.size)
      violations.push(`saved new finding ${saved} after only ${replayed.size} of ${before.size} replays`);
  }
  return violations;
}
