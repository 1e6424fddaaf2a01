/**
 * The walk-level families: translation, tlb-coherence, faults and big-memory. They share one oracle
 * (the machine's observations against the walk-level specification) and differ in what they generate.
 */
import { familyTraceArbitraries, type WalkFamilyName } from '../arbitraries/index.ts';
import { checkTrace, type Divergence } from '../machine/check.ts';
import { formatTrace } from '../machine/format.ts';
import type { Trace } from '../machine/trace.ts';
import { validateTrace } from '../machine/trace-validation.ts';
import type { Family, FamilyDivergence, MachineUnderTest } from './family.ts';

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

export function walkFamily(name: WalkFamilyName): Family<Trace> {
  return {
    name,
    level: 'walk',
    description: DESCRIPTIONS[name],
    arbitrary: () => familyTraceArbitraries[name](),
    applies: (m: MachineUnderTest) => m.walk !== null,
    async check(machine, trace) {
      if (machine.walk === null) throw new Error(`machine ${machine.name} has no walk-level contract`);
      const { divergence, tags, inconclusive } = await checkTrace(machine.walk, trace);
      return { divergence: divergence === null ? null : toFamilyDivergence(divergence), tags, inconclusive };
    },
    format: (trace) => formatTrace(trace),
    toJson: (trace) => trace,
    fromJson: (json) => validateTrace(json),
  };
}

export const walkFamilies: readonly Family<Trace>[] = WALK_FAMILY_NAMES.map(walkFamily);
