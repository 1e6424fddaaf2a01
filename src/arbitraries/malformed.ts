/**
 * Malformed paging-structure entries: a reserved bit at each level, or a not-present entry at each level.
 *
 *   level      defects                                                         effect (SDM)
 *   PDPTE      not present; bit 2..1, 8..5 or 63; address bit >= maxPhyAddr    #GP when loaded (4.4.1)
 *   PDE -> PT  not present; address bit >= maxPhyAddr; XD with NXE = 0          #PF, RSVD (4.7)
 *   PDE 2 MiB  not present; bit 20..13; address bit >= maxPhyAddr; XD, NXE = 0  #PF, RSVD
 *   PTE        not present; address bit >= maxPhyAddr; XD with NXE = 0          #PF, RSVD
 *
 * A not-present entry keeps all its other bits, so a walk that looks past P is caught. The builder gives
 * a descriptor; `applyDefect` writes it into a well-formed entry.
 */
import fc from 'fast-check';
import { DEFAULT_MAXPHYADDR, MAX_MAXPHYADDR, MIN_MAXPHYADDR } from '../arch/entry-layout.ts';
import { reject, requireIntegerIn } from './_internals/constraints.ts';
import {
  DEFECT_KINDS,
  type DefectKind,
  ENTRY_LEVELS,
  type EntryLevel,
  kindsAt,
  type MalformedEntry,
  malformedEntry,
} from './_internals/defects.ts';

export { applyDefect, DEFECT_KINDS, ENTRY_LEVELS } from './_internals/defects.ts';
export type { DefectEffect, DefectKind, EntryDefect, EntryLevel, MalformedEntry } from './_internals/defects.ts';

export interface MalformedEntryConstraints {
  /** MAXPHYADDR the entries are judged against, 36..52. Default 36. */
  readonly maxPhyAddr?: number;
  /** Levels to draw from, in shrink order. Default all four: pdpte, pde-table, pde-large, pte. */
  readonly levels?: readonly EntryLevel[];
  /** Defect kinds to draw from, in shrink order. Default all. Every level must allow one of them. */
  readonly kinds?: readonly DefectKind[];
}

const BUILDER = 'malformedEntryArbitrary';

/** A malformed-entry descriptor: which level, which defect, and what the architecture makes of it. */
export function malformedEntryArbitrary(constraints: MalformedEntryConstraints = {}): fc.Arbitrary<MalformedEntry> {
  const maxPhyAddr = requireIntegerIn(BUILDER, 'maxPhyAddr', constraints.maxPhyAddr ?? DEFAULT_MAXPHYADDR, MIN_MAXPHYADDR, MAX_MAXPHYADDR);
  const levels = constraints.levels ?? ENTRY_LEVELS;
  const kinds = constraints.kinds ?? DEFECT_KINDS;
  if (levels.length === 0) reject(BUILDER, 'levels must not be empty');
  if (kinds.length === 0) reject(BUILDER, 'kinds must not be empty');
  for (const l of levels) if (!ENTRY_LEVELS.includes(l)) reject(BUILDER, `unknown level "${String(l)}"`);
  for (const k of kinds) if (!DEFECT_KINDS.includes(k)) reject(BUILDER, `unknown defect kind "${String(k)}"`);
  for (const l of levels)
    if (!kindsAt(l).some((k) => kinds.includes(k)))
      reject(BUILDER, `no defect in kinds [${kinds.join(', ')}] is possible at level ${l} (it allows ${kindsAt(l).join(', ')})`);
  return fc.constantFrom(...levels).chain((level) => {
    const possible = kinds.filter((k) => kindsAt(level).includes(k));
    return fc
      .record({ kind: fc.constantFrom(...possible), slot: fc.nat(63) })
      .map((spec) => malformedEntry(level, spec, maxPhyAddr));
  });
}
