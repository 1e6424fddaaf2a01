/**
 * Validation of finding files read from disk (a campaign's findings/, fuzz/regressions, a file a user
 * passes to replay). A bad file is a user error: one line naming the first problem.
 */
import { FINDING_FORMAT, FINDING_VERSION, type Finding } from './finding.ts';

export class FindingFormatError extends Error {}

type Json = Record<string, unknown>;

const isRecord = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

function fail(message: string): never {
  throw new FindingFormatError(message);
}

function requireString(r: Json, key: string, where: string): void {
  if (typeof r[key] !== 'string') fail(`${where}${key} must be a string`);
}

function requireInteger(r: Json, key: string, where: string): void {
  if (!Number.isSafeInteger(r[key])) fail(`${where}${key} must be an integer`);
}

function requireRecord(r: Json, key: string, where = ''): Json {
  const v = r[key];
  if (!isRecord(v)) fail(`${where}${key} must be an object`);
  return v;
}

function checkOrigin(origin: Json): void {
  if (origin.kind === 'generated') return;
  if (origin.kind === 'replayed' && typeof origin.of === 'string') return;
  fail('origin must be {"kind":"generated"} or {"kind":"replayed","of":ID}');
}

function checkComparison(c: Json): void {
  for (const key of ['expected', 'expectedText', 'walks']) if (!Array.isArray(c[key])) fail(`comparison.${key} must be an array`);
}

/** Returns the value typed as a Finding, or throws FindingFormatError. The case is checked by its family. */
export function validateFinding(value: unknown): Finding {
  if (!isRecord(value)) fail('a finding must be a JSON object');
  if (value.format !== FINDING_FORMAT) fail(`format must be "${FINDING_FORMAT}"`);
  if (value.version !== FINDING_VERSION) fail(`finding version ${String(value.version)} is not supported (this xlatcheck reads version ${FINDING_VERSION})`);
  requireString(value, 'property', '');
  requireString(value, 'bucket', '');
  requireString(value, 'readable', '');
  const machine = requireRecord(value, 'machine');
  requireString(machine, 'spec', 'machine.');
  requireString(machine, 'name', 'machine.');
  checkOrigin(requireRecord(value, 'origin'));
  const run = requireRecord(value, 'run');
  for (const key of ['campaignSeed', 'index', 'seed']) requireInteger(run, key, 'run.');
  requireString(run, 'path', 'run.');
  const shrink = requireRecord(value, 'shrink');
  requireInteger(shrink, 'evaluations', 'shrink.');
  const divergence = requireRecord(value, 'divergence');
  for (const key of ['kind', 'signature', 'explanation']) requireString(divergence, key, 'divergence.');
  checkComparison(requireRecord(value, 'comparison'));
  if (!('case' in value)) fail('case is missing');
  return value as unknown as Finding;
}
