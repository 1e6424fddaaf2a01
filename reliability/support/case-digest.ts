/**
 * What a campaign would generate, condensed: for each family, a hash of the canonical JSON of the cases of
 * runs 0..n-1 of a campaign seed, generated the way a campaign generates them (generatedCase: run i's seed
 * from the campaign seed, the family's arbitrary built once per thread). Two places that agree on every
 * digest generate the same cases.
 */
import { createHash } from 'node:crypto';
import { generatedCase } from '../../src/campaign/run-case.ts';
import { canonicalJson } from '../../src/findings/plain-json.ts';
import type { AnyFamily } from '../../src/properties/family.ts';
import { findFamily } from '../../src/properties/registry.ts';

export function caseDigest(family: AnyFamily, campaignSeed: number, runs: number): string {
  const hash = createHash('sha256');
  for (let i = 0; i < runs; i++) hash.update(canonicalJson(family.toJson(generatedCase(family, campaignSeed, i)))).update('\n');
  return hash.digest('hex').slice(0, 16);
}

/** Digests of the named families, generated in the order given. */
export function caseDigests(names: readonly string[], campaignSeed: number, runs: number): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of names) {
    const family = findFamily(name);
    if (family === undefined) throw new Error(`no family ${name}`);
    out[name] = caseDigest(family, campaignSeed, runs);
  }
  return out;
}
