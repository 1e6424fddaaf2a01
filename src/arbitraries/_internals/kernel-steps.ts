/**
 * The steps a scenario encoder of either paging mode writes as a kernel would, kept in step with its
 * model of what it wrote (kernel-model.ts): MOVs to control registers, entry writes (a physical write of
 * the 8-byte word that holds the entry, whatever its width), and accesses to a mapping. The actions are
 * built from these (action-expander.ts); the mode supplies its CR3, CR4 and entry width.
 * @internal
 */
import { BIT, CR0 } from '../../arch/entry-layout.ts';
import { hexFromBigInt } from '../../arch/word.ts';
import type { AccessSize, Step } from '../../machine/trace.ts';
import { type AccessOp, type AddressView, resolveTarget } from '../address-stream.ts';
import { type Mapping, PAGE_BYTES, type PageSize } from '../mappings.ts';
import { hasBit, withBit } from './entry-values.ts';
import type { EntryBytes } from './entry-words.ts';
import { KernelModel } from './kernel-model.ts';
import type { Probe, SharedScenario } from './scenario-core.ts';

/** Where a mode's table encoder put a mapping's entries. */
export interface EncodedEntries {
  readonly root: number;
  readonly linear: number;
  readonly size: PageSize;
  readonly pdeAddress: number;
  /** The PDE as encoded: a table PDE, or the large leaf. */
  readonly pdeValue: number | bigint;
  /** The entry that maps the page: the PTE of a 4 KiB page, the PDE of a large one. */
  readonly leafAddress: number;
  /** The page table holding the PTE of a 4 KiB page; null for a large page. */
  readonly pageTable: number | null;
}

export interface MappingRef<E extends EncodedEntries> {
  readonly mapping: Mapping;
  readonly encoded: E;
}

/** The mapping set as a mode's encoder resolved and encoded it, and the mode's geometry. */
export interface ModeSetup<E extends EncodedEntries> {
  readonly maxPhyAddr: number;
  readonly roots: readonly { readonly mappings: readonly Mapping[] }[];
  /** Per root, per mapping (same order as `roots`). */
  readonly encoded: readonly (readonly E[])[];
  /** The paging-structure words the mode's table encoder wrote. */
  readonly words: Map<number, bigint>;
  readonly entryBytes: EntryBytes;
  readonly largeSize: '2m' | '4m';
  /** CR4.PSE at the start (32-bit paging). */
  readonly pse: boolean;
  readonly maxSteps: number;
}

/** Old entry values, in the order an edit wrote them. */
export type Undo = [pa: number, old: bigint][];

export abstract class KernelSteps<E extends EncodedEntries> {
  /** Every mapping of every root, with its entries. */
  protected readonly all: readonly MappingRef<E>[];
  protected readonly maxPhyAddr: number;
  protected state: KernelModel;
  /** Steps of the action being expanded. */
  protected out: Step[] = [];

  protected constructor(
    protected readonly scenario: SharedScenario<unknown, unknown>,
    protected readonly setup: ModeSetup<E>,
  ) {
    this.maxPhyAddr = setup.maxPhyAddr;
    this.all = setup.roots.flatMap((root, r) =>
      root.mappings.map((mapping, i) => {
        const encoded = setup.encoded[r]?.[i];
        if (encoded === undefined) throw new Error('encoded mapping missing');
        return { mapping, encoded };
      }),
    );
    this.state = new KernelModel(scenario.initialPaging === 'on', scenario.wp, scenario.pge, setup.pse, 0, null, setup.words, []);
  }

  protected abstract cr4(): number;
  protected abstract cr3Of(root: number): number;
  protected abstract get rootCount(): number;

  protected emit(step: Step): void {
    this.out.push(step);
  }

  // ---- registers -------------------------------------------------------------------------------

  protected cr0(): number {
    return (this.state.pg ? 2 ** CR0.PG_BIT : 0) + (this.state.wp ? 2 ** CR0.WP_BIT : 0);
  }

  protected movCr0(): void {
    this.emit({ op: 'mov-cr0', value: this.cr0() });
  }

  protected movCr4(): void {
    this.emit({ op: 'mov-cr4', value: this.cr4() });
  }

  protected setPaging(on: boolean): void {
    this.state.pg = on;
    this.movCr0();
  }

  protected ensurePaging(): void {
    if (!this.state.pg) this.setPaging(true);
  }

  /** MOV to CR3 selecting `root` modulo the number of roots. */
  protected switchRoot(root: number): void {
    this.state.root = root % this.rootCount;
    this.emit({ op: 'mov-cr3', value: this.cr3Of(this.state.root) });
  }

  // ---- mappings, addresses, accesses -----------------------------------------------------------

  /** The mappings of the root in use, and the hot set (resolved once, against the root first used). */
  protected view(): AddressView {
    const mappings = this.setup.roots[this.state.root]?.mappings ?? [];
    if (this.state.hot === null) {
      const plain: AddressView = { mappings, hot: [] };
      this.state.hot = this.scenario.hot.map((t) => resolveTarget(t, 1, plain).va);
    }
    return { mappings, hot: this.state.hot };
  }

  /** Mapping `index` of the root in use (modulo their number), or of any root if it has none. */
  protected mappingRef(index: number): MappingRef<E> | null {
    const inRoot = this.all.filter((x) => x.encoded.root === this.state.root);
    const pool = inRoot.length > 0 ? inRoot : this.all;
    return pool[index % Math.max(1, pool.length)] ?? null;
  }

  /** The probe's offset in the page, pulled back so the access stays inside it. */
  protected probeVa(m: Mapping, probe: { offset: number; size: number }): number {
    const bytes = PAGE_BYTES[m.size];
    return m.linear + Math.min(probe.offset % bytes, bytes - probe.size);
  }

  protected access(op: AccessOp, va: number, size: AccessSize, user: boolean, value: bigint): void {
    if (op === 'store') this.emit({ op, va, size, user, value: hexFromBigInt(BigInt.asUintN(size * 8, value)) });
    else this.emit({ op, va, size, user });
  }

  protected probe(p: Probe, va: number): void {
    this.access(p.op, va, p.size, p.user, p.value);
  }

  // ---- entries ---------------------------------------------------------------------------------

  protected entry(pa: number): bigint {
    return this.state.entry(pa, this.setup.entryBytes);
  }

  /** Writes an entry as a physical write of the whole 8-byte word that holds it; records the old value. */
  protected writeEntry(pa: number, value: bigint, undo: Undo): void {
    undo.push([pa, this.entry(pa)]);
    const written = this.state.setEntry(pa, this.setup.entryBytes, value);
    this.emit({ op: 'write-phys', pa: written.pa, value: hexFromBigInt(written.word) });
  }

  protected flipBit(pa: number, bit: number, undo: Undo): void {
    const old = this.entry(pa);
    this.writeEntry(pa, withBit(old, bit, !hasBit(old, bit)), undo);
  }

  /** Whether a mapping's PDE is now a large leaf (a size swap may have turned it into the other kind). */
  protected pdeIsLarge(ref: MappingRef<E>): boolean {
    return hasBit(this.entry(ref.encoded.pdeAddress), BIT.PS);
  }

  /**
   * The address of entry `target` of a mapping: its PDE, or its leaf ('pte'; for a large mapping that is
   * its PDE). A mode with more levels (PAE: 'pdpte') resolves them in an override.
   */
  protected entryAddress(ref: MappingRef<E>, target: string): number {
    return target === 'pde' ? ref.encoded.pdeAddress : ref.encoded.leafAddress;
  }
}
