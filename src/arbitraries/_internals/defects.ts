/**
 * Defects that make a paging-structure entry malformed, and how they are written into an entry.
 * A defect is drawn as a kind plus a slot and resolved once the entry's level and maxPhyAddr are known,
 * so trace arbitraries need no chain. Reserved bits follow SDM Tables 4-8 to 4-11 through the constants
 * of src/arch/entry-layout.ts.
 * @internal
 */
import { BIT, HIGHEST_ADDRESS_BIT_LIMIT, LARGE_RESERVED_BITS, PDPTE_LOW_RESERVED_BITS } from '../../arch/entry-layout.ts';
import { bitMask } from './entry-values.ts';

/** The entry being made malformed: a PDPTE, a PDE pointing to a page table, a PDE mapping 2 MiB, a PTE. */
export type EntryLevel = 'pdpte' | 'pde-table' | 'pde-large' | 'pte';
export const ENTRY_LEVELS: readonly EntryLevel[] = ['pdpte', 'pde-table', 'pde-large', 'pte'];

export type DefectKind = 'not-present' | 'reserved-bit' | 'address-above-maxphyaddr' | 'xd-without-nxe';
export const DEFECT_KINDS: readonly DefectKind[] = ['not-present', 'reserved-bit', 'address-above-maxphyaddr', 'xd-without-nxe'];

export type EntryDefect =
  /** P cleared, every other bit kept: the walk must stop here and ignore the rest. */
  | { readonly kind: 'not-present' }
  /**
   * A reserved bit outside the address field: PDPTE bits 2..1, 8..5 or 63; 2 MiB PDE bits 20..13.
   */
  | { readonly kind: 'reserved-bit'; readonly bit: number }
  /** An address bit at or above maxPhyAddr (bits maxPhyAddr..62). */
  | { readonly kind: 'address-above-maxphyaddr'; readonly bit: number }
  /** XD (bit 63) in a PDE or PTE: reserved while EFER.NXE = 0, a plain execute-disable otherwise. */
  | { readonly kind: 'xd-without-nxe' };

/**
 * What the architecture makes of the defect (SDM 4.4.1, 4.7), for readers and statistics; the
 * specification, not this label, is the oracle.
 */
export type DefectEffect = 'general-protection-on-load' | 'page-fault-reserved' | 'page-fault-not-present';

export interface MalformedEntry {
  readonly level: EntryLevel;
  readonly defect: EntryDefect;
  readonly effect: DefectEffect;
}

/** A defect before resolution: the kind asked for and a slot that picks the bit. */
export interface DefectSpec {
  readonly kind: DefectKind;
  readonly slot: number;
}

const PDPTE_RESERVED_OUTSIDE_ADDRESS: readonly number[] = [...PDPTE_LOW_RESERVED_BITS, BIT.XD];

/** The defect kinds an entry of this level can carry. */
export function kindsAt(level: EntryLevel): readonly DefectKind[] {
  switch (level) {
    case 'pdpte':
      return ['not-present', 'reserved-bit', 'address-above-maxphyaddr'];
    case 'pde-large':
      return DEFECT_KINDS;
    case 'pde-table':
    case 'pte':
      return ['not-present', 'address-above-maxphyaddr', 'xd-without-nxe'];
  }
}

/**
 * The defect `spec` names at `level`. A kind the level cannot carry becomes an address bit above
 * maxPhyAddr, which every level can.
 */
export function resolveDefect(spec: DefectSpec, level: EntryLevel, maxPhyAddr: number): EntryDefect {
  const kind = kindsAt(level).includes(spec.kind) ? spec.kind : 'address-above-maxphyaddr';
  switch (kind) {
    case 'not-present':
      return { kind };
    case 'xd-without-nxe':
      return { kind };
    case 'reserved-bit': {
      const bits = level === 'pdpte' ? PDPTE_RESERVED_OUTSIDE_ADDRESS : LARGE_RESERVED_BITS;
      return { kind, bit: bits[spec.slot % bits.length] ?? BIT.XD };
    }
    case 'address-above-maxphyaddr':
      return { kind, bit: maxPhyAddr + (spec.slot % (HIGHEST_ADDRESS_BIT_LIMIT - maxPhyAddr + 1)) };
  }
}

export function defectEffect(level: EntryLevel, defect: EntryDefect): DefectEffect {
  if (defect.kind === 'not-present') return 'page-fault-not-present';
  return level === 'pdpte' ? 'general-protection-on-load' : 'page-fault-reserved';
}

export function malformedEntry(level: EntryLevel, spec: DefectSpec, maxPhyAddr: number): MalformedEntry {
  const defect = resolveDefect(spec, level, maxPhyAddr);
  return { level, defect, effect: defectEffect(level, defect) };
}

/** Writes the defect into a well-formed entry. */
export function applyDefect(entry: bigint, defect: EntryDefect): bigint {
  switch (defect.kind) {
    case 'not-present':
      return entry & ~bitMask(BIT.P);
    case 'reserved-bit':
    case 'address-above-maxphyaddr':
      return entry | bitMask(defect.bit);
    case 'xd-without-nxe':
      return entry | bitMask(BIT.XD);
  }
}
