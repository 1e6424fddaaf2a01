/**
 * report.html: one self-contained file (inline CSS and SVG, no script, no network) with the summary, each
 * finding bucket, replays, per-property counts, throughput over time and the domain coverage matrices.
 */
import type { Finding } from '../findings/finding.ts';
import { knownSightings } from './bucket-counts.ts';
import { renderBucket } from './bucket-view.ts';
import { type CampaignReport, findingCount } from './campaign-report.ts';
import { renderCoverageTable } from './coverage-table.ts';
import { HTML_STYLE } from './html-style.ts';
import { renderThroughputChart } from './throughput-chart.ts';
import { escapeXml } from './xml-escape.ts';

/** Looks up a finding by id; null when its file is not there. */
export type FindingLookup = (id: string) => Finding | null;

function seconds(ms: number): string {
  return ms >= 120_000 ? `${(ms / 60_000).toFixed(1)} min` : `${(ms / 1000).toFixed(1)} s`;
}

function field(name: string, label: string, value: string): string {
  return `<div><dt>${escapeXml(label)}</dt><dd data-field="${name}">${escapeXml(value)}</dd></div>`;
}

function summary(r: CampaignReport): string {
  const c = r.configuration;
  const findings = findingCount(r.buckets);
  const verdict =
    findings === 0
      ? '<p class="verdict pass">No findings: the machine agreed with the specification on every case.</p>'
      : `<p class="verdict fail">${findings} finding(s) in ${r.buckets.length} bucket(s).</p>`;
  const reproduced = r.replayed.filter((x) => x.status === 'reproduced').length;
  const known = knownSightings(r.buckets);
  const fields = [
    field('machine', 'machine', c.machine.spec === c.machine.name ? c.machine.name : `${c.machine.name} (${c.machine.spec})`),
    field('seed', 'campaign seed', String(c.seed)),
    field('cases', 'cases', String(r.outcome.cases)),
    // Decided neither way: the specification's state bound was reached, then a mismatch (never a finding).
    field('inconclusive', 'inconclusive cases', String(r.outcome.inconclusiveCases)),
    field('cases-per-second', 'cases per second', r.timing.casesPerSecond.toFixed(1)),
    field('findings', 'findings', String(findings)),
    field('buckets', 'buckets', String(r.buckets.length)),
    ...(known === null ? [] : [field('known-sightings', 'known-deviation sightings', String(known))]),
    field('elapsed', 'elapsed', seconds(r.timing.elapsedMs)),
    field('stop', 'stopped because', r.outcome.stopReason),
    field('budget', 'budget', [c.runs === null ? null : `${c.runs} runs`, c.durationMs === null ? null : seconds(c.durationMs)].filter((x) => x !== null).join(', ')),
    field('shards', 'shards', c.shards.map((s) => `${s.index}/${s.count}`).join(', ')),
    field('workers', 'workers', String(r.timing.workers)),
    field('replayed', 'replayed findings', `${r.replayed.length} (${reproduced} reproduced)`),
  ];
  return `<section id="summary"><h2>Summary</h2>${verdict}<dl class="summary">${fields.join('')}</dl><p class="note">Started ${escapeXml(r.timing.startedAt)}, finished ${escapeXml(r.timing.finishedAt)}.</p></section>`;
}

function findingsSection(r: CampaignReport, dir: string, lookup: FindingLookup): string {
  const body = r.buckets.length === 0 ? '<p>No findings.</p>' : r.buckets.map((b) => renderBucket(dir, b, lookup(b.representative))).join('');
  return `<section id="findings"><h2>Finding buckets</h2>${body}</section>`;
}

function replayedSection(r: CampaignReport): string {
  if (r.replayed.length === 0) return '';
  const rows = r.replayed
    .map((x) => `<tr><td class="label">${escapeXml(x.id)}</td><td class="label">${x.source}</td><td class="label">${escapeXml(x.bucket)}</td><td class="label">${x.status}</td><td class="label">${escapeXml(x.note)}</td></tr>`)
    .join('');
  return `<section id="replayed"><h2>Replayed findings</h2><p class="note">Findings from fuzz/regressions and from the previous campaign in this folder run first, before new cases.</p><table><thead><tr><th class="label">finding</th><th class="label">from</th><th class="label">bucket</th><th class="label">result</th><th class="label">note</th></tr></thead><tbody>${rows}</tbody></table></section>`;
}

function propertiesSection(r: CampaignReport): string {
  const rows = r.properties.map((p) => {
    const buckets = r.buckets.filter((b) => b.property === p.name).length;
    return `<tr><td class="label">${escapeXml(p.name)}</td><td>${p.cases}</td><td>${p.failedCases}</td><td>${p.inconclusiveCases}</td><td>${buckets}</td></tr>`;
  });
  const skipped = r.configuration.skipped.map((s) => `<tr><td class="label">${escapeXml(s.property)}</td><td colspan="4" class="label">skipped: ${escapeXml(s.reason)}</td></tr>`);
  return `<section id="properties"><h2>Properties</h2><table><thead><tr><th class="label">family</th><th>cases</th><th>failed</th><th>inconclusive</th><th>buckets</th></tr></thead><tbody>${[...rows, ...skipped].join('')}</tbody></table><p class="note">Run i checks family i mod ${r.configuration.properties.length} of this list.</p></section>`;
}

function coverageSection(r: CampaignReport): string {
  const matrices = r.coverage.matrices.map((m) => `<h3>${escapeXml(m.title)}</h3>${renderCoverageTable(m)}`).join('');
  return (
    '<section id="coverage"><h2>Domain coverage</h2>' +
    '<p class="legend"><span class="never">0</span>never reached <span>n</span>steps that exercised the combination</p>' +
    '<p class="note">Counts are checked steps. The specification has no TLB: "fresh" is a TLB hit or miss that agrees with a fresh walk, "stale-allowed" an outcome only a stale translation explains.</p>' +
    matrices +
    '</section>'
  );
}

export function renderHtml(report: CampaignReport, dir: string, lookup: FindingLookup): string {
  const c = report.configuration;
  const title = `xlatcheck campaign: ${c.machine.name}, seed ${c.seed}`;
  return (
    '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">' +
    '<meta name="viewport" content="width=device-width, initial-scale=1">' +
    // No network: the policy forbids every fetch, so the file behaves the same offline.
    `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">` +
    `<title>${escapeXml(title)}</title><style>${HTML_STYLE}</style></head><body>` +
    `<header><h1>${escapeXml(title)}</h1><p>${escapeXml(c.properties.join(', '))}</p></header><main>` +
    summary(report) +
    findingsSection(report, dir, lookup) +
    replayedSection(report) +
    propertiesSection(report) +
    `<section id="throughput"><h2>Throughput over time</h2>${renderThroughputChart(report.timing.throughput)}</section>` +
    coverageSection(report) +
    '</main></body></html>\n'
  );
}
