/**
 * Builds a finding from a failing case while its divergence is still live (so the comparison can render
 * the specification's walks), then keeps only plain JSON.
 */
import type { AnyFamily, FamilyDivergence } from '../properties/family.ts';
import { comparisonOf } from './comparison.ts';
import {
  bucketOf,
  FINDING_FORMAT,
  FINDING_VERSION,
  type Finding,
  type FindingMachine,
  type FindingOrigin,
  type FindingRun,
  type ShrinkRecord,
} from './finding.ts';
import { toPlainJson } from './plain-json.ts';

export interface FailingCase {
  readonly family: AnyFamily;
  readonly machine: FindingMachine;
  readonly origin: FindingOrigin;
  readonly run: FindingRun;
  readonly shrink: ShrinkRecord;
  readonly divergence: FamilyDivergence;
  /** The case in the family's own type. */
  readonly case: unknown;
}

function readable(family: AnyFamily, c: unknown): string {
  try {
    return family.format(c);
  } catch (error) {
    return `(the ${family.name} family could not format this case: ${error instanceof Error ? error.message : String(error)})`;
  }
}

export function buildFinding(f: FailingCase): Finding {
  return {
    format: FINDING_FORMAT,
    version: FINDING_VERSION,
    property: f.family.name,
    machine: f.machine,
    origin: f.origin,
    run: f.run,
    shrink: f.shrink,
    bucket: bucketOf(f.family.name, f.divergence.signature),
    divergence: {
      kind: f.divergence.kind,
      signature: f.divergence.signature,
      explanation: f.divergence.explanation,
      details: toPlainJson(f.divergence.details),
    },
    comparison: comparisonOf(f.divergence),
    case: toPlainJson(f.family.toJson(f.case)),
    readable: readable(f.family, f.case),
  };
}
