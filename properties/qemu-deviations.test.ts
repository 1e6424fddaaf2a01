/**
 * The known QEMU deviations stay true: each shrunk example still deviates on QEMU, recognised as that
 * deviation, and agrees with the specification on the reference machine (so it is QEMU that differs,
 * not the example that is wrong). Examples are adapted traces: QEMU runs them as they are.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DOC, renderAdaptations } from '../models/qemu/deviations/render.ts';
import { formatTrace } from '../src/machine/format.ts';
import { deviationExample, furtherExamples, KNOWN_QEMU_DEVIATIONS, knownDeviationOf, QemuMachine, qemuUnavailableReason } from '../models/qemu/index.ts';
import { referenceMachine } from '../models/reference/index.ts';
import { checkTrace, type Divergence } from '../src/machine/check.ts';

const unavailable = qemuUnavailableReason();
const skipped = unavailable === null ? '' : ` (skipped: ${unavailable})`;
const qemu = new QemuMachine({ processes: 2 });

describe.each(KNOWN_QEMU_DEVIATIONS.map((k) => [k.id, k] as const))('known QEMU deviation %s', (_id, known) => {
  const example = deviationExample(known.id);

  it('names its SDM rule and which side departs from it', () => {
    expect(known.rule).toMatch(/^SDM \d/);
    expect(['qemu', 'specification', 'unclear']).toContain(known.departs);
  });

  it('is in docs/qemu.md, with its rule and its shrunk trace', () => {
    const doc = readFileSync(DOC, 'utf8');
    expect(doc).toContain(`### \`${known.id}\`: ${known.title}`);
    expect(doc).toContain(known.rule);
    expect(doc).toContain(formatTrace(example));
  });

  it('has an example QEMU runs as it is (already adapted)', () => {
    expect(qemu.adapt(example).trace).toBe(example);
  });

  it('agrees with the specification on the reference machine', async () => {
    const { divergence } = await checkTrace(referenceMachine, example);
    expect(divergence?.explanation ?? null).toBeNull();
  });

  it.skipIf(unavailable !== null)(`still deviates on QEMU, and is recognised${skipped}`, async () => {
    const { divergence } = await checkTrace(qemu, example);
    expect(divergence).not.toBeNull();
    if (divergence === null) return;
    expect(knownDeviationOf(example, divergence)?.id).toBe(known.id);
  });

  // Other shapes of the same departure, found by campaigns: each agrees with the specification on the
  // reference machine, and deviates on QEMU in a way recognised as this deviation.
  it.skipIf(unavailable !== null)(`is recognised in its further examples too${skipped}`, async () => {
    for (const further of furtherExamples(known.id)) {
      expect(qemu.adapt(further).trace).toBe(further);
      expect((await checkTrace(referenceMachine, further)).divergence?.explanation ?? null).toBeNull();
      const { divergence } = await checkTrace(qemu, further);
      expect(divergence).not.toBeNull();
      if (divergence !== null) expect(knownDeviationOf(further, divergence)?.id).toBe(known.id);
    }
  });
});

describe('docs/qemu.md', () => {
  it('lists the adaptation kinds as the adapter counts them', () => {
    expect(readFileSync(DOC, 'utf8')).toContain(renderAdaptations());
  });
});

describe('QEMU aborts', () => {
  const example = deviationExample('qemu-tcg-abort-at-4gib-wrap');
  const machineError = (explanation: string): Divergence => ({ kind: 'machine-error', stepIndex: null, step: null, observed: null, allowed: [], walks: [], memory: [], explanation });

  it('bucket a machine error only when QEMU died of that assertion', () => {
    const aborted = "machine qemu threw: QEMU crashed: it was killed by SIGABRT while running this trace; QEMU said: qemu-system-i386: ../../target/i386/tcg/translate.c:547: gen_update_eip_cur: Assertion `s->pc_save != -1' failed.";
    expect(knownDeviationOf(example, machineError(aborted))?.id).toBe('qemu-tcg-abort-at-4gib-wrap');
    expect(knownDeviationOf(example, machineError('machine qemu threw: QEMU hung: no exit within 15000 ms while running this trace'))).toBeNull();
    expect(knownDeviationOf(example, machineError('machine qemu threw: QEMU crashed: it was killed by SIGSEGV while running this trace'))).toBeNull();
  });
});
