/**
 * Isolation (claims 1, 9, 13, 15): every space, walked exhaustively over its 4 GiB from its page tables,
 * reaches only the common chunk, the BIOS chunk and its own private chunk; each private chunk (and the page
 * tables) is reached from exactly one space; module code aiming at another module's chunk faults or lands
 * in its own space's memory. Runs: the suite's full count (a case costs a few milliseconds).
 */
import { test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { defaultLayout } from '../src/arbitraries/space/index.ts';
import { fastCheckSeed, runConfigFromEnv } from '../src/config/run-config.ts';
import { checkCase, readableArbitrary } from '../src/properties/property.ts';
import { builtinMachine } from '../models/registry.ts';
import { referenceSpaceSystem as referenceSystem } from '../models/reference/system/index.ts';
import { isolationFamily } from '../src/properties/space-families.ts';
import { isolationViolations, reachersOf, type SpaceReach } from '../src/spec/space/isolation.ts';
import { namedChunks } from '../src/spec/space/chunks.ts';
import { IDENTITY_REACH, walkSpace } from '../src/spec/space/reach.ts';

const referenceSpaceMachine = builtinMachine('reference');

const { seed, runs } = runConfigFromEnv();

describe('isolation', () => {
  test.prop([readableArbitrary(isolationFamily)], { seed: fastCheckSeed(seed), numRuns: runs })(
    'isolation: the reference system isolates every space (exhaustive walk and probes)',
    (c) => checkCase(isolationFamily, referenceSpaceMachine, c),
  );

  it('the default 4-space layout: each private chunk and the page tables are reached from their owner only', () => {
    const layout = defaultLayout();
    const system = referenceSystem.boot({ layout, threads: 4 });
    const reaches: SpaceReach[] = [{ space: 0, paging: false, runs: IDENTITY_REACH }];
    for (let k = 1; k < 4; k++) {
      system.switchTo(k);
      reaches.push({ space: k, paging: true, runs: walkSpace((pa) => system.cpu.readPhys32(pa), system.cpu.cr3, layout.maxPhyAddr).runs });
    }
    expect(isolationViolations(layout, reaches)).toEqual([]);
    for (const chunk of namedChunks(layout)) {
      const reachers = reachersOf(chunk, reaches).map((r) => r.space);
      expect(reachers, chunk.name).toEqual(chunk.owner === 'all' ? [0, 1, 2, 3] : [chunk.owner]);
    }
  });

  it('replays a saved case from JSON and refuses a malformed one with a one-line error', async () => {
    const saved = JSON.parse(JSON.stringify(isolationFamily.toJson({ layout: defaultLayout(), probes: [{ region: 'window', space: 2, slot: 5 }] })));
    const verdict = await isolationFamily.check(referenceSpaceMachine, isolationFamily.fromJson(saved));
    expect(verdict.divergence).toBeNull();
    expect(() => isolationFamily.fromJson({ ...saved, probes: [{ region: 'nowhere', space: 0, slot: 0 }] })).toThrow(/^malformed case: probes\[0\]\.region must be one of/);
    expect(() => isolationFamily.fromJson({ layout: { ...saved.layout, spaces: [] }, probes: [] })).toThrow(/layout is invalid: space-count/);
  });
});
