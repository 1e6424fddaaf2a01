/**
 * Scenario -> Trace under PAE paging (SDM 4.4): the page tables come from the page-table encoder, and
 * the actions expand as action-expander.ts expands them for both modes. What is PAE's own: 8-byte
 * entries, 2 MiB pages, PDPTEs (clear-present and defects may target them), XD (kept or stripped by
 * EFER.NXE), entry defects in the initial image and as edits, the pair and WP checks, a paging cycle as
 * an action, and INVLPG of another 4 KiB page of the same 2 MiB region.
 * @internal
 */
import { BIT, CR4, PAE_INDEX, PAGE_2M, PAGE_4K } from '../../arch/entry-layout.ts';
import type { Trace } from '../../machine/trace.ts';
import { type MappingSet, PAGE_BYTES, type PageSize } from '../mappings.ts';
import { type EncodedMapping, type EncodedPageTables, encodePageTables } from '../page-table-encoder.ts';
import { ActionExpander } from './action-expander.ts';
import { applyDefect, type EntryLevel, resolveDefect } from './defects.ts';
import { hasBit, leafBitsOf, leafFor, tablePdeFor, withFrame } from './entry-values.ts';
import type { LaidOutTrace } from './first-stage-layout.ts';
import { type FrameSpec, type PlacedFrame, resolveFrame } from './frame-spec.ts';
import type { MappingRef, Undo } from './kernel-steps.ts';
import { PDPT_PAGE } from './physical-layout.ts';
import type { Action, Edit, EntryTarget, Invalidation, Scenario } from './scenario.ts';

export interface EncodeOptions {
  readonly maxSteps: number;
  /** Keep XD in mappings and XD edits when EFER.NXE = 0 (they are then reserved-bit faults). */
  readonly keepXdWithoutNxe: boolean;
}

type Ref = MappingRef<EncodedMapping>;

function stripXd(set: MappingSet): MappingSet {
  return { ...set, roots: set.roots.map((r) => ({ mappings: r.mappings.map((m) => ({ ...m, executeDisable: false })) })) };
}

class ScenarioEncoder extends ActionExpander<EncodedMapping, Action, Edit, Invalidation> {
  protected declare readonly scenario: Scenario;
  private readonly xdAllowed: boolean;
  private readonly tables: EncodedPageTables;

  constructor(scenario: Scenario, options: EncodeOptions) {
    // Without NXE, XD is a reserved bit: dropped from the mappings unless the family wants the faults.
    const xdAllowed = scenario.nxe || options.keepXdWithoutNxe;
    const set = xdAllowed ? scenario.mappingSet : stripXd(scenario.mappingSet);
    const tables = encodePageTables(set);
    super(scenario, {
      maxPhyAddr: set.maxPhyAddr,
      roots: set.roots,
      encoded: tables.mappings,
      words: new Map(tables.entries),
      entryBytes: PAE_INDEX.ENTRY_BYTES,
      largeSize: '2m',
      pse: false,
      maxSteps: options.maxSteps,
    });
    this.xdAllowed = xdAllowed;
    this.tables = tables;
  }

  // ---- what PAE supplies -----------------------------------------------------------------------

  protected cr4(): number {
    return 2 ** CR4.PAE_BIT + (this.state.pge ? 2 ** CR4.PGE_BIT : 0);
  }

  protected cr3Of(root: number): number {
    const r = this.tables.roots[root];
    if (r === undefined) throw new Error(`no root ${root}`);
    return r.cr3;
  }

  protected get rootCount(): number {
    return this.tables.roots.length;
  }

  protected tablePages(): readonly number[] {
    return [PDPT_PAGE, ...this.tables.tablePages];
  }

  protected resolveFrame(spec: FrameSpec, size: PageSize, placed: readonly PlacedFrame[]): number {
    return resolveFrame(spec, PAGE_BYTES[size], this.maxPhyAddr, placed);
  }

  protected frameLimitBits(): number {
    return this.maxPhyAddr;
  }

  protected leafWithFrame(old: bigint, frame: number, large: boolean): bigint {
    return withFrame(old, frame, large);
  }

  protected largeLeafFrom(frame: number, small: bigint): bigint {
    return leafFor(frame, true, leafBitsOf(small));
  }

  protected tablePde(table: number): bigint {
    return tablePdeFor(table);
  }

  protected promotedLeaf(base: number, rights: { readonly writable: boolean; readonly user: boolean }, ptes: readonly bigint[]): bigint {
    // XD if any page had it: the promoted page must not become executable where a small one was not.
    return leafFor(base, true, { ...rights, global: false, executeDisable: ptes.some((p) => hasBit(p, BIT.XD)), accessed: false, dirty: false });
  }

  // ---- entries ---------------------------------------------------------------------------------

  protected override entryAddress(ref: Ref, target: EntryTarget): number {
    return target === 'pdpte' ? ref.encoded.pdpteAddress : super.entryAddress(ref, target);
  }

  /** The address and architectural level of the entry `target` of a mapping. */
  private entryOf(ref: Ref, target: EntryTarget): { pa: number; level: EntryLevel } {
    const pa = this.entryAddress(ref, target);
    if (target === 'pdpte') return { pa, level: 'pdpte' };
    if (target === 'pte' && ref.encoded.size === '4k') return { pa, level: 'pte' };
    // The PDE's current shape decides its level: a size swap may have turned it into the other kind.
    return { pa, level: this.pdeIsLarge(ref) ? 'pde-large' : 'pde-table' };
  }

  protected applyEdit(ref: Ref, edit: Edit, undo: Undo): void {
    switch (edit.kind) {
      case 'flip-xd':
        if (this.xdAllowed) this.flipBit(this.entryAddress(ref, 'pte'), BIT.XD, undo);
        return;
      case 'defect': {
        const { pa, level } = this.entryOf(ref, edit.level);
        this.writeEntry(pa, applyDefect(this.entry(pa), resolveDefect(edit.defect, level, this.maxPhyAddr)), undo);
        return;
      }
      default:
        this.applySharedEdit(ref, edit, undo);
    }
  }

  protected invalidate(kind: Invalidation, va: number): void {
    if (kind !== 'invlpg-other-in-2m') return this.invalidateShared(kind, va);
    // Another 4 KiB page of the same 2 MiB region: it invalidates a 2 MiB translation of va, not a 4 KiB one.
    const region = va - (va % PAGE_2M);
    const page = Math.floor((va % PAGE_2M) / PAGE_4K);
    this.emit({ op: 'invlpg', va: region + ((page + 1) % (PAGE_2M / PAGE_4K)) * PAGE_4K + (va % PAGE_4K) });
  }

  // ---- actions ---------------------------------------------------------------------------------

  protected expand(a: Action): void {
    if (a.kind === 'paging-cycle') this.pagingCycle();
    else if (a.kind === 'pair-check') this.pairCheck(a);
    else if (a.kind === 'wp-check') this.wpCheck(a);
    else this.expandShared(a);
  }

  /** CR0.PG off then on again (on only, if it was off). */
  private pagingCycle(): void {
    if (this.state.pg) this.setPaging(false);
    this.setPaging(true);
  }

  private pairCheck(a: Extract<Action, { kind: 'pair-check' }>): void {
    const low32 = (f: number): number => f % 2 ** 32;
    const hasTwin = (x: Ref): boolean => this.all.some((y) => y.mapping.frame !== x.mapping.frame && low32(y.mapping.frame) === low32(x.mapping.frame));
    const twinned = this.all.filter((x) => x.encoded.root === this.state.root && hasTwin(x));
    const ref = twinned.length > 0 ? (twinned[a.mapping % twinned.length] ?? null) : this.mappingRef(a.mapping);
    if (ref === null) return;
    this.ensurePaging();
    const home = this.state.root;
    const va = this.probeVa(ref.mapping, a.probe);
    // Prefer a frame that differs from this one only at or above bit 32.
    const isTwin = (x: Ref): boolean => x.mapping.frame !== ref.mapping.frame && low32(x.mapping.frame) === low32(ref.mapping.frame);
    // Then an alias of the same frame, then any other mapping of this root.
    const isAlias = (x: Ref): boolean => x !== ref && x.mapping.frame === ref.mapping.frame;
    const others = this.all.filter((x) => x.encoded.root === home && x !== ref);
    const other =
      this.all.find((x) => x.encoded.root === home && isTwin(x)) ??
      this.all.find(isTwin) ??
      this.all.find(isAlias) ??
      others[a.other % Math.max(1, others.length)] ??
      ref;
    const otherVa = this.probeVa(other.mapping, { offset: va - ref.mapping.linear, size: a.probe.size });
    this.access('store', va, a.probe.size, a.probe.user, a.probe.value);
    if (other.encoded.root !== home) this.switchRoot(other.encoded.root);
    this.access('load', otherVa, a.probe.size, a.probe.user, 0n);
    if (other.encoded.root !== home) this.switchRoot(home);
    this.access('load', va, a.probe.size, a.probe.user, 0n);
  }

  private wpCheck(a: Extract<Action, { kind: 'wp-check' }>): void {
    const ref = this.mappingRef(a.mapping);
    if (ref === null) return;
    this.ensurePaging();
    const va = this.probeVa(ref.mapping, a.probe);
    if (!this.state.wp) {
      this.state.wp = true;
      this.movCr0();
    }
    this.access('store', va, a.probe.size, false, a.probe.value);
    this.state.wp = false;
    this.movCr0();
    this.access('store', va, a.probe.size, false, a.probe.value);
  }

  // ---- the whole scenario ----------------------------------------------------------------------

  protected override beforeAction(index: number): void {
    if (index === this.scenario.enableBefore) this.ensurePaging();
  }

  private applyInitialDefects(): void {
    for (const d of this.scenario.defects) {
      const ref = this.all[d.mapping % Math.max(1, this.all.length)];
      if (ref === undefined) return;
      const { pa, level } = this.entryOf(ref, d.level);
      let defect = resolveDefect(d.defect, level, this.maxPhyAddr);
      // A bad PDPTE in the root paging starts with would fault at power-on, where no step can observe
      // it (and the specification refuses such a trace): make it not present instead.
      if (level === 'pdpte' && ref.encoded.root === 0 && this.scenario.initialPaging === 'on') defect = { kind: 'not-present' };
      this.state.words.set(pa, applyDefect(this.entry(pa), defect));
    }
  }

  override encode(): Trace {
    this.applyInitialDefects();
    return super.encode();
  }
}

export function encodeScenario(scenario: Scenario, options: EncodeOptions): Trace {
  return new ScenarioEncoder(scenario, options).encode();
}

/** The trace and what the two-stage generator needs to lay a second stage under it. @internal */
export function encodeScenarioWithLayout(scenario: Scenario, options: EncodeOptions): LaidOutTrace<Trace> {
  const encoder = new ScenarioEncoder(scenario, options);
  const trace = encoder.encode();
  return { trace, layout: encoder.layout() };
}
