import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { bucketFindings, mergeBuckets } from './bucket.ts';
import { ensureFolder } from './ensure-folder.ts';
import { type Finding, FINDING_FORMAT, FINDING_VERSION } from './finding.ts';
import { findingId } from './finding-id.ts';
import { canonicalJson, toPlainJson } from './plain-json.ts';
import { findingsAt, loadFinding, loadFindings, saveFinding } from './store.ts';
import { FindingFormatError } from './validate-finding.ts';

function finding(over: Partial<Finding> = {}): Finding {
  return {
    format: FINDING_FORMAT,
    version: FINDING_VERSION,
    property: 'translation',
    machine: { spec: 'broken:x', name: 'broken:x' },
    origin: { kind: 'generated' },
    run: { campaignSeed: 1, index: 3, seed: -7, path: '0:1' },
    shrink: { evaluations: 12, cut: null },
    bucket: 'translation: load: expected value, got page-fault(0x0)',
    divergence: { kind: 'observation', signature: 'load: expected value, got page-fault(0x0)', explanation: 'step 0 ...', details: {} },
    comparison: { step: 0, stepText: 'load', observed: null, observedText: null, expected: [], expectedText: [], walks: [] },
    case: { steps: [1, 2, 3] },
    readable: 'trace ...',
    ...over,
  };
}

const temp = () => mkdtempSync(join(tmpdir(), 'xlatcheck-findings-'));

describe('plain JSON and content hashes', () => {
  it('turns bigints into hex text and drops what JSON cannot hold', () => {
    expect(toPlainJson({ a: 0x1fn, b: undefined, c: [1n, () => 1], d: Number.NaN })).toEqual({ a: '0x1f', c: ['0x1', null], d: null });
  });

  it('names a finding by its content, whatever the key order', () => {
    const a = finding();
    const reversed = (v: unknown): unknown =>
      v !== null && typeof v === 'object' && !Array.isArray(v)
        ? Object.fromEntries(Object.entries(v).reverse().map(([k, x]) => [k, reversed(x)]))
        : v;
    const b = reversed(a) as Finding;
    expect(JSON.stringify(a)).not.toBe(JSON.stringify(b));
    expect(canonicalJson(a)).toBe(canonicalJson(b));
    expect(findingId(a)).toBe(findingId(b));
    expect(findingId(a)).toMatch(/^[0-9a-f]{16}$/);
    expect(findingId(finding({ run: { ...a.run, index: 4 } }))).not.toBe(findingId(a));
  });
});

describe('the findings store', () => {
  it('writes one file per finding named by its hash, leaving no temporary file', () => {
    const dir = join(temp(), 'findings');
    const stored = saveFinding(dir, finding());
    saveFinding(dir, finding());
    expect(readdirSync(dir)).toEqual([`${stored.id}.json`]);
    expect(loadFinding(stored.file).finding).toEqual(finding());
    expect(loadFindings(dir).map((f) => f.id)).toEqual([stored.id]);
  });

  it('reads a campaign folder, a findings folder or a file alike', () => {
    const campaign = temp();
    const stored = saveFinding(join(campaign, 'findings'), finding());
    for (const path of [campaign, join(campaign, 'findings'), stored.file]) expect(findingsAt(path).map((f) => f.id)).toEqual([stored.id]);
  });

  it('rejects a missing, corrupt or foreign file with one line naming it', () => {
    const dir = temp();
    const corrupt = join(dir, 'corrupt.json');
    writeFileSync(corrupt, '{"format": "xlatcheck-finding", ');
    const foreign = join(dir, 'foreign.json');
    writeFileSync(foreign, JSON.stringify({ ...finding(), run: { index: 'x' } }));
    const cases: [string, RegExp][] = [
      [join(dir, 'missing.json'), /no finding file at .*missing\.json/],
      [corrupt, /corrupt\.json is not valid JSON/],
      [foreign, /foreign\.json: run\.campaignSeed must be an integer/],
    ];
    for (const [file, message] of cases) {
      expect(() => loadFinding(file)).toThrow(FindingFormatError);
      expect(() => loadFinding(file)).toThrow(message);
    }
    expect(() => findingsAt(join(dir, 'nowhere'))).toThrow(/no finding file or folder/);
  });

  it('makes nested folders, and fails fast where no folder can be made', () => {
    const dir = join(temp(), 'a', 'b', 'c');
    ensureFolder(dir);
    ensureFolder(dir);
    expect(readdirSync(dir)).toEqual([]);
    expect(() => ensureFolder('/proc/xlatcheck/cannot')).toThrow();
  });
});

describe('buckets', () => {
  it('groups by signature and shows the smallest case, in any arrival order', () => {
    const dir = temp();
    const big = saveFinding(dir, finding({ case: { steps: [1, 2, 3, 4, 5, 6] } }));
    const small = saveFinding(dir, finding({ run: { campaignSeed: 1, index: 9, seed: 5, path: '' } }));
    const other = saveFinding(dir, finding({ bucket: 'faults: x', property: 'faults' }));
    const one = bucketFindings([big, small, other]);
    const two = bucketFindings([other, small, big]);
    expect(one).toEqual(two);
    expect(one.map((b) => [b.signature, b.members.length, b.representative])).toEqual([
      ['faults: x', 1, other.id],
      ['translation: load: expected value, got page-fault(0x0)', 2, small.id],
    ]);
    expect(mergeBuckets([bucketFindings([big]), bucketFindings([small, other])])).toEqual(one);
  });
});

describe('a saved finding file', () => {
  it('is indented JSON ending in a newline', () => {
    const stored = saveFinding(temp(), finding());
    const text = readFileSync(stored.file, 'utf8');
    expect(text.startsWith('{\n  "format": "xlatcheck-finding"')).toBe(true);
    expect(text.endsWith('}\n')).toBe(true);
  });
});
