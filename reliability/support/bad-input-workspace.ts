/**
 * The files the bad-input table feeds to xlatcheck, made from two real findings (reliability/fixtures/
 * findings) and two real campaign reports: each one damaged in one way, so the table shows which damage
 * is refused with which line. Every path is relative to the workspace folder, the commands' cwd.
 */
import { cpSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCampaign } from '../../src/campaign/run-campaign.ts';
import { temporaryFolder, testCampaign } from '../../src/campaign/test-options.ts';

const FIXTURES = join(import.meta.dirname, '..', 'fixtures');

type Json = Record<string, unknown>;

function template(name: 'walk' | 'space'): Json {
  return JSON.parse(readFileSync(join(FIXTURES, 'findings', `${name}-finding.json`), 'utf8')) as Json;
}

/** A copy of a template finding with one change made by `edit`. */
function edited(name: 'walk' | 'space', edit: (f: Json & { case: Json; run: Json; machine: Json }) => void): string {
  const f = template(name) as Json & { case: Json; run: Json; machine: Json };
  edit(f);
  return JSON.stringify(f, null, 2);
}

const walkText = () => JSON.stringify(template('walk'), null, 2);

/** Finding files, by name (written under findings/), each damaged in one way. */
const FINDINGS: Record<string, () => string | Buffer> = {
  'not-json': () => 'finding: yes\n',
  'cut-short': () => walkText().slice(0, 400),
  empty: () => '',
  'binary-garbage': () => Buffer.from([0xff, 0xfe, 0x00, 0x81, 0x7b]),
  array: () => '[]',
  'null': () => 'null',
  'foreign-format': () => edited('walk', (f) => (f.format = 'qemu-log')),
  'older-finding-version': () => edited('walk', (f) => (f.version = 0)),
  'newer-finding-version': () => edited('walk', (f) => (f.version = 2)),
  'no-property': () => edited('walk', (f) => delete (f as Json).property),
  'run-index-text': () => edited('walk', (f) => (f.run.index = 'three')),
  'bad-origin': () => edited('walk', (f) => (f.origin = { kind: 'dreamed' })),
  'no-case': () => edited('walk', (f) => delete (f as Json).case),
  'unknown-family': () => edited('walk', (f) => (f.property = 'paging-64')),
  'older-trace-version': () => edited('walk', (f) => (f.case.version = 0)),
  'foreign-trace-format': () => edited('walk', (f) => (f.case.format = 'bochs-trace')),
  'unknown-step': () => edited('walk', (f) => (f.case.steps = [{ op: 'jump', va: 0 }])),
  'unsorted-memory': () => edited('walk', (f) => (f.case.memory = [...(f.case.memory as unknown[])].reverse())),
  'maxphyaddr-60': () => edited('walk', (f) => (f.case.maxPhyAddr = 60)),
  'negative-cr3': () => edited('walk', (f) => ((f.case.registers as Json).cr3 = -4096)),
  'unknown-machine': () => edited('walk', (f) => (f.machine.spec = 'pentium-pro')),
  'missing-machine-module': () => edited('walk', (f) => (f.machine.spec = './gone/mmu.js')),
  'layout-not-an-object': () => edited('space', (f) => (f.case.layout = 'big')),
  'layout-unknown-page-size': () =>
    edited('space', (f) => (((f.case.layout as Json).spaces as Json[])[0] as Json).pages = '3M'),
  'layout-shared-chunk': () =>
    edited('space', (f) => {
      const spaces = (f.case.layout as Json).spaces as Json[];
      (spaces[1] as Json).chunk = (spaces[0] as Json).chunk;
    }),
  'layout-chunk-below-4g': () =>
    edited('space', (f) => {
      const spaces = (f.case.layout as Json).spaces as Json[];
      (spaces[0] as Json).chunk = { base: 0x4000_0000, size: 0x20_0000 };
    }),
};

/** report.json files, by folder name (under reports/), each damaged in one way. */
function reportVariants(good: string): Record<string, string> {
  const report = JSON.parse(good) as Json;
  const without = (key: string) => JSON.stringify({ ...report, [key]: undefined });
  return {
    'no-report': '',
    'report-cut-short': good.slice(0, 300),
    'report-foreign-format': JSON.stringify({ ...report, format: 'junit' }),
    'report-older-version': JSON.stringify({ ...report, version: 0 }),
    'report-without-buckets': without('buckets'),
    'report-is-array': '[1, 2]',
  };
}

/** Builds the workspace and returns its folder. */
export async function badInputWorkspace(): Promise<string> {
  const ws = temporaryFolder('xlatcheck-bad-input-');
  mkdirSync(join(ws, 'findings'));
  for (const [name, text] of Object.entries(FINDINGS)) writeFileSync(join(ws, 'findings', `${name}.json`), text());
  mkdirSync(join(ws, 'findings', 'a-folder.json'));
  cpSync(join(FIXTURES, 'bad-modules'), join(ws, 'bad-modules'), { recursive: true });
  cpSync(join(FIXTURES, 'findings', 'walk-finding.json'), join(ws, 'walk-finding.json'));
  writeFileSync(join(ws, 'a-file'), 'not a folder\n');
  mkdirSync(join(ws, 'empty'));

  // Two real (tiny) campaigns: their reports are the templates, and two different seeds cannot merge.
  const seedA = await runCampaign(testCampaign({ seed: 1, runs: 1, properties: ['translation'], out: join(ws, 'campaign-a') }));
  await runCampaign(testCampaign({ seed: 2, runs: 1, properties: ['translation'], out: join(ws, 'campaign-b') }));
  const good = readFileSync(join(seedA.out, 'report.json'), 'utf8');
  for (const [name, text] of Object.entries(reportVariants(good))) {
    mkdirSync(join(ws, 'reports', name), { recursive: true });
    if (text !== '') writeFileSync(join(ws, 'reports', name, 'report.json'), text);
  }

  // Folders a campaign reads before it starts: committed regressions and the previous findings of --out.
  const folder = (name: string, file: string, text: string) => {
    mkdirSync(join(ws, name, ...(name.startsWith('out-') ? ['findings'] : [])), { recursive: true });
    writeFileSync(join(ws, name, ...(name.startsWith('out-') ? ['findings'] : []), file), text);
  };
  folder('regressions-older-version', 'old.json', FINDINGS['older-finding-version']!() as string);
  folder('regressions-older-trace', 'old-trace.json', FINDINGS['older-trace-version']!() as string);
  folder('out-with-cut-finding', '574825c1ab1641e3.json', walkText().slice(0, 500));
  return ws;
}
