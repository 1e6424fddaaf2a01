/**
 * Integrity through common memory (claims 1, 2, 5, 7, 15, 17): model-based runs of call sequences from
 * several threads, with generated preemption points, return exactly the specification's results, and
 * each caller's context (its stack frame) changes only in its result slot. The command table is the call
 * kinds of src/machine/system.ts (CALL_OPS) with their abstract semantics in src/spec/space/modules.ts.
 * Runs: the suite's full count (a case boots a system and runs up to 24 calls: about 2 ms).
 */
import { test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { defaultLayout } from '../src/arbitraries/space/index.ts';
import { fastCheckSeed, runConfigFromEnv } from '../src/config/run-config.ts';
import { type Program, RESULT } from '../src/machine/system.ts';
import { checkAgreement, readableArbitrary } from '../src/properties/property.ts';
import { builtinMachine } from '../models/registry.ts';
import { referenceSpaceSystem as referenceSystem } from '../models/reference/system/index.ts';
import { integrityCaseFacts, integrityFamily } from '../src/properties/space-families.ts';
import { expectRun } from '../src/spec/space/integrity.ts';
import { scheduleCalls } from '../src/spec/space/schedule.ts';

const referenceSpaceMachine = builtinMachine('reference');

const { seed, runs } = runConfigFromEnv();

const program: Program = {
  threads: [
    [
      { op: 'bc.write', space: 0, block: 3, value: 77 },
      { op: 'ic.fetch', space: 1, ino: 3 },
      { op: 'nc.enter', space: 2, dir: 1, name: 'longname.txt', ino: 3 },
      { op: 'nc.stat', space: 2, dir: 1, name: 'longname.txt' },
    ],
    [
      { op: 'snap.write', space: 3, block: 1, value: 5 },
      { op: 'snap.take', space: 3 },
      { op: 'snap.write', space: 3, block: 1, value: 6 },
      { op: 'snap.read', space: 3, snapshot: 1, block: 1 },
      { op: 'snap.read', space: 3, snapshot: 0, block: 1 },
      { op: 'snap.read', space: 3, snapshot: 2, block: 1 },
    ],
  ],
  schedule: [0, 1, 1, 0, 1, 1, 0, 0, 1],
};

describe('integrity', () => {
  test.prop([readableArbitrary(integrityFamily)], { seed: fastCheckSeed(seed), numRuns: runs })(
    'integrity: calls through the gate return the specification results and touch only result slots',
    (c) => checkAgreement(integrityFamily, referenceSpaceMachine, c),
  );

  it('the specification: nested calls, snapshots and a pinned interleaving', () => {
    const expectation = expectRun(defaultLayout(), program);
    expect(expectation.results).toEqual([
      [RESULT.MISS, 77, RESULT.MISS, 77],
      [0, 1, 5, 5, 6, RESULT.NO_SNAPSHOT],
    ]);
    expect(scheduleCalls(program).order.map((c) => `${c.thread}.${c.index}`)).toEqual(['0.0', '0.1', '0.2', '1.0', '1.1', '1.2', '1.3', '1.4', '1.5', '0.3']);
  });

  it('the reference system on the default layout agrees, and the case facts count call kinds and preemptions', async () => {
    const c = { layout: defaultLayout(), program };
    expect((await integrityFamily.check(referenceSpaceMachine, c)).divergence).toBeNull();
    const report = referenceSystem.boot({ layout: c.layout, threads: 2 }).run(program);
    expect(report.preemptions.every((p) => !p.insideCall)).toBe(true);
    expect(integrityCaseFacts(c)).toEqual({
      callKinds: ['bc.write', 'ic.fetch', 'nc.enter', 'nc.stat', 'snap.take', 'snap.write', 'snap.read'],
      preemptionsOutsideCalls: 5,
      preemptionsInsideCalls: 0,
    });
    expect(integrityCaseFacts(c, report).preemptionsOutsideCalls).toBe(report.preemptions.length);
  });

  it('refuses a call that does not belong to its space with a one-line error', () => {
    const json = integrityFamily.toJson({ layout: defaultLayout(), program }) as { program: { threads: unknown[][] } };
    json.program.threads[0]![0] = { op: 'snap.take', space: 1 };
    expect(() => integrityFamily.fromJson(json)).toThrow(/^malformed case: program\.threads\[0\]\[0\]\.op snap\.take is not an operation of space 1's inode-cache$/);
  });
});
