/**
 * Scenario32 -> Trace under 32-bit paging (SDM 4.3): page tables from paging32-tables.ts, and the actions
 * expanded as action-expander.ts expands them for both modes. What is 32-bit paging's own: 4-byte
 * entries (an edit rewrites the 8-byte word that holds the entry, keeping its neighbour), 4 MiB pages
 * through PSE-36, CR4.PSE toggled and cycled, reserved bits of a 4 MiB PDE, INVLPG of a page in the other
 * 2 MiB half of a 4 MiB region, the PWT/PCD flags of CR3, and an attempt to set CR4.PAE while paging.
 *
 * CR4.PAE = 0 in every CR4 the encoder writes, except inside a try-pae action.
 * @internal
 */
import { BIT, CR4, PAGE_2M, PAGE_4K, PAGE_4M, PAGING32 } from '../../arch/entry-layout.ts';
import type { Trace } from '../../machine/trace.ts';
import type { PageSize } from '../mappings.ts';
import { ActionExpander } from './action-expander.ts';
import { withBit } from './entry-values.ts';
import type { LaidOutTrace } from './first-stage-layout.ts';
import type { FrameSpec, PlacedFrame } from './frame-spec.ts';
import type { MappingRef, Undo } from './kernel-steps.ts';
import {
  type Encoded32Mapping,
  type Encoded32Tables,
  encodePaging32Tables,
  entriesToWords,
  hugeFrameLimitBits,
  hugePde32For,
  leafBits32Of,
  type PageSize32,
  pte32For,
  resolveFrame32,
  tablePde32For,
} from './paging32-tables.ts';
import type { Action32, Edit32, Invalidation32, Scenario32 } from './paging32-scenario.ts';

export interface Encode32Options {
  readonly maxSteps: number;
}

type Ref = MappingRef<Encoded32Mapping>;

/** The rights and status bits of a 4-byte leaf (held in a bigint by the shared expander). */
const leafBitsOf = (entry: bigint): ReturnType<typeof leafBits32Of> => leafBits32Of(Number(entry));

class Paging32Encoder extends ActionExpander<Encoded32Mapping, Action32, Edit32, Invalidation32> {
  protected declare readonly scenario: Scenario32;
  private readonly tables: Encoded32Tables;

  constructor(scenario: Scenario32, options: Encode32Options) {
    const tables = encodePaging32Tables(scenario.mappingSet);
    super(scenario, {
      maxPhyAddr: scenario.mappingSet.maxPhyAddr,
      roots: scenario.mappingSet.roots,
      encoded: tables.mappings,
      words: entriesToWords(tables.entries),
      entryBytes: PAGING32.ENTRY_BYTES,
      largeSize: '4m',
      pse: scenario.pse,
      maxSteps: options.maxSteps,
    });
    this.tables = tables;
  }

  // ---- what 32-bit paging supplies -------------------------------------------------------------

  protected cr4(): number {
    return (this.state.pse ? 2 ** CR4.PSE_BIT : 0) + (this.state.pge ? 2 ** CR4.PGE_BIT : 0);
  }

  protected cr3Of(root: number): number {
    const directory = this.tables.directories[root];
    if (directory === undefined) throw new Error(`no root ${root}`);
    return directory + this.scenario.cr3Flags;
  }

  protected get rootCount(): number {
    return this.tables.directories.length;
  }

  protected tablePages(): readonly number[] {
    return this.tables.tablePages;
  }

  protected resolveFrame(spec: FrameSpec, size: PageSize, placed: readonly PlacedFrame[]): number {
    return resolveFrame32(spec, size as PageSize32, this.maxPhyAddr, placed);
  }

  /** 4 KiB frames below 4 GiB (a PTE holds address bits 31..12), 4 MiB frames below 2^min(MAXPHYADDR, 40). */
  protected frameLimitBits(size: PageSize): number {
    return size === '4k' ? 32 : hugeFrameLimitBits(this.maxPhyAddr);
  }

  /** Rebuilt from the old leaf's rights and status bits: a reserved bit an edit set does not survive a remap. */
  protected leafWithFrame(old: bigint, frame: number, large: boolean): bigint {
    return BigInt(large ? hugePde32For(frame, leafBitsOf(old)) : pte32For(frame, leafBitsOf(old)));
  }

  protected largeLeafFrom(frame: number, small: bigint): bigint {
    return BigInt(hugePde32For(frame, leafBitsOf(small)));
  }

  protected tablePde(table: number): bigint {
    return BigInt(tablePde32For(table));
  }

  protected promotedLeaf(base: number, rights: { readonly writable: boolean; readonly user: boolean }): bigint {
    return BigInt(hugePde32For(base, { ...rights, global: false, accessed: false, dirty: false }));
  }

  // ---- edits and invalidations -----------------------------------------------------------------

  protected applyEdit(ref: Ref, edit: Edit32, undo: Undo): void {
    if (edit.kind !== 'reserved') return this.applySharedEdit(ref, edit, undo);
    const e = ref.encoded;
    if (!this.pdeIsLarge(ref)) {
      // The leaf is a PTE, or the PDE now references a page table: neither has a reserved bit under
      // 32-bit paging, so the edit clears P instead.
      const pa = e.leafAddress;
      this.writeEntry(pa, withBit(this.entry(pa), BIT.P, false), undo);
      return;
    }
    // Bit 21, or a PSE-36 address bit beyond M' (SDM Table 4-4).
    const firstReserved = PAGING32.PSE36_LOW_BIT + hugeFrameLimitBits(this.maxPhyAddr) - 32;
    const choices: number[] = [PAGING32.LARGE_RESERVED_BIT];
    for (let b = firstReserved; b < PAGING32.LARGE_RESERVED_BIT; b++) choices.push(b);
    const b = choices[edit.slot % choices.length] ?? PAGING32.LARGE_RESERVED_BIT;
    this.writeEntry(e.pdeAddress, withBit(this.entry(e.pdeAddress), b, true), undo);
  }

  protected invalidate(kind: Invalidation32, va: number): void {
    switch (kind) {
      case 'invlpg-other-in-4m': {
        // A page in the other 2 MiB half of the same 4 MiB region: it covers a 4 MiB translation of va only.
        const region = va - (va % PAGE_4M);
        this.emit({ op: 'invlpg', va: region + (((va % PAGE_4M) + PAGE_2M + PAGE_4K) % PAGE_4M) });
        return;
      }
      case 'pse-cycle':
        this.state.pse = !this.state.pse;
        this.movCr4();
        this.state.pse = !this.state.pse;
        this.movCr4();
        return;
      default:
        this.invalidateShared(kind, va);
    }
  }

  // ---- actions ---------------------------------------------------------------------------------

  protected expand(a: Action32): void {
    switch (a.kind) {
      case 'toggle-pse':
        this.state.pse = !this.state.pse;
        this.movCr4();
        return;
      case 'try-pae': {
        const ref = this.mappingRef(a.mapping);
        if (ref === null) return;
        this.ensurePaging();
        this.emit({ op: 'mov-cr4', value: this.cr4() + 2 ** CR4.PAE_BIT });
        this.probe(a.probe, this.probeVa(ref.mapping, a.probe));
        this.movCr4();
        return;
      }
      default:
        this.expandShared(a);
    }
  }
}

export function encodeScenario32(scenario: Scenario32, options: Encode32Options): LaidOutTrace<Trace> {
  const encoder = new Paging32Encoder(scenario, options);
  const trace = encoder.encode();
  return { trace, layout: encoder.layout() };
}
