/**
 * Which property families a campaign runs: the ones named (default all) that apply to the machine. A
 * family left out because it does not apply is reported; one the user named that does not apply is a
 * usage error, since running without it would pass silently.
 */
import { UsageError } from '../config/run-config.ts';
import type { AnyFamily, MachineUnderTest } from '../properties/family.ts';
import { allFamilies } from '../properties/registry.ts';

export interface FamilySelection {
  readonly families: readonly AnyFamily[];
  readonly skipped: readonly { readonly property: string; readonly reason: string }[];
}

function reason(family: AnyFamily, machine: MachineUnderTest): string {
  return `does not apply to machine ${machine.name} (it needs the ${family.level}-level contract)`;
}

export function parsePropertyList(text: string): string[] {
  const names = text.split(',').map((s) => s.trim()).filter((s) => s !== '');
  if (names.length === 0) throw new UsageError('properties must name at least one family (see "xlatcheck list properties")');
  return [...new Set(names)];
}

export function selectFamilies(machine: MachineUnderTest, names: readonly string[] | null, known: readonly AnyFamily[] = allFamilies): FamilySelection {
  if (names === null) {
    const families = known.filter((f) => f.applies(machine));
    const skipped = known.filter((f) => !f.applies(machine)).map((f) => ({ property: f.name, reason: reason(f, machine) }));
    if (families.length === 0) throw new UsageError(`no property family applies to machine ${machine.name}`);
    return { families, skipped };
  }
  for (const name of names) {
    const family = known.find((f) => f.name === name);
    if (family === undefined) throw new UsageError(`unknown property family ${JSON.stringify(name)} (known: ${known.map((f) => f.name).join(', ')})`);
    if (!family.applies(machine)) throw new UsageError(`property family ${name} ${reason(family, machine)}`);
  }
  // The list is a set: run i checks family i mod k in the registry's order, whatever order it was typed in,
  // so `--properties a,b` and `--properties b,a` are the same campaign (same findings, mergeable shards).
  return { families: known.filter((f) => names.includes(f.name)), skipped: [] };
}
