// A machine module for `xlatcheck fuzz --machine ./fuzz/examples/json-bridge-machine.js`.
//
// The contract (src/machine/machine.ts): the module's default export (or an export named `machine`) is an
// object with
//   name: a short name shown in reports and stored in findings, and
//   run(trace): executes one trace from a fresh power-on state and returns (or resolves to)
//     { observations: one per step, in order, memory: the final non-zero 8-byte words sorted by pa }.
// Traces and results are plain JSON: 64-bit values are hex strings such as "0x1f", physical addresses are
// numbers. An observation is { kind: 'value', value }, { kind: 'done' },
// { kind: 'page-fault', errorCode, cr2 } or { kind: 'general-protection' }.
//
// This example stands for an out-of-process machine (an emulator or an RTL simulator behind a pipe): it
// sends each trace as JSON text and parses the answer back. Here the "other side" is xlatcheck's own
// reference machine, so a campaign on this module finds exactly what it finds on `--machine reference`.
// Replace `answer` with a call to your MMU.
import { findMachine } from '../../models/registry.ts';

const reference = findMachine('reference')?.machine.walk;
if (!reference) throw new Error('the reference machine is not registered');

/** The other side of the bridge: JSON text in, JSON text out. */
async function answer(requestText) {
  const result = await reference.run(JSON.parse(requestText));
  return JSON.stringify(result);
}

export default {
  name: 'example:json-bridge',
  async run(trace) {
    return JSON.parse(await answer(JSON.stringify(trace)));
  },
};
