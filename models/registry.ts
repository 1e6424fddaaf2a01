/**
 * The built-in machines under test, by name: the reference machine (walk level and multi-space system),
 * the variants after the related patents, the deliberately broken machines and systems, and QEMU's MMU.
 * `xlatcheck --machine NAME` and the suites resolve names here.
 */
import type { MachineUnderTest } from '../src/properties/family.ts';
import { brokenMachines } from './broken/index.ts';
import { brokenSpaceSystems } from './broken-system/index.ts';
import { qemuMachine, qemuUnavailableReason } from './qemu/index.ts';
import { referenceMachine } from './reference/index.ts';
import { referenceSpaceSystem } from './reference/system/index.ts';
import { variants } from './variants/index.ts';

export interface MachineEntry {
  readonly machine: MachineUnderTest;
  /** For deliberately broken machines: the property families meant to catch them. */
  readonly targets: readonly string[];
  readonly description: string;
  /** Null when the machine can run here; otherwise why not, with how to fix it (one line). */
  readonly unavailable: string | null;
}

export function builtinMachines(): MachineEntry[] {
  return [
    {
      machine: { name: 'reference', walk: referenceMachine, system: referenceSpaceSystem },
      targets: [],
      description: 'the reference PAE machine and the multi-space system on it',
      unavailable: null,
    },
    ...variants.map((v) => ({
      machine: { name: v.machine.name, walk: v.machine, system: null },
      targets: [],
      description: `variant after ${v.patent}: ${v.description}`,
      unavailable: null,
    })),
    ...brokenMachines.map((b) => ({
      machine: { name: b.machine.name, walk: b.machine, system: null },
      targets: b.targets,
      description: `deliberately broken: ${b.machine.name.replace(/^broken:/, '')}`,
      unavailable: null,
    })),
    ...brokenSpaceSystems.map((b) => ({
      machine: { name: b.name, walk: null, system: b.system },
      targets: b.targets,
      description: `deliberately broken system: ${b.description}`,
      unavailable: null,
    })),
    {
      machine: { name: 'qemu', walk: qemuMachine(), system: null },
      targets: [],
      description: "QEMU's x86 MMU (qemu-system-i386, software emulation) through a guest that runs trace steps; PAE traces, adapted to guest RAM",
      unavailable: qemuUnavailableReason(),
    },
  ];
}

export function findMachine(name: string): MachineEntry | undefined {
  return builtinMachines().find((e) => e.machine.name === name);
}

/** The entry of a built-in machine that must exist (for suites); throws naming it otherwise. */
export function builtinMachine(name: string): MachineUnderTest {
  const entry = findMachine(name);
  if (entry === undefined) throw new Error(`no built-in machine named ${name}`);
  return entry.machine;
}
