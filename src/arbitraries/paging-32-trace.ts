/**
 * 32-bit paging traces (SDM 4.3: CR0.PG = 1, CR4.PAE = 0): 4 KiB pages below 4 GiB and 4 MiB pages
 * anywhere below 2^min(MAXPHYADDR, 40) through PSE-36, one to three page directories, address streams
 * that reach the upper 2 MiB half of 4 MiB pages, and edits with and without the invalidation the
 * architecture requires: remaps, rights, global, P, a page table swapped for a 4 MiB page and back,
 * reserved bits of a 4 MiB PDE (bit 21, PSE-36 bits beyond MAXPHYADDR), INVLPG of another page of the
 * same 4 MiB region, CR4.PSE toggled (a PS = 1 PDE then references a page table, and the TLB is
 * flushed), CR4.PAE set while paging (PDPTE load from CR3, usually #GP).
 *
 * What it is built to catch: a 4 MiB offset cut to 2 MiB, PSE-36 bits dropped or misplaced, reserved
 * bits unchecked, PS honoured without PSE, a 4 MiB INVLPG that leaves the other 2 MiB half, I/D reported
 * without PAE, 8-byte entries read where 4-byte ones are.
 *
 * Generated traces: words sorted, unique, non-zero, below 2^maxPhyAddr; page directories and tables in
 * the low page-table pool (below 4 GiB); CR4.PAE = 0 in every CR4 value but the try-pae probe's.
 */
import type fc from 'fast-check';
import type { Trace } from '../machine/trace.ts';
import { mergeWeights, requireIntegerIn, requireOrdered } from './_internals/constraints.ts';
import { DEFAULT_FRAME_WEIGHTS } from './_internals/frame-spec.ts';
import { encodeScenario32 } from './_internals/paging32-encoder.ts';
import {
  ACTION_KINDS_32,
  EDIT_KINDS_32,
  INVALIDATIONS_32,
  type Scenario32,
  scenario32Arbitrary,
  type Scenario32Recipe,
} from './_internals/paging32-scenario.ts';
import { MAXPHYADDR_RANGE } from './_internals/paging32-tables.ts';
import { encodedTraceArbitrary } from './_internals/smaller-shrinks.ts';
import { resolveAddressStreamConstraints } from './address-stream.ts';
import type { TraceConstraints } from './trace-constraints.ts';

export type Paging32TraceConstraints = Omit<TraceConstraints, 'nxe'> & {
  /** EFER.NXE: no effect on 32-bit translation, but a fetch fault must still not report I/D. Default 'either'. */
  readonly nxe?: TraceConstraints['nxe'];
  /** CR4.PSE at the start: 'on' (4 MiB pages honoured), 'off', or 'either'. Default 'either'. */
  readonly pse?: 'on' | 'off' | 'either';
};

const BUILDER = 'paging32TraceArbitrary';

const zeros = <K extends string>(keys: readonly K[]): Record<K, number> => Object.fromEntries(keys.map((k) => [k, 0])) as Record<K, number>;

function initial(field: string, choice: 'on' | 'off' | 'either' | undefined, fallback: readonly [number, number]): readonly [number, number] {
  switch (choice ?? 'either') {
    case 'either':
      return fallback;
    case 'on':
      return [0, 1];
    case 'off':
      return [1, 0];
    default:
      throw new Error(`${BUILDER}: ${field} must be 'on', 'off' or 'either' (got ${JSON.stringify(choice)})`);
  }
}

/** The recipe of 32-bit scenarios from the public constraints. @internal */
export function paging32Recipe(c: Paging32TraceConstraints = {}, builder = BUILDER): { recipe: Scenario32Recipe; maxSteps: number } {
  const maxSteps = requireIntegerIn(builder, 'maxSteps', c.maxSteps ?? 24, 1, 4096);
  const maxMappings = requireIntegerIn(builder, 'maxMappings', c.maxMappings ?? 8, 1, 256);
  const maxRoots = requireIntegerIn(builder, 'maxRoots', c.maxRoots ?? 3, 1, 3);
  const min = requireIntegerIn(builder, 'maxPhyAddr.min', c.maxPhyAddr?.min ?? MAXPHYADDR_RANGE.min, MAXPHYADDR_RANGE.min, MAXPHYADDR_RANGE.max);
  const max = requireIntegerIn(builder, 'maxPhyAddr.max', c.maxPhyAddr?.max ?? MAXPHYADDR_RANGE.max, MAXPHYADDR_RANGE.min, MAXPHYADDR_RANGE.max);
  requireOrdered(builder, 'maxPhyAddr.min', min, 'maxPhyAddr.max', max);
  const frames = { ...DEFAULT_FRAME_WEIGHTS, 'above-4g': 3, top: 3, twin: 2 };
  const recipe: Scenario32Recipe = {
    mappings: {
      maxRoots,
      maxMappingsPerRoot: maxMappings,
      maxPhyAddr: { min, max },
      preferHighMaxPhyAddr: false,
      pageSizeWeights: { '4k': 2, '4m': 1 },
      frameWeights: frames,
      flagPercent: { writable: 75, user: 45, global: 25, accessed: 15, dirty: 10 },
    },
    accesses: resolveAddressStreamConstraints({ maxAccesses: maxSteps, opWeights: { load: 4, store: 3, fetch: 1 }, userPercent: 35 }, builder),
    maxActions: maxSteps,
    actionWeights: mergeWeights(builder, 'actions', zeros(ACTION_KINDS_32), {
      access: 10,
      invlpg: 1,
      'switch-root': 2,
      'toggle-wp': 1,
      'toggle-pge': 1,
      'toggle-pse': 1,
      'toggle-paging': 1,
      'try-pae': 1,
      'alias-check': 3,
      'global-check': 2,
      edit: 6,
    }),
    editWeights: {
      ...zeros(EDIT_KINDS_32),
      remap: 4,
      'flip-writable': 2,
      'flip-user': 1,
      'flip-global': 1,
      'clear-present': 2,
      'swap-size': 2,
      reserved: 2,
    },
    invalidationWeights: { ...zeros(INVALIDATIONS_32), invlpg: 4, 'mov-cr3': 2, 'invlpg-other-in-4m': 2, 'pse-cycle': 1, 'paging-cycle': 1, none: 2 },
    editFrameWeights: frames,
    pagingOnWeights: initial('initialPaging', c.initialPaging, [1, 3]),
    pseWeights: initial('pse', c.pse, [1, 4]),
    pgeWeights: [2, 1],
    wpWeights: [1, 1],
    nxeWeights: initial('nxe', c.nxe, [2, 1]),
  };
  return { recipe, maxSteps };
}

/** Scenarios of 32-bit traces, for builders that lay something over them (two-stage traces). @internal */
export function paging32ScenarioArbitrary(c: Paging32TraceConstraints = {}, builder = BUILDER): { scenarios: fc.Arbitrary<Scenario32>; maxSteps: number } {
  const { recipe, maxSteps } = paging32Recipe(c, builder);
  return { scenarios: scenario32Arbitrary(recipe), maxSteps };
}

export function paging32TraceArbitrary(constraints: Paging32TraceConstraints = {}): fc.Arbitrary<Trace> {
  const { scenarios, maxSteps } = paging32ScenarioArbitrary(constraints);
  return encodedTraceArbitrary(scenarios, (s) => encodeScenario32(s, { maxSteps }).trace);
}
