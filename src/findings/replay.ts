/**
 * Replay: runs a finding's stored case (not its seed) on a machine. The case is rebuilt with the family's
 * fromJson, so a finding replays whatever the generators have become.
 */
import type { AnyFamily, FamilyDivergence, MachineUnderTest } from '../properties/family.ts';
import { buildFinding } from './build-finding.ts';
import type { Finding, FindingMachine } from './finding.ts';
import type { StoredFinding } from './store.ts';
import { FindingFormatError } from './validate-finding.ts';

/** `inconclusive`: the specification could decide the case neither way (check.ts, MAX_STATES): not a fix. */
export type ReplayOutcome = 'reproduced' | 'not-reproduced' | 'inconclusive';

export interface ReplayResult {
  readonly outcome: ReplayOutcome;
  readonly divergence: FamilyDivergence | null;
  /** Whether the divergence falls in the finding's bucket (the same first diverging observation). */
  readonly sameSignature: boolean;
  /** The finding as this machine reproduces it, null when it does not. */
  readonly reproduction: Finding | null;
}

/** The case in the family's own type; a case the family rejects is a FindingFormatError naming the file. */
export function caseOf(stored: StoredFinding, family: AnyFamily): unknown {
  try {
    return family.fromJson(stored.finding.case);
  } catch (error) {
    throw new FindingFormatError(`${stored.file}: case: ${error instanceof Error ? error.message : String(error)}`);
  }
}

export async function replayFinding(
  stored: StoredFinding,
  family: AnyFamily,
  machine: MachineUnderTest,
  machineRecord: FindingMachine,
): Promise<ReplayResult> {
  const c = caseOf(stored, family);
  const { divergence, inconclusive } = await family.check(machine, c);
  if (divergence === null) return { outcome: inconclusive === true ? 'inconclusive' : 'not-reproduced', divergence, sameSignature: false, reproduction: null };
  const old = stored.finding;
  const reproduction = buildFinding({
    family,
    machine: machineRecord,
    // On the machine that found it, a reproduction is the same finding (same content, same file); on another
    // machine it is a new finding that names the one it came from.
    origin: machineRecord.spec === old.machine.spec ? old.origin : { kind: 'replayed', of: stored.id },
    run: old.run,
    shrink: old.shrink,
    divergence,
    case: c,
  });
  return { outcome: 'reproduced', divergence, sameSignature: divergence.signature === old.divergence.signature, reproduction };
}
