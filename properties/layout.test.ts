/**
 * Layout: every structural statement of the claims, from the page tables and probes of the reference
 * system: the common chunk at the bottom and identical in every space, stacks and mailbox in common memory,
 * the BIOS chunk at the top of every space, space 0 the identity with paging off, page tables in space 0,
 * the page sizes the layout asks for, module data in the module's own chunk, more than 4 GiB reached by
 * all spaces together while each stays within 4 GiB; and a kernel that rejects exactly the invalid
 * layouts, naming the rule. Runs: the suite's full count (about 5 ms a case).
 */
import { test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { applyLayoutDefect, defaultLayout, LAYOUT_DEFECTS, type LayoutDefect } from '../src/arbitraries/space/index.ts';
import { fastCheckSeed, runConfigFromEnv } from '../src/config/run-config.ts';
import { type LayoutRule, layoutRuleOf } from '../src/machine/system.ts';
import { checkAgreement, readableArbitrary } from '../src/properties/property.ts';
import { builtinMachine } from '../models/registry.ts';
import { referenceSpaceSystem as referenceSystem } from '../models/reference/system/index.ts';
import { layoutFamily } from '../src/properties/space-families.ts';
import { layoutViolations } from '../src/spec/space/layout-rules.ts';

const referenceSpaceMachine = builtinMachine('reference');

const { seed, runs } = runConfigFromEnv();

/** The rule each defect of the generator breaks (among possibly others). */
const RULE_OF_DEFECT: Record<LayoutDefect, LayoutRule> = {
  overlap: 'overlap',
  'shared-private': 'shared-private',
  'beyond-maxphyaddr': 'beyond-maxphyaddr',
  misaligned: 'alignment',
  'window-over-common': 'window',
  'window-over-bios': 'window',
  'page-tables-too-small': 'page-tables',
  'stacks-overflow-common': 'stacks',
  'too-few-spaces': 'space-count',
  'name-cache-alone': 'module',
  maxphyaddr: 'maxphyaddr',
  'tables-above-4g': 'below-4g',
  'too-many-threads': 'threads',
};

describe('layout', () => {
  test.prop([readableArbitrary(layoutFamily)], { seed: fastCheckSeed(seed), numRuns: runs })(
    'layout: the reference system builds the structure the claims describe and rejects invalid layouts',
    (c) => checkAgreement(layoutFamily, referenceSpaceMachine, c),
  );

  it('the default 4-space layout is valid and passes every structural check', async () => {
    expect(layoutViolations(defaultLayout(), 4)).toEqual([]);
    expect((await layoutFamily.check(referenceSpaceMachine, { layout: defaultLayout(), threads: 4, defect: null })).divergence).toBeNull();
  });

  it.each(LAYOUT_DEFECTS.map((d) => [d]))('a layout with defect %s is rejected with a clear message', (defect) => {
    const { layout, threads } = applyLayoutDefect(defaultLayout(), 4, defect, 1);
    const rules = layoutViolations(layout, threads).map((v) => v.rule);
    expect(rules).toContain(RULE_OF_DEFECT[defect]);
    let error: unknown = null;
    try {
      referenceSystem.boot({ layout, threads });
    } catch (e) {
      error = e;
    }
    expect(rules).toContain(layoutRuleOf(error));
    expect((error as Error).message).toMatch(/^invalid layout: [^\n]+$/);
  });
});
