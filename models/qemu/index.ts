/**
 * QEMU's x86 MMU (software emulation, qemu-system-i386 7.2) as a machine under test. A small nasm guest
 * (guest/guest.asm) runs each trace's steps on the emulated processor and records what they observe;
 * the driver (qemu-machine.ts) writes batches of traces into a file-backed guest RAM, boots QEMU, and
 * reads the answers back. The adapter (adapt.ts) makes any PAE trace one QEMU can run; the known
 * deviations (known-deviations.ts) are QEMU's documented disagreements with the specification.
 *
 * Read: guest-abi.ts (the guest's memory and records), guest/guest.asm, adapt.ts (and the files it
 * names), qemu-machine.ts, known-deviations.ts. docs/qemu.md is the user's guide.
 */
import { QemuMachine } from './qemu-machine.ts';

export { ADAPTATION_KINDS, type AdaptationKind } from './adaptation-counts.ts';
export { adaptForQemu } from './adapt.ts';
export { QEMU_INSTALL_HINT, qemuUnavailableReason } from './availability.ts';
export { type Departure, deviationExample, furtherExamples, KNOWN_QEMU_DEVIATIONS, type KnownDeviation, knownDeviationOf } from './known-deviations.ts';
export { QemuMachine, QemuMachineError, type QemuMachineOptions } from './qemu-machine.ts';
export { unsupportedReason } from './supported-traces.ts';

let shared: QemuMachine | null = null;

/** The machine the registry names `qemu`: one per process, one QEMU per core. */
export function qemuMachine(): QemuMachine {
  shared ??= new QemuMachine();
  return shared;
}
