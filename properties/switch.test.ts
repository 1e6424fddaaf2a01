/**
 * Switch (claims 5, 6, 15, 16): translation switches by turning paging on (with the callee's CR3) to enter
 * a paged space and off to return to space 0; module-to-module calls between paged spaces load CR3; and
 * the TLB state a switch or a kernel remap leaves behind serves no stale translation. Runs: the suite's
 * full count (about 2 ms a case).
 */
import { test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { defaultLayout } from '../src/arbitraries/space/index.ts';
import { fastCheckSeed, runConfigFromEnv } from '../src/config/run-config.ts';
import { ControlRecorder } from '../src/machine/system.ts';
import { checkAgreement, readableArbitrary } from '../src/properties/property.ts';
import { builtinMachine } from '../models/registry.ts';
import { referenceSpaceSystem as referenceSystem } from '../models/reference/system/index.ts';
import { switchFamily } from '../src/properties/space-families.ts';
import { expectedCallTransitions, observedTransitions, rootOf } from '../src/spec/space/switching.ts';

const referenceSpaceMachine = builtinMachine('reference');

const { seed, runs } = runConfigFromEnv();

describe('switch', () => {
  test.prop([readableArbitrary(switchFamily)], { seed: fastCheckSeed(seed), numRuns: runs })(
    'switch: paging on/off and CR3 switches as the claims say, with no stale translation left behind',
    (c) => checkAgreement(switchFamily, referenceSpaceMachine, c),
  );

  it('a name-cache stat from the application: paging on into space 2, CR3 to space 1 and back, paging off', () => {
    let recorder: ControlRecorder | null = null;
    const system = referenceSystem.boot({ layout: defaultLayout(), threads: 1, observe: (cpu) => (recorder = new ControlRecorder(cpu)) });
    const roots = new Map<number, number>();
    for (const k of [1, 2, 3]) {
      system.switchTo(k);
      roots.set(rootOf(system.cpu.cr3), k);
    }
    system.switchTo(0);
    system.run({ threads: [[{ op: 'nc.enter', space: 2, dir: 1, name: 'etc', ino: 9 }]], schedule: [] });
    const log = recorder!;
    log.clear();
    system.run({ threads: [[{ op: 'nc.stat', space: 2, dir: 1, name: 'etc' }]], schedule: [] });
    const observed = observedTransitions(log.log, { paging: false, cr3: system.cpu.cr3 }, roots);
    expect(observed.transitions).toEqual(expectedCallTransitions(2, [1]));
    expect(observed.transitions.map((t) => t.how)).toEqual(['paging-on', 'cr3', 'cr3', 'paging-off']);
  });

  it('replays a saved remap script', async () => {
    const c = switchFamily.fromJson({
      layout: defaultLayout(),
      ops: [
        { op: 'enter', space: 2 },
        { op: 'remap', page: 3, frame: 7 },
        { op: 'enter', space: 1 },
        { op: 'enter', space: 2 },
        { op: 'probe', target: { region: 'window', space: 2, slot: 3 * 262144 } },
      ],
    });
    expect((await switchFamily.check(referenceSpaceMachine, c)).divergence).toBeNull();
  });
});
