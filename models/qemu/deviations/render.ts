/**
 * The generated sections of docs/qemu.md, rendered from the code so the README cannot drift from it: the
 * adaptation kinds (adaptation-counts.ts) and the known deviations (known-deviations.ts and their
 * examples, which the tests keep true). `npx tsx models/qemu/deviations/render.ts` rewrites both sections
 * between their markers, running each example on QEMU (when it is installed) to show what QEMU observed
 * beside what the specification allows.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { compare } from '../../../src/machine/check.ts';
import { formatTrace } from '../../../src/machine/format.ts';
import { ADAPTATION_KINDS } from '../adaptation-counts.ts';
import { qemuUnavailableReason } from '../availability.ts';
import { deviationExample, KNOWN_QEMU_DEVIATIONS, type KnownDeviation } from '../known-deviations.ts';
import { QemuMachine } from '../qemu-machine.ts';

export const DOC = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'docs', 'qemu.md');
export const SECTIONS = {
  adaptations: { start: '<!-- adaptation-kinds:start (rendered by models/qemu/deviations/render.ts) -->', end: '<!-- adaptation-kinds:end -->' },
  deviations: { start: '<!-- known-deviations:start (rendered by models/qemu/deviations/render.ts) -->', end: '<!-- known-deviations:end -->' },
} as const;

export function renderAdaptations(): string {
  const rows = Object.entries(ADAPTATION_KINDS).map(([kind, meaning]) => `| \`${kind}\` | ${meaning} |`);
  const { start, end } = SECTIONS.adaptations;
  return [start, '', '| kind | what changed |', '| --- | --- |', ...rows, '', end].join('\n');
}

const DEPARTS: Record<KnownDeviation['departs'], string> = {
  qemu: 'QEMU',
  specification: 'the specification (it is stricter than the SDM); kept as it is, reported',
  unclear: 'unclear: the SDM does not settle it; the specification keeps its reading',
};

/** The example as the README shows it: the trace, then (when given) QEMU's divergence from the specification. */
export function exampleBlock(k: KnownDeviation, observed: string | null): string {
  const lines = [formatTrace(deviationExample(k.id))];
  if (observed !== null) lines.push('', observed);
  return ['```', ...lines, '```'].join('\n');
}

export function renderSection(observed: (k: KnownDeviation) => string | null): string {
  const parts = KNOWN_QEMU_DEVIATIONS.map((k) =>
    [
      `### \`${k.id}\`: ${k.title}`,
      '',
      `- Rule: ${k.rule}.`,
      `- Departs from the SDM: ${DEPARTS[k.departs]}.`,
      `- QEMU: ${k.qemu}`,
      `- Shrunk trace (\`models/qemu/deviations/${k.id}.json\`):`,
      '',
      exampleBlock(k, observed(k)),
    ].join('\n'),
  );
  const { start, end } = SECTIONS.deviations;
  return [start, '', ...parts.flatMap((p) => [p, '']), end].join('\n');
}

async function observations(): Promise<Map<string, string>> {
  const seen = new Map<string, string>();
  if (qemuUnavailableReason() !== null) return seen;
  const qemu = new QemuMachine({ processes: 2 });
  const examples = KNOWN_QEMU_DEVIATIONS.map((k) => deviationExample(k.id));
  const outcomes = await qemu.runBatch(examples);
  KNOWN_QEMU_DEVIATIONS.forEach((k, i) => {
    const o = outcomes[i];
    if (o === undefined) return;
    if (o.error !== null) {
      if (k.crash?.test(o.error) === true) seen.set(k.id, `QEMU 7.2: ${o.error}`);
      return;
    }
    const { divergence } = compare(examples[i] as (typeof examples)[number], o.result);
    if (divergence !== null) seen.set(k.id, `QEMU 7.2 against the specification:\n${divergence.explanation}`);
  });
  return seen;
}

/** The document with a section replaced (between its markers, markers included). */
export function replaceSection(doc: string, section: { start: string; end: string }, text: string): string {
  const from = doc.indexOf(section.start);
  const to = doc.indexOf(section.end);
  if (from < 0 || to < from) throw new Error(`${DOC} has no ${section.start} ... ${section.end} markers`);
  return doc.slice(0, from) + text + doc.slice(to + section.end.length);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const seen = await observations();
  let doc = readFileSync(DOC, 'utf8');
  doc = replaceSection(doc, SECTIONS.adaptations, renderAdaptations());
  doc = replaceSection(doc, SECTIONS.deviations, renderSection((k) => seen.get(k.id) ?? null));
  writeFileSync(DOC, doc);
  console.log(`rewrote the generated sections of ${DOC}`);
}
