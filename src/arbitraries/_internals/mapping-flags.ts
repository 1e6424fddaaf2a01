/**
 * The rights and status flags of a drawn mapping, for both paging modes (PAE: mappings.ts, 32-bit
 * paging: paging32-tables.ts; XD only where the mode's recipe gives it a percentage). Each flag shrinks
 * toward the readable counterexample: supervisor, read-write, non-global, no XD, A/D clear.
 *
 * No import of mappings.ts here: it imports this module.
 * @internal
 */
import fc from 'fast-check';
import { weightedBoolean } from './weighted.ts';

export type FlagName = 'writable' | 'user' | 'global' | 'executeDisable' | 'accessed' | 'dirty';

/** The order flags are drawn in (a record draws its keys in order, so this order is part of every seed's value). */
const DRAW_ORDER: readonly FlagName[] = ['user', 'writable', 'global', 'executeDisable', 'accessed', 'dirty'];

/** Flags set in `percent[flag]` percent of mappings, for the flags `percent` names. */
export function mappingFlagsArbitrary<F extends FlagName>(percent: Readonly<Record<F, number>>): fc.Arbitrary<Record<F, boolean>> {
  const model: Partial<Record<FlagName, fc.Arbitrary<boolean>>> = {};
  for (const flag of DRAW_ORDER) {
    const p = (percent as Partial<Record<FlagName, number>>)[flag];
    if (p === undefined) continue;
    // Writable is the common case: drawn as "read-only", so it shrinks toward read-write.
    model[flag] = flag === 'writable' ? weightedBoolean(p, 100 - p).map((readOnly) => !readOnly) : weightedBoolean(100 - p, p);
  }
  return fc.record<Record<F, boolean>>(model as { [K in F]: fc.Arbitrary<boolean> });
}
