/**
 * junit.xml: one test case per property family, so CI dashboards show which families found something.
 * A failing family carries its buckets and the command that replays each one; a family that did not apply
 * to the machine is skipped with the reason.
 */
import type { Bucket } from '../findings/bucket.ts';
import { bucketCounts } from './bucket-counts.ts';
import type { CampaignReport } from './campaign-report.ts';
import { replayCommand } from './replay-command.ts';
import { escapeXml } from './xml-escape.ts';

function seconds(ms: number): string {
  return (ms / 1000).toFixed(3);
}

function failure(dir: string, buckets: readonly Bucket[]): string {
  const findings = buckets.reduce((n, b) => n + b.members.length, 0);
  const message = `${findings} finding${findings === 1 ? '' : 's'} in ${buckets.length} bucket${buckets.length === 1 ? '' : 's'}`;
  const text = buckets.map((b) => `${b.signature} (${bucketCounts(b)})\n  replay: ${replayCommand(dir, b.representative)}`).join('\n');
  return `      <failure message="${escapeXml(message)}" type="divergence">${escapeXml(text)}</failure>\n`;
}

export function renderJunit(report: CampaignReport, dir: string): string {
  const c = report.configuration;
  const classname = escapeXml(`xlatcheck.${c.machine.name}`);
  const cases = [
    ...report.properties.map((p) => {
      const buckets = report.buckets.filter((b) => b.property === p.name);
      const body = buckets.length > 0 ? failure(dir, buckets) : '';
      const inconclusive = p.inconclusiveCases > 0 ? `, ${p.inconclusiveCases} inconclusive` : '';
      return `    <testcase name="${escapeXml(p.name)}" classname="${classname}">\n${body}      <system-out>${p.cases} cases${inconclusive}</system-out>\n    </testcase>\n`;
    }),
    ...c.skipped.map((s) => `    <testcase name="${escapeXml(s.property)}" classname="${classname}">\n      <skipped message="${escapeXml(s.reason)}"/>\n    </testcase>\n`),
  ];
  // Buckets of families not in this campaign's list (a regression of another family that reproduced).
  const others = report.buckets.filter((b) => !report.properties.some((p) => p.name === b.property));
  for (const b of others) cases.push(`    <testcase name="${escapeXml(b.property)} (replayed)" classname="${classname}">\n${failure(dir, [b])}    </testcase>\n`);
  const failures = report.properties.filter((p) => report.buckets.some((b) => b.property === p.name)).length + others.length;
  const counts = `tests="${cases.length}" failures="${failures}" errors="0" skipped="${c.skipped.length}" time="${seconds(report.timing.elapsedMs)}"`;
  const name = escapeXml(`xlatcheck campaign on ${c.machine.name}, seed ${c.seed}`);
  const properties = [
    ['machine', c.machine.spec],
    ['seed', String(c.seed)],
    ['cases', String(report.outcome.cases)],
    ['inconclusive', String(report.outcome.inconclusiveCases)],
    ['stop', report.outcome.stopReason],
  ]
    .map(([k, v]) => `      <property name="${escapeXml(k ?? '')}" value="${escapeXml(v ?? '')}"/>\n`)
    .join('');
  return (
    `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="xlatcheck" ${counts}>\n` +
    `  <testsuite name="${name}" ${counts} timestamp="${escapeXml(report.timing.startedAt)}">\n    <properties>\n${properties}    </properties>\n` +
    cases.join('') +
    '  </testsuite>\n</testsuites>\n'
  );
}
