/**
 * A diagnostic of the shrinker, not a shrinker of the harness: how many steps of a shrunk walk-level
 * counterexample are really needed. Deletes one step at a time, keeping each deletion after which the
 * family still finds a divergence, until no single step can go. The kill matrix reports this beside the
 * size fast-check reached, so that a gap between the two points at generators that shrink poorly; the
 * targets are judged on fast-check's size, which is what a user of the harness gets.
 */
import type { Trace } from '../machine/trace.ts';
import type { AnyFamily, MachineUnderTest } from '../properties/family.ts';

function isTrace(c: unknown): c is Trace {
  return typeof c === 'object' && c !== null && (c as { format?: unknown }).format === 'xlatcheck-trace';
}

/** Most candidate checks, so that a long counterexample on a slow machine stays bounded. */
const MAX_CHECKS = 400;

/** The fewest steps single-step deletion reaches, or null when the case is not a trace. */
export async function stepsAfterDeletion(family: AnyFamily, machine: MachineUnderTest, c: unknown): Promise<number | null> {
  if (!isTrace(c)) return null;
  let steps = [...c.steps];
  let checks = 0;
  let progress = true;
  while (progress && checks < MAX_CHECKS) {
    progress = false;
    for (let i = steps.length - 1; i >= 0 && checks < MAX_CHECKS; i--) {
      const candidate = [...steps.slice(0, i), ...steps.slice(i + 1)];
      checks++;
      const verdict = await family.check(machine, { ...c, steps: candidate });
      if (verdict.divergence === null) continue;
      steps = candidate;
      progress = true;
    }
  }
  return steps.length;
}
