import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { temporaryFolder } from '../campaign/test-options.ts';
import { bucketFindings, memberOf } from '../findings/bucket.ts';
import { type Finding, FINDING_FORMAT, FINDING_VERSION } from '../findings/finding.ts';
import { saveFinding } from '../findings/store.ts';
import { CALL_OPS } from '../machine/system.ts';
import type { OutcomeTags } from '../spec/outcome.ts';
import { type CampaignReport, readReport, REPORT_FORMAT, REPORT_VERSION } from './campaign-report.ts';
import { allCells, countsOf, countTags, type CoverageCounts, domainCoverage, reachedCells } from './coverage.ts';
import { renderHtml } from './html.ts';
import { issueDrafts } from './issue-drafts.ts';
import { renderJunit } from './junit.ts';
import { mergeReports } from './merge.ts';
import { renderThroughputChart } from './throughput-chart.ts';
import { findingsLookup, mergeCampaignFolders, writeReports } from './write-reports.ts';

const tag = (over: Partial<OutcomeTags> = {}): OutcomeTags => ({ pageSize: '4K', tlb: 'fresh', fault: 'none', space: 'paged', access: 'load', ...over });

function finding(property: string, signature: string, index: number): Finding {
  return {
    format: FINDING_FORMAT,
    version: FINDING_VERSION,
    property,
    machine: { spec: 'broken:x', name: 'broken:x' },
    origin: { kind: 'generated' },
    run: { campaignSeed: 5, index, seed: index * 7, path: '0' },
    shrink: { evaluations: 3, cut: null },
    bucket: `${property}: ${signature}`,
    divergence: { kind: 'observation', signature, explanation: 'step 1: load <va>\n  machine returned: value 0x1', details: {} },
    comparison: { step: 1, stepText: 'load va=0x1000', observed: { kind: 'value', value: '0x1' }, observedText: 'value 0x1', expected: [], expectedText: ['value 0x2'], walks: ['  fresh walk of 0x00001000:\n    => translation'] },
    case: { index },
    readable: `trace ${index} <&>`,
  };
}

function report(dir: string, over: Partial<CampaignReport> = {}): CampaignReport {
  const stored = [finding('translation', 'load: expected value, got value', 1), finding('translation', 'load: expected value, got value', 2)].map((f) =>
    saveFinding(join(dir, 'findings'), f),
  );
  const counts: CoverageCounts = {};
  countTags([tag(), tag(), tag({ pageSize: '2M', access: 'store' })], counts);
  return {
    format: REPORT_FORMAT,
    version: REPORT_VERSION,
    configuration: {
      machine: { spec: 'broken:x', name: 'broken:x' },
      properties: ['translation', 'faults'],
      skipped: [{ property: 'integrity', reason: 'does not apply to machine broken:x (it needs the space-level contract)' }],
      seed: 5,
      runs: 10,
      durationMs: null,
      shards: [{ index: 1, count: 1 }],
      shrinkEvaluations: 100,
    },
    outcome: { stopReason: 'completed', cases: 10, failedCases: 2, inconclusiveCases: 1, findings: 2 },
    properties: [
      { name: 'translation', cases: 5, failedCases: 2, inconclusiveCases: 0 },
      { name: 'faults', cases: 5, failedCases: 0, inconclusiveCases: 1 },
    ],
    buckets: bucketFindings(stored),
    replayed: [],
    coverage: domainCoverage(counts),
    timing: {
      startedAt: '2026-01-01T00:00:00.000Z',
      finishedAt: '2026-01-01T00:00:02.000Z',
      elapsedMs: 2000,
      casesPerSecond: 5,
      workers: 2,
      throughput: [{ label: 'campaign', samples: [{ elapsedMs: 1000, cases: 4 }, { elapsedMs: 2000, cases: 10 }] }],
    },
    ...over,
  };
}

describe('domain coverage', () => {
  it('counts each step in its cell and lists every cell of the axes', () => {
    const counts: CoverageCounts = {};
    countTags([tag(), tag(), tag({ fault: 'protection' })], counts);
    countTags([{ call: 'ic.fetch', preemption: 'outside-call' } as unknown as OutcomeTags], counts);
    const coverage = domainCoverage(counts);
    const [walk, calls] = coverage.matrices;
    expect(walk?.counts).toEqual({ 'paged|4K|fresh|load|none': 2, 'paged|4K|fresh|load|protection': 1 });
    expect(reachedCells(walk!)).toEqual({ reached: 2, total: 2 * 4 * 3 * 4 * 5 });
    // Every call kind and preemption value is an axis value, so cells never reached stand out.
    expect(calls?.axes.map((a) => a.values)).toEqual([[...CALL_OPS], ['none', 'outside-call', 'inside-call']]);
    expect(countsOf(coverage)).toEqual(counts);
    expect(allCells([{ name: 'a', label: 'a', values: ['x', 'y'] }, { name: 'b', label: 'b', values: ['1'] }])).toEqual([['x', '1'], ['y', '1']]);
  });

  it('widens an axis with a value it does not know', () => {
    const counts: CoverageCounts = {};
    countTags([tag({ pageSize: '1G' as OutcomeTags['pageSize'] })], counts);
    expect(domainCoverage(counts).matrices[0]?.axes[1]?.values).toEqual(['4K', '2M', '4M', 'none', '1G']);
  });
});

describe('junit.xml', () => {
  it('has a test case per family, failing ones carrying the replay command', () => {
    const dir = temporaryFolder();
    const xml = renderJunit(report(dir), dir);
    expect(xml).toMatch(/^<\?xml version="1.0" encoding="UTF-8"\?>\n<testsuites name="xlatcheck" tests="3" failures="1" errors="0" skipped="1"/);
    expect(xml).toMatch(/<testcase name="translation" classname="xlatcheck.broken:x">\n {6}<failure message="2 findings in 1 bucket" type="divergence">/);
    expect(xml).toMatch(/replay: npx xlatcheck replay \S+findings\/[0-9a-f]{16}\.json/);
    expect(xml).toMatch(/<testcase name="faults" classname="xlatcheck.broken:x">\n {6}<system-out>5 cases, 1 inconclusive<\/system-out>/);
    expect(xml).toMatch(/<testcase name="translation" classname="xlatcheck.broken:x">\n(.|\n)*?<system-out>5 cases<\/system-out>/);
    expect(xml).toContain('<property name="inconclusive" value="1"/>');
    expect(xml).toContain('<skipped message="does not apply to machine broken:x (it needs the space-level contract)"/>');
  });
});

describe('merging shard reports', () => {
  it('adds the counts and unites the buckets', () => {
    const dir = temporaryFolder();
    const one = report(dir, { configuration: { ...report(dir).configuration, shards: [{ index: 1, count: 2 }] } });
    const two = report(dir, {
      configuration: { ...one.configuration, shards: [{ index: 2, count: 2 }] },
      buckets: [],
      outcome: { stopReason: 'budget', cases: 7, failedCases: 0, inconclusiveCases: 2, findings: 0 },
      properties: [
        { name: 'translation', cases: 4, failedCases: 0, inconclusiveCases: 2 },
        { name: 'faults', cases: 3, failedCases: 0, inconclusiveCases: 0 },
      ],
    });
    const merged = mergeReports([one, two]);
    expect(merged.outcome).toEqual({ stopReason: 'budget', cases: 17, failedCases: 2, inconclusiveCases: 3, findings: 2 });
    expect(merged.properties).toEqual([
      { name: 'translation', cases: 9, failedCases: 2, inconclusiveCases: 2 },
      { name: 'faults', cases: 8, failedCases: 0, inconclusiveCases: 1 },
    ]);
    expect(merged.buckets).toEqual(one.buckets);
    expect(merged.configuration.shards).toEqual([{ index: 1, count: 2 }, { index: 2, count: 2 }]);
    expect(merged.coverage.matrices[0]?.counts).toEqual({ 'paged|2M|fresh|store|none': 2, 'paged|4K|fresh|load|none': 4 });
    expect(merged.timing.throughput).toHaveLength(2);
    expect(() => mergeReports([one, one])).toThrow(/shard 1\/2 appears in more than one report/);
    expect(() => mergeReports([one, { ...two, configuration: { ...two.configuration, seed: 6 } }])).toThrow(/different campaigns \(seeds 5 and 6\)/);
  });
});

describe('report.html', () => {
  it('is one self-contained file with the summary, buckets, throughput and coverage', () => {
    const dir = temporaryFolder();
    const r = report(dir);
    writeReports(dir, r);
    const html = readFileSync(join(dir, 'report.html'), 'utf8');
    expect(html).toBe(renderHtml(r, dir, findingsLookup(dir)));
    expect(html).not.toMatch(/<script|<link|src=|url\(|@import/);
    expect(html).not.toMatch(/https?:\/\/(?!www\.w3\.org\/2000\/svg)/);
    for (const id of ['summary', 'findings', 'properties', 'throughput', 'coverage']) expect(html).toContain(`<section id="${id}">`);
    expect(html).toContain('<dd data-field="cases">10</dd>');
    expect(html).toContain('<dd data-field="inconclusive">1</dd>');
    expect(html).toContain('<th>inconclusive</th>');
    expect(html).toContain('translation: load: expected value, got value');
    expect(html).toMatch(/trace [12] &lt;&amp;&gt;/);
    expect(html).toContain('<td class="never"');
    expect(html).toContain('data-cell="paged|4K|fresh|load|none" title="space kind paged, page size 4K, TLB outcome fresh, access kind load, fault kind none">2</td>');
  });

  it('draws cases per second between samples', () => {
    const svg = renderThroughputChart([{ label: 'campaign', samples: [{ elapsedMs: 1000, cases: 10 }, { elapsedMs: 3000, cases: 50 }] }]);
    expect(svg).toMatch(/^<svg id="throughput-chart"/);
    expect(svg).toContain('<text x="50" y="28" text-anchor="end">20</text>');
    expect(renderThroughputChart([{ label: 'campaign', samples: [] }])).toContain('too short');
  });
});

describe('known deviations in reports', () => {
  const SIGNATURE = 'known-deviation test-ad: load: expected value, got value';

  /** A known deviation's finding whose case is `padding` characters longer than the plainest. */
  function known(dir: string, index: number, padding: number) {
    const f = finding('translation', SIGNATURE, index);
    const k: Finding = { ...f, divergence: { ...f.divergence, kind: 'known-deviation' }, case: { index, padding: 'x'.repeat(padding) } };
    return saveFinding(join(dir, 'findings'), k);
  }

  function knownReport(dir: string, shard: number, stored: ReturnType<typeof known>, sightings: number): CampaignReport {
    const base = report(temporaryFolder());
    return report(dir, {
      configuration: { ...base.configuration, shards: [{ index: shard, count: 2 }] },
      outcome: { stopReason: 'completed', cases: 5, failedCases: sightings, inconclusiveCases: 0, findings: 1 },
      buckets: bucketFindings([stored], new Map([[`translation: ${SIGNATURE}`, sightings]])),
    });
  }

  it("show a bucket's sightings beside its one finding in junit.xml, report.html and the issue drafts", () => {
    const dir = temporaryFolder();
    const r = knownReport(dir, 1, known(dir, 3, 10), 140);
    expect(r.buckets[0]).toMatchObject({ kind: 'known-deviation', sightings: 140 });
    expect(renderJunit(r, dir)).toContain(`translation: ${SIGNATURE} (1 finding, 140 sightings)`);
    const html = renderHtml(r, dir, findingsLookup(dir));
    expect(html).toContain('translation · known-deviation · 1 finding, 140 sightings</p>');
    expect(html).toContain('<dd data-field="known-sightings">140</dd>');
    expect(issueDrafts(r, dir, findingsLookup(dir), null)[0]?.body).toContain('1 finding, 140 sightings in this bucket');
    // An ordinary bucket's sightings are its findings, and it reads as before.
    const plain = report(temporaryFolder());
    expect(plain.buckets[0]?.sightings).toBe(2);
    expect(renderJunit(plain, dir)).toContain('(2 finding(s))');
  });

  it('merge to the best finding of all shards, with the sightings added up and only its file copied', () => {
    const [one, two] = [temporaryFolder(), temporaryFolder()];
    const larger = known(one, 1, 50);
    const smaller = known(two, 2, 5);
    writeReports(one, knownReport(one, 1, larger, 3));
    writeReports(two, knownReport(two, 2, smaller, 4));
    const out = join(temporaryFolder(), 'merged');
    const merged = mergeCampaignFolders([one, two], out);
    expect(merged.buckets).toEqual([{ signature: `translation: ${SIGNATURE}`, property: 'translation', kind: 'known-deviation', members: [memberOf(smaller)], representative: smaller.id, sightings: 7 }]);
    expect(merged.outcome.findings).toBe(1);
    expect(readdirSync(join(out, 'findings'))).toEqual([`${smaller.id}.json`]);
  });

  it('read a report written before sightings as one sighting per finding', () => {
    const dir = temporaryFolder();
    const r = report(dir);
    const old = { ...r, buckets: r.buckets.map(({ sightings: _s, ...rest }) => rest) };
    writeFileSync(join(dir, 'report.json'), JSON.stringify(old));
    expect(readReport(dir).buckets.map((b) => b.sightings)).toEqual([2]);
  });
});
