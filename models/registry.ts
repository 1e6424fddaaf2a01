/**
 * The built-in machines under test, by name: the reference machine and the deliberately broken ones.
 * `xlatcheck --machine NAME` and the suites resolve names here.
 */
import type { MachineUnderTest } from '../src/properties/family.ts';
import { brokenMachines } from './broken/index.ts';
import { referenceMachine } from './reference/index.ts';

export interface MachineEntry {
  readonly machine: MachineUnderTest;
  /** For deliberately broken machines: the property families meant to catch them. */
  readonly targets: readonly string[];
  readonly description: string;
}

export function builtinMachines(): MachineEntry[] {
  return [
    { machine: { name: 'reference', walk: referenceMachine, system: null }, targets: [], description: 'the reference PAE machine' },
    ...brokenMachines.map((b) => ({
      machine: { name: b.machine.name, walk: b.machine, system: null },
      targets: b.targets,
      description: `deliberately broken: ${b.machine.name.replace(/^broken:/, '')}`,
    })),
  ];
}

export function findMachine(name: string): MachineEntry | undefined {
  return builtinMachines().find((e) => e.machine.name === name);
}
