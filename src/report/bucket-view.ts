/**
 * One finding bucket in the HTML report: its signature, the replay command, the specification's side
 * (allowed observations and the walks behind them) beside the machine's observation, the explanation and
 * the shrunk case as readable steps.
 */
import { type Bucket, isKnownDeviation } from '../findings/bucket.ts';
import type { Finding } from '../findings/finding.ts';
import { bucketCounts } from './bucket-counts.ts';
import { replayCommand } from './replay-command.ts';
import { escapeXml } from './xml-escape.ts';

const pre = (text: string) => `<pre>${escapeXml(text)}</pre>`;

function sides(f: Finding): string {
  const c = f.comparison;
  if (c.observedText === null && c.expectedText.length === 0) {
    return `<div class="sides"><div><h4>Specification</h4>${pre(f.divergence.explanation)}</div><div><h4>Machine ${escapeXml(f.machine.name)}</h4>${pre(`divergence of kind ${f.divergence.kind}`)}</div></div>`;
  }
  const step = c.step === null ? `${c.stepText ?? ''}\n\n` : `step ${c.step}: ${c.stepText ?? ''}\n\n`;
  const spec = c.step === null ? `${step}${c.expectedText.join('\n')}` : `${step}allows: ${c.expectedText.join('\n    or: ')}\n\n${c.walks.join('\n\n')}`;
  const machine = c.step === null ? `${step}${c.observedText ?? ''}` : `${step}returned: ${c.observedText ?? '(nothing)'}`;
  return (
    '<div class="sides">' +
    `<div class="spec-side"><h4>Specification</h4>${pre(spec)}</div>` +
    `<div class="machine-side"><h4>Machine ${escapeXml(f.machine.name)}</h4>${pre(machine)}</div>` +
    '</div>'
  );
}

function shrinkNote(f: Finding): string {
  const cut = f.shrink.cut === null ? 'shrunk fully' : `shrinking cut (${f.shrink.cut})`;
  return `${f.shrink.evaluations} evaluation(s), ${cut}`;
}

function memberList(dir: string, b: Bucket): string {
  const items = b.members.map((m) => `<li><code>${escapeXml(replayCommand(dir, m.id))}</code></li>`).join('');
  // A known deviation's bucket keeps one finding, its smallest case; its other sightings were only counted.
  const summary = isKnownDeviation(b.kind) ? 'The one finding kept of this known deviation' : `All ${b.members.length} finding(s) in this bucket`;
  return `<details><summary>${summary}</summary><ul>${items}</ul></details>`;
}

export function renderBucket(dir: string, b: Bucket, representative: Finding | null): string {
  const head =
    `<h3>${escapeXml(b.signature)}</h3>` +
    `<p class="meta">${escapeXml(b.property)} · ${escapeXml(b.kind)} · ${bucketCounts(b)}</p>` +
    `<code class="replay">${escapeXml(replayCommand(dir, b.representative))}</code>`;
  if (representative === null) {
    return `<section class="bucket" data-signature="${escapeXml(b.signature)}">${head}<p class="note">The finding file ${escapeXml(b.representative)}.json is missing from this folder.</p>${memberList(dir, b)}</section>`;
  }
  const f = representative;
  const origin = f.origin.kind === 'replayed' ? `replayed from ${f.origin.of}; ` : '';
  const run = `${origin}campaign seed ${f.run.campaignSeed}, run ${f.run.index}, fast-check seed ${f.run.seed}, path "${f.run.path}"; ${shrinkNote(f)}`;
  return (
    `<section class="bucket" data-signature="${escapeXml(b.signature)}">${head}` +
    `<p class="meta">${escapeXml(run)}</p>` +
    sides(f) +
    `<h4>Explanation</h4>${pre(f.divergence.explanation)}` +
    `<details open class="shrunk"><summary>Shrunk case</summary>${pre(f.readable)}</details>` +
    memberList(dir, b) +
    '</section>'
  );
}
