/**
 * Scenario -> Trace, for either paging mode: each action expands into a few steps (kernel-steps.ts)
 * against a model of what the kernel wrote (kernel-model.ts), and the data frames the steps can reach
 * are seeded last (data-seeding.ts). A pure, deterministic function of the scenario.
 *
 * The actions, edits and invalidations both modes have (scenario-core.ts) are expanded here, once; a
 * mode (scenario-encoder.ts for PAE, paging32-encoder.ts for 32-bit paging) supplies what really differs
 * between them: the entry width, the large page (2 MiB or 4 MiB), how its entries are built, its CR3 and
 * CR4, and its own actions, edits and invalidations.
 *
 * The step budget is hard: an action whose steps would not fit is left out whole (an idiom cut in half
 * would check nothing), and the actions after it still get their chance.
 * @internal
 */
import { BIT, EFER, PAGE_4K } from '../../arch/entry-layout.ts';
import type { Registers, Step, Trace } from '../../machine/trace.ts';
import { TRACE_FORMAT, TRACE_VERSION } from '../../machine/trace.ts';
import { resolveAccess, resolveTarget } from '../address-stream.ts';
import { PAGE_BYTES, type PageSize } from '../mappings.ts';
import { type ReachableRange, seededMemory } from './data-seeding.ts';
import { hasBit, withBit } from './entry-values.ts';
import type { FirstStageLayout } from './first-stage-layout.ts';
import type { FrameSpec, PlacedFrame } from './frame-spec.ts';
import { type EncodedEntries, KernelSteps, type MappingRef, type ModeSetup, type Undo } from './kernel-steps.ts';
import { isUsableFrame } from './physical-layout.ts';
import { promotionCandidates } from './promotion-candidates.ts';
import type { SharedAction, SharedEdit, SharedInvalidation, SharedScenario } from './scenario-core.ts';

/** `A`, `Ed` and `I` are the mode's actions, edits and invalidations. */
export abstract class ActionExpander<E extends EncodedEntries, A, Ed, I> extends KernelSteps<E> {
  protected declare readonly scenario: SharedScenario<unknown, A>;
  protected readonly largeSize: '2m' | '4m';
  private readonly largeBytes: number;
  private readonly placedFrames: readonly PlacedFrame[];

  protected constructor(scenario: SharedScenario<unknown, A>, setup: ModeSetup<E>) {
    super(scenario, setup);
    this.largeSize = setup.largeSize;
    this.largeBytes = PAGE_BYTES[setup.largeSize];
    this.placedFrames = this.all.map((x) => ({ frame: x.mapping.frame, bytes: PAGE_BYTES[x.mapping.size] }));
  }

  // ---- what the mode supplies -------------------------------------------------------------------

  /** Page directories and page tables (and PDPTs), for the layout. */
  protected abstract tablePages(): readonly number[];
  /** The frame `spec` names for a page of `size`, and the physical address bits such a frame may use. */
  protected abstract resolveFrame(spec: FrameSpec, size: PageSize, placed: readonly PlacedFrame[]): number;
  protected abstract frameLimitBits(size: PageSize): number;
  /** The leaf `old` moved to `frame` (`large`: a large-page PDE). */
  protected abstract leafWithFrame(old: bigint, frame: number, large: boolean): bigint;
  /** A large-page PDE on `frame` with the rights and status bits of the 4 KiB leaf `small`. */
  protected abstract largeLeafFrom(frame: number, small: bigint): bigint;
  protected abstract tablePde(table: number): bigint;
  /** A large leaf at `base` for a promotion (see promotion-candidates.ts). */
  protected abstract promotedLeaf(base: number, rights: { readonly writable: boolean; readonly user: boolean }, ptes: readonly bigint[]): bigint;
  /** Each expands the mode's own kinds and hands the shared ones to the `…Shared` method below. */
  protected abstract expand(a: A): void;
  protected abstract applyEdit(ref: MappingRef<E>, edit: Ed, undo: Undo): void;
  protected abstract invalidate(kind: I, va: number): void;

  // ---- edits ------------------------------------------------------------------------------------

  /** A frame for `spec` of `size`, different from `avoid`. */
  private newFrame(spec: FrameSpec, size: PageSize, avoid: number): number {
    const bytes = PAGE_BYTES[size];
    const frame = this.resolveFrame(spec, size, this.placedFrames);
    if (frame !== avoid) return frame;
    const limit = this.frameLimitBits(size);
    for (const candidate of [frame + bytes, frame - bytes, frame + 2 * bytes]) if (isUsableFrame(candidate, bytes, limit)) return candidate;
    return frame;
  }

  /** Applies an edit both modes have, as physical writes. */
  protected applySharedEdit(ref: MappingRef<E>, edit: SharedEdit<string>, undo: Undo): void {
    switch (edit.kind) {
      case 'remap':
        this.remapLeaf(ref, edit.frame, undo);
        return;
      case 'flip-writable':
        this.flipBit(this.entryAddress(ref, edit.level), BIT.RW, undo);
        return;
      case 'flip-user':
        this.flipBit(this.entryAddress(ref, edit.level), BIT.US, undo);
        return;
      case 'flip-global':
        this.flipBit(this.entryAddress(ref, 'pte'), BIT.G, undo);
        return;
      case 'clear-present': {
        const pa = this.entryAddress(ref, edit.level);
        this.writeEntry(pa, withBit(this.entry(pa), BIT.P, false), undo);
        return;
      }
      case 'swap-size':
        this.swapSize(ref, edit.frame, undo);
        return;
    }
  }

  /** 4 KiB mapping: its PDE becomes a large leaf on a new frame. Large mapping: its PDE references a page table. */
  private swapSize(ref: MappingRef<E>, spec: FrameSpec, undo: Undo): void {
    const e = ref.encoded;
    const large = e.size === this.largeSize;
    const region = e.linear - (e.linear % this.largeBytes);
    if (this.pdeIsLarge(ref) !== large) {
      // Swapped already: swap back to the PDE the encoder wrote.
      this.writeEntry(e.pdeAddress, BigInt(e.pdeValue), undo);
      return;
    }
    if (!large) {
      const frame = this.newFrame(spec, this.largeSize, -1);
      this.writeEntry(e.pdeAddress, this.largeLeafFrom(frame, this.entry(e.leafAddress)), undo);
      this.state.extras.push({ linear: region, bytes: this.largeBytes, frame });
      return;
    }
    // The PDE references some mapping's page table (the spec's slot picks it): the region now maps that
    // table's pages, at their offsets within it.
    const withTables = this.all.filter((x) => x.encoded.pageTable !== null);
    const k = spec.kind === 'region' ? spec.slot : spec.of;
    const chosen = withTables[k % Math.max(1, withTables.length)];
    if (chosen === undefined || chosen.encoded.pageTable === null) {
      this.remapLeaf(ref, spec, undo);
      return;
    }
    const table = chosen.encoded.pageTable;
    this.writeEntry(e.pdeAddress, this.tablePde(table), undo);
    for (const x of this.all)
      if (x.encoded.pageTable === table) this.state.extras.push({ linear: region + (x.mapping.linear % this.largeBytes), bytes: PAGE_4K, frame: x.mapping.frame });
  }

  protected remapLeaf(ref: MappingRef<E>, spec: FrameSpec, undo: Undo): void {
    const e = ref.encoded;
    const large = e.size === this.largeSize;
    // A large mapping whose PDE now references a page table has no frame to move.
    if (large && !this.pdeIsLarge(ref)) return;
    const frame = this.newFrame(spec, e.size, ref.mapping.frame);
    this.writeEntry(e.leafAddress, this.leafWithFrame(this.entry(e.leafAddress), frame, large), undo);
    this.state.extras.push({ linear: e.linear, bytes: PAGE_BYTES[e.size], frame });
  }

  protected invalidateShared(kind: SharedInvalidation, va: number): void {
    switch (kind) {
      case 'invlpg':
        this.emit({ op: 'invlpg', va });
        return;
      case 'mov-cr3':
        this.switchRoot(this.state.root);
        return;
      case 'paging-cycle':
        this.setPaging(false);
        this.setPaging(true);
        return;
      case 'none':
        return;
    }
  }

  // ---- actions ---------------------------------------------------------------------------------

  protected expandShared(a: SharedAction<Ed, I>): void {
    switch (a.kind) {
      case 'access':
        for (const r of resolveAccess(a.access, this.view())) this.access(a.access.op, r.va, r.size, a.access.user, a.access.value);
        return;
      case 'invlpg':
        this.emit({ op: 'invlpg', va: resolveTarget(a.target, 1, this.view()).va });
        return;
      case 'switch-root':
        this.switchRoot(a.root);
        return;
      case 'toggle-wp':
        this.state.wp = !this.state.wp;
        this.movCr0();
        return;
      case 'toggle-pge':
        this.state.pge = !this.state.pge;
        this.movCr4();
        return;
      case 'toggle-paging':
        this.setPaging(!this.state.pg);
        return;
      case 'alias-check':
        this.aliasCheck(a);
        return;
      case 'global-check':
        this.globalCheck(a);
        return;
      case 'edit':
        this.editAction(a);
        return;
    }
  }

  /** Mappings (of any root) other than `ref` whose frame holds all of [pa, pa + size). */
  private aliasesOf(ref: MappingRef<E>, pa: number, size: number): MappingRef<E>[] {
    return this.all.filter((x) => x !== ref && pa >= x.mapping.frame && pa + size <= x.mapping.frame + PAGE_BYTES[x.mapping.size]);
  }

  private aliasCheck(a: Extract<SharedAction<Ed, I>, { kind: 'alias-check' }>): void {
    // Prefer a mapping of this root whose frame another mapping shares, so there is an alias to read through.
    const inRoot = this.all.filter((x) => x.encoded.root === this.state.root);
    const shared = inRoot.filter((x) => this.aliasesOf(x, x.mapping.frame, 1).length > 0);
    const ref = shared.length > 0 ? (shared[a.mapping % shared.length] ?? null) : this.mappingRef(a.mapping);
    if (ref === null) return;
    this.ensurePaging();
    const m = ref.mapping;
    const va = this.probeVa(m, a.probe);
    this.access('store', va, a.probe.size, a.probe.user, a.probe.value);
    const pa = m.frame + (va - m.linear);
    const aliases = this.aliasesOf(ref, pa, a.probe.size);
    const here = (x: MappingRef<E>): boolean => x.encoded.root === this.state.root;
    if (a.via === 'alias') {
      const alias = aliases.find(here) ?? aliases[0];
      if (alias !== undefined) {
        if (!here(alias)) this.switchRoot(alias.encoded.root);
        this.access('load', alias.mapping.linear + (pa - alias.mapping.frame), a.probe.size, a.probe.user, 0n);
        return;
      }
    }
    // After a CR3 switch, the same address: preferably a root that maps it to the same bytes, then any
    // other root (where it may map elsewhere or fault, and the stored value must not show).
    const sameVa = aliases.find((x) => !here(x) && x.mapping.linear + (pa - x.mapping.frame) === va);
    this.switchRoot(sameVa !== undefined ? sameVa.encoded.root : this.state.root + 1);
    this.access('load', va, a.probe.size, a.probe.user, 0n);
  }

  private globalCheck(a: Extract<SharedAction<Ed, I>, { kind: 'global-check' }>): void {
    const ref = this.mappingRef(a.mapping);
    if (ref === null) return;
    this.ensurePaging();
    if (!this.state.pge) {
      this.state.pge = true;
      this.movCr4();
    }
    const va = this.probeVa(ref.mapping, a.probe);
    const leaf = ref.encoded.leafAddress;
    if (!hasBit(this.entry(leaf), BIT.G)) {
      this.writeEntry(leaf, withBit(this.entry(leaf), BIT.G, true), []);
      this.emit({ op: 'invlpg', va });
    }
    this.probe(a.probe, va);
    if (a.remap !== null) this.remapLeaf(ref, a.remap, []);
    this.switchRoot(a.root);
    this.probe(a.probe, va);
  }

  private editAction(a: Extract<SharedAction<Ed, I>, { kind: 'edit' }>): void {
    const ref = this.mappingRef(a.mapping);
    if (ref === null) return;
    this.ensurePaging();
    const va = this.probeVa(ref.mapping, a.probe);
    if (a.before) this.probe(a.probe, va);
    const undo: Undo = [];
    this.applyEdit(ref, a.edit, undo);
    this.invalidate(a.invalidation, va);
    for (let i = 0; i < a.after; i++) this.probe(a.probe, va);
    if (a.undo && undo.length > 0) {
      for (const [pa, old] of [...undo].reverse()) this.writeEntry(pa, old, []);
      this.invalidate(a.invalidation, va);
      this.probe(a.probe, va);
    }
  }

  // ---- the whole scenario ----------------------------------------------------------------------

  /** Steps a mode adds before action `index` (PAE: turning paging on where the scenario says). */
  protected beforeAction(index: number): void {
    void index;
  }

  encode(): Trace {
    const initialWords = new Map(this.state.words);
    const registers: Registers = {
      cr0: this.cr0(),
      cr3: this.cr3Of(0),
      cr4: this.cr4(),
      efer: this.scenario.nxe ? 2 ** EFER.NXE_BIT : 0,
    };
    const steps: Step[] = [];
    this.scenario.actions.forEach((action, i) => {
      const saved = this.state.clone();
      this.out = [];
      this.beforeAction(i);
      this.expand(action);
      if (steps.length + this.out.length <= this.setup.maxSteps) steps.push(...this.out);
      else this.state = saved;
    });
    return {
      format: TRACE_FORMAT,
      version: TRACE_VERSION,
      maxPhyAddr: this.maxPhyAddr,
      registers,
      memory: seededMemory(initialWords, registers.cr0, steps, this.ranges(), this.maxPhyAddr),
      steps,
    };
  }

  /** Every range a step may reach: the mappings' own, then those edits added. */
  private ranges(): ReachableRange[] {
    return [...this.all.map((x) => ({ linear: x.mapping.linear, bytes: PAGE_BYTES[x.mapping.size], frame: x.mapping.frame })), ...this.state.extras];
  }

  /** After `encode`: what the two-stage generator needs to lay a second stage under the trace. */
  layout(): FirstStageLayout {
    return {
      dataRanges: this.ranges().map((r) => ({ frame: r.frame, bytes: r.bytes })),
      tablePages: this.tablePages(),
      words: this.state.words,
      final: { cr0: this.cr0(), cr3: this.cr3Of(this.state.root), cr4: this.cr4() },
      promotable: promotionCandidates(this.all, {
        regionBytes: this.largeBytes,
        entryBytes: this.setup.entryBytes,
        entry: (pa) => this.entry(pa),
        cr3Of: (root) => this.cr3Of(root),
        largeLeaf: (base, rights, ptes) => this.promotedLeaf(base, rights, ptes),
      }),
    };
  }
}
