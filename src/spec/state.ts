/**
 * The walk-level specification's state: memory, control registers, PDPTE registers, and what it must
 * remember to know which stale translations the architecture still allows. States are immutable.
 */
import { CR0, CR4, EFER, PAE_CR3_PDPT_MASK } from '../arch/entry-layout.ts';
import { bigIntFromHex } from '../arch/word.ts';
import type { Registers, Trace } from '../machine/trace.ts';
import { isPresent, pdpteReservedBits } from './entry.ts';
import type { Epoch, InvalidationEvent } from './invalidation.ts';
import { PhysicalMemory } from './physical-memory.ts';
import { physicalOf, type Stage2 } from './stage2.ts';
import type { PagingContext } from './walk.ts';
import type { DataVariants } from './data-variants.ts';
import { emptyStructureCache, type StructureCache, StructureCaches } from './structure-caches.ts';

export interface SpecState {
  readonly maxPhyAddr: number;
  readonly memory: PhysicalMemory;
  readonly registers: Registers;
  /** The second stage, intermediate frame -> physical frame (empty: ordinary paging). */
  readonly stage2: Stage2;
  /** PDPTE registers as last loaded (SDM 4.4.1); used only while paging is on. */
  readonly pdptes: readonly bigint[];
  readonly pdptAddress: number;
  readonly epochs: readonly Epoch[];
  /**
   * The last epoch translates every address exactly as the current context does: only memory outside
   * the paging structures changed since it ended (paging-structures.ts). The next epoch to end then
   * replaces it instead of joining it (transition.ts).
   */
  readonly lastEpochIsCurrent: boolean;
  readonly events: readonly InvalidationEvent[];
  readonly seq: number;
  /**
   * Bits (accessed, dirty) that the processor may have set in a word without the specification being
   * able to say whether it did: after a faulting walk, or an access that may have used a stale entry.
   */
  readonly maySet: ReadonlyMap<number, bigint>;
  /**
   * The frames of the current context's paging structures (paging-structures.ts) and its walks, filled
   * when first needed; shared by the states whose structures are the same. Derived data: not part of
   * equality.
   */
  readonly structures: StructureCache;
  /** The comparison's caches of contexts it left (structure-caches.ts), shared by all its states. */
  readonly caches: StructureCaches;
  /**
   * Null: the state is one concrete state. Otherwise it stands for one concrete state per variant, each
   * with `memory` overlaid by the variant's words (data-variants.ts, variant-states.ts).
   */
  readonly dataVariants: DataVariants | null;
}

/** The state with another memory and other data variants (an object literal in full: spreads copy slowly). */
export function withMemory(s: SpecState, memory: PhysicalMemory, dataVariants: DataVariants | null): SpecState {
  return {
    maxPhyAddr: s.maxPhyAddr,
    memory,
    registers: s.registers,
    stage2: s.stage2,
    pdptes: s.pdptes,
    pdptAddress: s.pdptAddress,
    epochs: s.epochs,
    lastEpochIsCurrent: s.lastEpochIsCurrent,
    events: s.events,
    seq: s.seq,
    maySet: s.maySet,
    structures: s.structures,
    caches: s.caches,
    dataVariants,
  };
}

/**
 * The state with nothing remembered: walks shown in an explanation then read memory as it is at that
 * step, accessed and dirty bits included (a remembered walk may have been made before they were set).
 */
export function withoutMemos(s: SpecState): SpecState {
  return { ...s, structures: emptyStructureCache(), epochs: s.epochs.map((e) => ({ ...e, translations: new Map() })) };
}

export const bitOf = (value: number, position: number): boolean => ((value >>> position) & 1) === 1;

export function pagingEnabled(r: Registers): boolean {
  return bitOf(r.cr0, CR0.PG_BIT);
}

export function paeEnabled(r: Registers): boolean {
  return bitOf(r.cr4, CR4.PAE_BIT);
}

export function pagingContext(s: SpecState): PagingContext | null {
  if (s.structures.context === undefined) s.structures.context = contextOf(s);
  return s.structures.context;
}

function contextOf(s: SpecState): PagingContext | null {
  return contextOfParts(s.registers, s.stage2, s.pdptes, s.pdptAddress, s.maxPhyAddr);
}

/** The paging context of a state with these parts (null: paging off). */
export function contextOfParts(r: Registers, stage2: Stage2, pdptes: readonly bigint[], pdptAddress: number, maxPhyAddr: number): PagingContext | null {
  if (!pagingEnabled(r)) return null;
  return {
    mode: paeEnabled(r) ? 'pae' : '32-bit',
    cr3: r.cr3,
    pse: bitOf(r.cr4, CR4.PSE_BIT),
    stage2,
    pdptes,
    pdptAddress,
    maxPhyAddr,
    nxe: bitOf(r.efer, EFER.NXE_BIT),
    pge: bitOf(r.cr4, CR4.PGE_BIT),
  };
}

/**
 * The PDPTE load of SDM 4.4.1: the four entries at CR3[31:5] (through the second stage, if any), or null
 * if one is present with a reserved bit (#GP). The address returned is physical.
 */
export function loadPdptes(
  memory: PhysicalMemory,
  stage2: Stage2,
  cr3: number,
  maxPhyAddr: number,
): { pdptes: bigint[]; address: number } | null {
  const address = physicalOf(stage2, (cr3 & PAE_CR3_PDPT_MASK) >>> 0);
  const pdptes: bigint[] = [];
  for (let i = 0; i < 4; i++) {
    const e = memory.readWord(address + i * 8);
    if (isPresent(e) && pdpteReservedBits(e, maxPhyAddr) !== 0n) return null;
    pdptes.push(e);
  }
  return { pdptes, address };
}

export class InvalidTraceError extends Error {}

/** Power-on with the trace's image, then EFER, CR4, CR3 and CR0 in that order, as machines load them. */
export function initialState(trace: Trace): SpecState {
  const pas: number[] = [];
  const values: bigint[] = [];
  for (const w of trace.memory) {
    pas.push(w.pa);
    values.push(bigIntFromHex(w.value));
  }
  const memory = PhysicalMemory.fromArrays(pas, values);
  const r = trace.registers;
  const stage2: Stage2 = new Map((trace.stage2 ?? []).map((m) => [m.ipa, m.pa]));
  let pdptes: bigint[] = [0n, 0n, 0n, 0n];
  let pdptAddress = (r.cr3 & PAE_CR3_PDPT_MASK) >>> 0;
  if (pagingEnabled(r) && paeEnabled(r)) {
    const loaded = loadPdptes(memory, stage2, r.cr3, trace.maxPhyAddr);
    if (loaded === null) throw new InvalidTraceError('initial CR3 points to PDPTEs with reserved bits set (the boot MOV to CR0 would #GP)');
    pdptes = loaded.pdptes;
    pdptAddress = loaded.address;
  }
  return {
    maxPhyAddr: trace.maxPhyAddr,
    memory,
    registers: { cr0: r.cr0 >>> 0, cr3: r.cr3 >>> 0, cr4: r.cr4 >>> 0, efer: r.efer >>> 0 },
    stage2,
    pdptes,
    pdptAddress,
    epochs: [],
    lastEpochIsCurrent: false,
    events: [],
    seq: 0,
    maySet: new Map(),
    structures: emptyStructureCache(),
    caches: new StructureCaches(),
    dataVariants: null,
  };
}
