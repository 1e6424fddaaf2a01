/**
 * The walk-level families: translation, tlb-coherence, faults and big-memory. They share one oracle
 * (the machine's observations against the walk-level specification) and differ in what they generate.
 */
import { familyTraceArbitraries, type WalkFamilyName } from '../arbitraries/index.ts';
import type fc from 'fast-check';
import { checkTrace, type Divergence } from '../machine/check.ts';
import type { Adaptation, Machine } from '../machine/machine.ts';
import { formatTrace } from '../machine/format.ts';
import type { Trace } from '../machine/trace.ts';
import { validateTrace } from '../machine/trace-validation.ts';
import type { CoverageTag, Family, FamilyDivergence, MachineUnderTest } from './family.ts';

const DESCRIPTIONS: Record<WalkFamilyName, string> = {
  translation: 'every load, store and fetch equals the specification for random mappings and address streams',
  'tlb-coherence': 'edits with the required invalidation leave nothing stale; without it only allowed outcomes',
  faults: 'page-fault error codes and CR2 for not-present, protection and reserved-bit faults; #GP on bad PDPTEs',
  'big-memory': 'frames above 4 GiB up to the top of MAXPHYADDR are reached exactly',
};

export const WALK_FAMILY_NAMES: readonly WalkFamilyName[] = ['translation', 'tlb-coherence', 'faults', 'big-memory'];

/** The bucket signature: what kind of divergence and the first diverging observation, without addresses. */
export function signatureOf(d: Divergence): string {
  if (d.kind === 'observation' && d.step !== null && d.observed !== null) {
    const expected = d.allowed.map((o) => o.kind).join('|');
    const got = d.observed.kind === 'page-fault' ? `page-fault(${d.observed.errorCode})` : d.observed.kind;
    return `${d.step.op}: expected ${expected}, got ${got}`;
  }
  if (d.kind === 'final-memory') return `final-memory: ${d.memory.length > 0 ? 'words differ' : 'differs'}`;
  return d.kind;
}

export function toFamilyDivergence(d: Divergence): FamilyDivergence {
  return { kind: d.kind, explanation: d.explanation, signature: signatureOf(d), details: d };
}

/** Whether a machine runs a paging mode (machines that do not say run both). */
export function runsMode(machine: Machine, mode: 'pae' | '32-bit'): boolean {
  return machine.pagingModes === undefined || machine.pagingModes.includes(mode);
}

/** One coverage tag per kind of adaptation a machine made to run the trace (counted in reports). */
function adaptationTags(adaptation: Adaptation | undefined): CoverageTag[] {
  if (adaptation === undefined) return [];
  return Object.keys(adaptation.adaptations)
    .filter((kind) => (adaptation.adaptations[kind] ?? 0) > 0)
    .sort()
    .map((kind) => ({ adaptation: kind }));
}

/**
 * A divergence the machine documents as one of its known departures from the SDM is bucketed under its
 * own signature, so a campaign keeps it apart from new findings.
 */
function withKnownDeviation(machine: Machine, trace: Trace, d: Divergence): FamilyDivergence {
  const base = toFamilyDivergence(d);
  const known = machine.knownDeviation?.(trace, d) ?? null;
  if (known === null) return base;
  return {
    ...base,
    kind: 'known-deviation',
    signature: `known-deviation ${known.id}: ${base.signature}`,
    explanation: `known deviation ${known.id} (${known.rule}; departs: ${known.departs})\n${base.explanation}`,
  };
}

/**
 * A family whose cases are traces, judged by the walk-level specification. A machine that must adapt a
 * trace to run it (QEMU) is judged on the adapted trace, so the specification judges what actually ran;
 * adaptation is deterministic, so a finding's trace replays the same way.
 */
export function traceFamily(
  name: string,
  description: string,
  arbitrary: () => fc.Arbitrary<Trace>,
  applies: (m: MachineUnderTest) => boolean,
): Family<Trace> {
  return {
    name,
    level: 'walk',
    description,
    arbitrary,
    applies,
    async check(machine, trace) {
      const walk = machine.walk;
      if (walk === null) throw new Error(`machine ${machine.name} has no walk-level contract`);
      const adaptation = walk.adapt?.(trace);
      const ran = adaptation?.trace ?? trace;
      const { divergence, tags, inconclusive } = await checkTrace(walk, ran);
      return {
        divergence: divergence === null ? null : withKnownDeviation(walk, ran, divergence),
        tags: [...tags, ...adaptationTags(adaptation)],
        inconclusive,
      };
    },
    walkTrace: (machine, trace) => (machine.walk === null ? null : (machine.walk.adapt?.(trace).trace ?? trace)),
    format: (trace) => formatTrace(trace),
    toJson: (trace) => trace,
    fromJson: (json) => validateTrace(json),
  };
}

export function walkFamily(name: WalkFamilyName): Family<Trace> {
  return traceFamily(name, DESCRIPTIONS[name], () => familyTraceArbitraries[name](), (m) => m.walk !== null && runsMode(m.walk, 'pae'));
}

export const walkFamilies: readonly Family<Trace>[] = WALK_FAMILY_NAMES.map(walkFamily);
