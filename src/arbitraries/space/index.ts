/**
 * fast-check arbitraries for the space-level families: layouts (valid, and with one deliberate defect),
 * module calls and programs with preemption schedules, probe targets and switch scripts, and the four
 * families' cases built from them. Everything is generated abstractly and resolved against the layout, so
 * shrinking ends at three spaces, one thread, few calls and an all-zero schedule.
 */
import fc from 'fast-check';
import type { IntegrityCase, IsolationCase, LayoutCase, SwitchCase } from '../../spec/space/cases.ts';
import { applyLayoutDefect, layoutDefectArbitrary } from './invalid-layout.ts';
import { buildLayout, layoutShapeArbitrary } from './layout.ts';
import { probeTargetArbitrary } from './probes.ts';
import { programSpecArbitrary, resolveProgram } from './program.ts';
import { resolveSwitchOp, switchOpsArbitrary } from './switch-ops.ts';

export { NAMES, OPS_OF_MODULE, type CallSpec, callSpecArbitrary, resolveCall } from './calls.ts';
export { applyLayoutDefect, LAYOUT_DEFECTS, type LayoutDefect, layoutDefectArbitrary } from './invalid-layout.ts';
export { buildLayout, defaultLayout, type LayoutConstraints, layoutArbitrary, type LayoutShape, layoutShapeArbitrary } from './layout.ts';
export { probeTargetArbitrary } from './probes.ts';
export { type ProgramConstraints, type ProgramSpec, programSpecArbitrary, resolveProgram } from './program.ts';
export { resolveSwitchOp, type SwitchOpSpec, switchOpSpecArbitrary, switchOpsArbitrary } from './switch-ops.ts';

export function isolationCaseArbitrary(): fc.Arbitrary<IsolationCase> {
  return fc
    .record({ shape: layoutShapeArbitrary({ maxSpaces: 5, maxWindowUnits: 6, maxSpareUnits: 1 }), probes: fc.array(probeTargetArbitrary(), { maxLength: 6 }) })
    .map(({ shape, probes }) => ({ layout: buildLayout(shape), probes }));
}

export function integrityCaseArbitrary(): fc.Arbitrary<IntegrityCase> {
  return fc
    .record({ shape: layoutShapeArbitrary({ maxSpaces: 5, maxWindowUnits: 4 }), program: programSpecArbitrary() })
    .map(({ shape, program }) => {
      const layout = buildLayout(shape);
      return { layout, program: resolveProgram(layout, program) };
    });
}

export function layoutCaseArbitrary(): fc.Arbitrary<LayoutCase> {
  const defect = fc.option(layoutDefectArbitrary(), { freq: 2 });
  return fc
    .record({ shape: layoutShapeArbitrary({ maxSpaces: 5, maxWindowUnits: 6, maxSpareUnits: 1 }), threads: fc.integer({ min: 1, max: 4 }), defect })
    .map(({ shape, threads, defect }) => {
      const layout = buildLayout(shape);
      if (defect === null) return { layout, threads, defect: null };
      const broken = applyLayoutDefect(layout, threads, defect.defect, defect.which);
      return { ...broken, defect: defect.defect };
    });
}

export function switchCaseArbitrary(): fc.Arbitrary<SwitchCase> {
  const shape = layoutShapeArbitrary({ maxSpaces: 5, maxWindowUnits: 4, maxSpareUnits: 2, pages: ['2M', 'mixed', '4K'] });
  return fc.record({ shape, ops: switchOpsArbitrary() }).map(({ shape, ops }) => {
    const layout = buildLayout(shape);
    return { layout, ops: ops.map((op) => resolveSwitchOp(layout, op)) };
  });
}
