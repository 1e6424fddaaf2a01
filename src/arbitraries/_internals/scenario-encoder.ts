/**
 * Scenario -> Trace. A pure, deterministic function: the page tables come from the page-table encoder,
 * each action expands into a few steps against a small model of what the kernel knows (control
 * registers it wrote, entries it wrote), and the data frames the steps can reach are seeded last.
 *
 * The step budget is hard: an action whose steps would not fit is left out whole (an idiom cut in half
 * would check nothing), and the actions after it still get their chance.
 * @internal
 */
import { BIT, CR0, CR4, EFER, PAGE_2M, PAGE_4K } from '../../arch/entry-layout.ts';
import { hexFromBigInt } from '../../arch/word.ts';
import type { AccessSize, MemoryWord, Registers, Step, Trace } from '../../machine/trace.ts';
import { TRACE_FORMAT, TRACE_VERSION } from '../../machine/trace.ts';
import { type AccessOp, type AddressView, resolveAccess, resolveTarget } from '../address-stream.ts';
import { type Mapping, type MappingSet, PAGE_BYTES } from '../mappings.ts';
import { type EncodedMapping, type EncodedPageTables, encodePageTables } from '../page-table-encoder.ts';
import { applyDefect, type EntryLevel, resolveDefect } from './defects.ts';
import { seedValueAt, wordOf } from './data-seeding.ts';
import { hasBit, leafBitsOf, leafFor, tablePdeFor, withBit, withFrame } from './entry-values.ts';
import type { FirstStageLayout, LaidOutTrace, PromotionCandidate } from './first-stage-layout.ts';
import { type FrameSpec, type PlacedFrame, resolveFrame } from './frame-spec.ts';
import { HIGH_TABLE_POOL, inRange, isUsableFrame, LOW_TABLE_POOL, PDPT_PAGE } from './physical-layout.ts';
import type { Action, Edit, EntryTarget, Invalidation, Scenario } from './scenario.ts';
import type { Probe } from './scenario-core.ts';

export interface EncodeOptions {
  readonly maxSteps: number;
  /** Keep XD in mappings and XD edits when EFER.NXE = 0 (they are then reserved-bit faults). */
  readonly keepXdWithoutNxe: boolean;
}

/** A linear range that some step may reach through `frame` (besides the mapping set's own mappings). */
interface ExtraFrame {
  readonly linear: number;
  readonly bytes: number;
  readonly frame: number;
}

interface MappingRef {
  readonly mapping: Mapping;
  readonly encoded: EncodedMapping;
}

/** What the generator knows while expanding actions: the registers and entries it wrote. */
class KernelView {
  constructor(
    public pg: boolean,
    public wp: boolean,
    public pge: boolean,
    public root: number,
    public hot: number[] | null,
    public readonly entries: Map<number, bigint>,
    public readonly extras: ExtraFrame[],
  ) {}

  clone(): KernelView {
    return new KernelView(this.pg, this.wp, this.pge, this.root, this.hot === null ? null : [...this.hot], new Map(this.entries), [...this.extras]);
  }
}

const pow2 = (n: number): number => 2 ** n;

function stripXd(set: MappingSet): MappingSet {
  return { ...set, roots: set.roots.map((r) => ({ mappings: r.mappings.map((m) => ({ ...m, executeDisable: false })) })) };
}

class ScenarioEncoder {
  private readonly set: MappingSet;
  private readonly tables: EncodedPageTables;
  private readonly all: readonly MappingRef[];
  private readonly placedFrames: readonly PlacedFrame[];
  private readonly maxPhyAddr: number;
  private readonly xdAllowed: boolean;
  private state: KernelView;
  private out: Step[] = [];

  constructor(
    private readonly scenario: Scenario,
    private readonly options: EncodeOptions,
  ) {
    this.xdAllowed = scenario.nxe || options.keepXdWithoutNxe;
    this.set = this.xdAllowed ? scenario.mappingSet : stripXd(scenario.mappingSet);
    this.maxPhyAddr = this.set.maxPhyAddr;
    this.tables = encodePageTables(this.set);
    this.all = this.set.roots.flatMap((root, r) =>
      root.mappings.map((mapping, i) => {
        const encoded = this.tables.mappings[r]?.[i];
        if (encoded === undefined) throw new Error('encoded mapping missing');
        return { mapping, encoded };
      }),
    );
    this.placedFrames = this.all.map((x) => ({ frame: x.mapping.frame, bytes: PAGE_BYTES[x.mapping.size] }));
    this.state = new KernelView(scenario.initialPaging === 'on', scenario.wp, scenario.pge, 0, null, new Map(this.tables.entries), []);
  }

  // ---- registers -------------------------------------------------------------------------------

  private cr0(): number {
    return (this.state.pg ? pow2(CR0.PG_BIT) : 0) + (this.state.wp ? pow2(CR0.WP_BIT) : 0);
  }

  private cr4(): number {
    return pow2(CR4.PAE_BIT) + (this.state.pge ? pow2(CR4.PGE_BIT) : 0);
  }

  private cr3Of(root: number): number {
    const r = this.tables.roots[root];
    if (r === undefined) throw new Error(`no root ${root}`);
    return r.cr3;
  }

  private movCr0(): void {
    this.out.push({ op: 'mov-cr0', value: this.cr0() });
  }

  private setPaging(on: boolean): void {
    this.state.pg = on;
    this.movCr0();
  }

  private ensurePaging(): void {
    if (!this.state.pg) this.setPaging(true);
  }

  private switchRoot(root: number): void {
    this.state.root = root % this.tables.roots.length;
    this.out.push({ op: 'mov-cr3', value: this.cr3Of(this.state.root) });
  }

  // ---- mappings and addresses ------------------------------------------------------------------

  private view(): AddressView {
    const mappings = this.set.roots[this.state.root]?.mappings ?? [];
    if (this.state.hot === null) {
      const plain: AddressView = { mappings, hot: [] };
      this.state.hot = this.scenario.hot.map((t) => resolveTarget(t, 1, plain).va);
    }
    return { mappings, hot: this.state.hot };
  }

  /** Mapping `index` of the root in use (modulo their number), or of any root if it has none. */
  private mappingRef(index: number): MappingRef | null {
    const inRoot = this.all.filter((x) => x.encoded.root === this.state.root);
    const pool = inRoot.length > 0 ? inRoot : this.all;
    return pool[index % Math.max(1, pool.length)] ?? null;
  }

  private probeVa(m: Mapping, probe: { offset: number; size: number }): number {
    const bytes = PAGE_BYTES[m.size];
    return m.linear + Math.min(probe.offset % bytes, bytes - probe.size);
  }

  private access(op: AccessOp, va: number, size: AccessSize, user: boolean, value: bigint): void {
    if (op === 'store') this.out.push({ op, va, size, user, value: hexFromBigInt(BigInt.asUintN(size * 8, value)) });
    else this.out.push({ op, va, size, user });
  }

  private probe(p: Probe, va: number): void {
    this.access(p.op, va, p.size, p.user, p.value);
  }

  // ---- entries ---------------------------------------------------------------------------------

  private entry(pa: number): bigint {
    return this.state.entries.get(pa) ?? 0n;
  }

  private writeEntry(pa: number, value: bigint, undo: [number, bigint][]): void {
    undo.push([pa, this.entry(pa)]);
    this.state.entries.set(pa, value);
    this.out.push({ op: 'write-phys', pa, value: hexFromBigInt(value) });
  }

  /** The address and architectural level of the entry `target` of a mapping. */
  private entryOf(ref: MappingRef, target: EntryTarget): { pa: number; level: EntryLevel } {
    const e = ref.encoded;
    // The PDE's current shape decides its level: a size swap may have turned it into the other kind.
    const large = hasBit(this.entry(e.pdeAddress), BIT.PS);
    switch (target) {
      case 'pdpte':
        return { pa: e.pdpteAddress, level: 'pdpte' };
      case 'pde':
        return { pa: e.pdeAddress, level: large ? 'pde-large' : 'pde-table' };
      case 'pte':
        return e.size === '2m' ? { pa: e.pdeAddress, level: large ? 'pde-large' : 'pde-table' } : { pa: e.leafAddress, level: 'pte' };
    }
  }

  /** A frame for `spec` of `bytes`, different from `avoid`. */
  private newFrame(spec: FrameSpec, bytes: number, avoid: number): number {
    const frame = resolveFrame(spec, bytes, this.maxPhyAddr, this.placedFrames);
    if (frame !== avoid) return frame;
    for (const candidate of [frame + bytes, frame - bytes, frame + 2 * bytes])
      if (isUsableFrame(candidate, bytes, this.maxPhyAddr)) return candidate;
    return frame;
  }

  /** Applies an edit as physical writes; returns the old values, for undo. */
  private applyEdit(ref: MappingRef, edit: Edit): [number, bigint][] {
    const undo: [number, bigint][] = [];
    const e = ref.encoded;
    const large = e.size === '2m';
    const leaf = this.entry(e.leafAddress);
    const flipBitAt = (target: 'pde' | 'pte', bit: number): void => {
      const { pa } = this.entryOf(ref, target);
      const old = this.entry(pa);
      this.writeEntry(pa, withBit(old, bit, !hasBit(old, bit)), undo);
    };
    switch (edit.kind) {
      case 'remap': {
        this.remapLeaf(ref, edit.frame, undo);
        break;
      }
      case 'flip-writable':
        flipBitAt(edit.level, BIT.RW);
        break;
      case 'flip-user':
        flipBitAt(edit.level, BIT.US);
        break;
      case 'flip-global':
        flipBitAt('pte', BIT.G);
        break;
      case 'flip-xd':
        if (this.xdAllowed) flipBitAt('pte', BIT.XD);
        break;
      case 'clear-present': {
        const { pa } = this.entryOf(ref, edit.level);
        this.writeEntry(pa, applyDefect(this.entry(pa), { kind: 'not-present' }), undo);
        break;
      }
      case 'defect': {
        const { pa, level } = this.entryOf(ref, edit.level);
        this.writeEntry(pa, applyDefect(this.entry(pa), resolveDefect(edit.defect, level, this.maxPhyAddr)), undo);
        break;
      }
      case 'swap-size': {
        const regionBase = e.linear - (e.linear % PAGE_2M);
        if (hasBit(this.entry(e.pdeAddress), BIT.PS) !== large) {
          // Swapped already: swap back to the PDE the encoder wrote.
          this.writeEntry(e.pdeAddress, e.pdeValue, undo);
          break;
        }
        if (!large) {
          const frame = this.newFrame(edit.frame, PAGE_2M, -1);
          this.writeEntry(e.pdeAddress, leafFor(frame, true, leafBitsOf(leaf)), undo);
          this.state.extras.push({ linear: regionBase, bytes: PAGE_2M, frame });
          break;
        }
        const tables = this.all.filter((x) => x.encoded.pageTable !== null);
        const k = edit.frame.kind === 'region' ? edit.frame.slot : edit.frame.of;
        const chosen = tables[k % Math.max(1, tables.length)];
        if (chosen === undefined || chosen.encoded.pageTable === null) {
          this.remapLeaf(ref, edit.frame, undo);
          break;
        }
        const pt = chosen.encoded.pageTable;
        this.writeEntry(e.pdeAddress, tablePdeFor(pt), undo);
        for (const x of this.all)
          if (x.encoded.pageTable === pt)
            this.state.extras.push({ linear: regionBase + (x.mapping.linear % PAGE_2M), bytes: PAGE_4K, frame: x.mapping.frame });
        break;
      }
    }
    return undo;
  }

  private remapLeaf(ref: MappingRef, spec: FrameSpec, undo: [number, bigint][]): void {
    const e = ref.encoded;
    // A 2 MiB mapping whose PDE now points to a page table has no frame to move.
    if (e.size === '2m' && !hasBit(this.entry(e.pdeAddress), BIT.PS)) return;
    const bytes = PAGE_BYTES[e.size];
    const frame = this.newFrame(spec, bytes, ref.mapping.frame);
    this.writeEntry(e.leafAddress, withFrame(this.entry(e.leafAddress), frame, e.size === '2m'), undo);
    this.state.extras.push({ linear: e.linear, bytes, frame });
  }

  private invalidate(kind: Invalidation, va: number): void {
    switch (kind) {
      case 'invlpg':
        this.out.push({ op: 'invlpg', va });
        return;
      case 'invlpg-other-in-2m': {
        // Another 4 KiB page of the same 2 MiB region: it invalidates a 2 MiB translation of va, not a 4 KiB one.
        const region = va - (va % PAGE_2M);
        const page = Math.floor((va % PAGE_2M) / PAGE_4K);
        this.out.push({ op: 'invlpg', va: region + ((page + 1) % (PAGE_2M / PAGE_4K)) * PAGE_4K + (va % PAGE_4K) });
        return;
      }
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

  private expand(a: Action): void {
    switch (a.kind) {
      case 'access':
        for (const r of resolveAccess(a.access, this.view())) this.access(a.access.op, r.va, r.size, a.access.user, a.access.value);
        return;
      case 'invlpg':
        this.out.push({ op: 'invlpg', va: resolveTarget(a.target, 1, this.view()).va });
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
        this.out.push({ op: 'mov-cr4', value: this.cr4() });
        return;
      case 'toggle-paging':
        this.setPaging(!this.state.pg);
        return;
      case 'paging-cycle':
        if (this.state.pg) this.setPaging(false);
        this.setPaging(true);
        return;
      case 'alias-check':
        this.aliasCheck(a);
        return;
      case 'pair-check':
        this.pairCheck(a);
        return;
      case 'wp-check':
        this.wpCheck(a);
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
  private aliasesOf(ref: MappingRef, pa: number, size: number): MappingRef[] {
    return this.all.filter((x) => x !== ref && pa >= x.mapping.frame && pa + size <= x.mapping.frame + PAGE_BYTES[x.mapping.size]);
  }

  private aliasCheck(a: Extract<Action, { kind: 'alias-check' }>): void {
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
    const here = (x: MappingRef): boolean => x.encoded.root === this.state.root;
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

  private pairCheck(a: Extract<Action, { kind: 'pair-check' }>): void {
    const low32 = (f: number): number => f % pow2(32);
    const hasTwin = (x: MappingRef): boolean => this.all.some((y) => y.mapping.frame !== x.mapping.frame && low32(y.mapping.frame) === low32(x.mapping.frame));
    const twinned = this.all.filter((x) => x.encoded.root === this.state.root && hasTwin(x));
    const ref = twinned.length > 0 ? (twinned[a.mapping % twinned.length] ?? null) : this.mappingRef(a.mapping);
    if (ref === null) return;
    this.ensurePaging();
    const home = this.state.root;
    const va = this.probeVa(ref.mapping, a.probe);
    // Prefer a frame that differs from this one only at or above bit 32.
    const isTwin = (x: MappingRef): boolean => x.mapping.frame !== ref.mapping.frame && low32(x.mapping.frame) === low32(ref.mapping.frame);
    // Then an alias of the same frame, then any other mapping of this root.
    const isAlias = (x: MappingRef): boolean => x !== ref && x.mapping.frame === ref.mapping.frame;
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

  private globalCheck(a: Extract<Action, { kind: 'global-check' }>): void {
    const ref = this.mappingRef(a.mapping);
    if (ref === null) return;
    this.ensurePaging();
    if (!this.state.pge) {
      this.state.pge = true;
      this.out.push({ op: 'mov-cr4', value: this.cr4() });
    }
    const va = this.probeVa(ref.mapping, a.probe);
    const leaf = this.entry(ref.encoded.leafAddress);
    if (!hasBit(leaf, BIT.G)) {
      this.writeEntry(ref.encoded.leafAddress, withBit(leaf, BIT.G, true), []);
      this.out.push({ op: 'invlpg', va });
    }
    this.probe(a.probe, va);
    if (a.remap !== null) this.remapLeaf(ref, a.remap, []);
    this.switchRoot(a.root);
    this.probe(a.probe, va);
  }

  private editAction(a: Extract<Action, { kind: 'edit' }>): void {
    const ref = this.mappingRef(a.mapping);
    if (ref === null) return;
    this.ensurePaging();
    const va = this.probeVa(ref.mapping, a.probe);
    if (a.before) this.probe(a.probe, va);
    const undo = this.applyEdit(ref, a.edit);
    this.invalidate(a.invalidation, va);
    for (let i = 0; i < a.after; i++) this.probe(a.probe, va);
    if (a.undo && undo.length > 0) {
      const ignored: [number, bigint][] = [];
      for (const [pa, old] of [...undo].reverse()) this.writeEntry(pa, old, ignored);
      this.invalidate(a.invalidation, va);
      this.probe(a.probe, va);
    }
  }

  // ---- the whole scenario ----------------------------------------------------------------------

  private applyInitialDefects(): void {
    for (const d of this.scenario.defects) {
      const ref = this.all[d.mapping % Math.max(1, this.all.length)];
      if (ref === undefined) return;
      const { pa, level } = this.entryOf(ref, d.level);
      let defect = resolveDefect(d.defect, level, this.maxPhyAddr);
      // A bad PDPTE in the root paging starts with would fault at power-on, where no step can observe
      // it (and the specification refuses such a trace): make it not present instead.
      if (level === 'pdpte' && ref.encoded.root === 0 && this.scenario.initialPaging === 'on') defect = { kind: 'not-present' };
      this.state.entries.set(pa, applyDefect(this.entry(pa), defect));
    }
  }

  encode(): Trace {
    this.applyInitialDefects();
    const initialEntries = new Map(this.state.entries);
    const registers: Registers = {
      cr0: this.cr0(),
      cr3: this.cr3Of(0),
      cr4: this.cr4(),
      efer: this.scenario.nxe ? pow2(EFER.NXE_BIT) : 0,
    };
    const steps: Step[] = [];
    this.scenario.actions.forEach((action, i) => {
      const saved = this.state.clone();
      this.out = [];
      if (i === this.scenario.enableBefore) this.ensurePaging();
      this.expand(action);
      if (steps.length + this.out.length <= this.options.maxSteps) steps.push(...this.out);
      else this.state = saved;
    });
    return {
      format: TRACE_FORMAT,
      version: TRACE_VERSION,
      maxPhyAddr: this.maxPhyAddr,
      registers,
      memory: this.memory(initialEntries, registers, steps),
      steps,
    };
  }

  /**
   * After `encode`: data ranges, table pages, the entries as last written, the registers at the end, and
   * the page tables whose present 4 KiB pages one 2 MiB leaf could map instead (promotion).
   */
  layout(): FirstStageLayout {
    const promotable: PromotionCandidate[] = [];
    const byTable = new Map<number, MappingRef[]>();
    for (const x of this.all) if (x.encoded.pageTable !== null) byTable.set(x.encoded.pageTable, [...(byTable.get(x.encoded.pageTable) ?? []), x]);
    for (const [table, refs] of byTable) {
      const first = refs[0] as MappingRef;
      const pde = this.entry(first.encoded.pdeAddress);
      if (!hasBit(pde, BIT.P) || hasBit(pde, BIT.PS) || (pde & 0x000ffffffffff000n) !== BigInt(table)) continue;
      const pages = refs.map((x) => ({ index: Math.floor((x.mapping.linear % PAGE_2M) / PAGE_4K), pte: this.entry(x.encoded.leafAddress) })).filter((p) => hasBit(p.pte, BIT.P));
      if (pages.length === 0) continue;
      const bits = {
        writable: hasBit(pde, BIT.RW) && pages.every((p) => hasBit(p.pte, BIT.RW)),
        user: hasBit(pde, BIT.US) && pages.every((p) => hasBit(p.pte, BIT.US)),
        global: false,
        executeDisable: pages.some((p) => hasBit(p.pte, BIT.XD)),
        accessed: false,
        dirty: false,
      };
      promotable.push({
        cr3: this.cr3Of(first.encoded.root),
        linear: first.mapping.linear - (first.mapping.linear % PAGE_2M),
        bytes: PAGE_2M,
        pdeAddress: first.encoded.pdeAddress,
        pageTable: table,
        entryBytes: 8,
        pages: pages.map((p) => ({ index: p.index, frame: Number(p.pte & 0x000ffffffffff000n) })),
        leafFor: (base) => leafFor(base, true, bits),
      });
    }
    return {
      dataRanges: [
        ...this.all.map((x) => ({ frame: x.mapping.frame, bytes: PAGE_BYTES[x.mapping.size] })),
        ...this.state.extras.map((e) => ({ frame: e.frame, bytes: e.bytes })),
      ],
      tablePages: [PDPT_PAGE, ...this.tables.tablePages],
      words: this.state.entries,
      final: { cr0: this.cr0(), cr3: this.cr3Of(this.state.root), cr4: this.cr4() },
      promotable,
    };
  }

  /** Page-table words as first written, then seeded data at every word an access step can reach. */
  private memory(initialEntries: ReadonlyMap<number, bigint>, registers: Registers, steps: readonly Step[]): MemoryWord[] {
    const words = new Map(initialEntries);
    const seed = (pa: number): void => {
      const w = wordOf(pa);
      if (w >= pow2(this.maxPhyAddr) || inRange(w, LOW_TABLE_POOL) || inRange(w, HIGH_TABLE_POOL) || words.has(w)) return;
      words.set(w, seedValueAt(w));
    };
    const ranges = [
      ...this.all.map((x) => ({ linear: x.mapping.linear, bytes: PAGE_BYTES[x.mapping.size], frame: x.mapping.frame })),
      ...this.state.extras,
    ];
    let paging = registers.cr0 >= pow2(CR0.PG_BIT);
    for (const s of steps) {
      if (s.op === 'mov-cr0') paging = s.value >= pow2(CR0.PG_BIT);
      else if (s.op === 'load' || s.op === 'store' || s.op === 'fetch') {
        for (const a of [s.va, s.va + s.size - 1]) {
          if (!paging) {
            seed(a);
            continue;
          }
          // Any mapping of any root may be the one used (CR3 switches, global and stale entries).
          for (const r of ranges) if (a >= r.linear && a < r.linear + r.bytes) seed(r.frame + (a - r.linear));
        }
      }
    }
    return [...words.entries()]
      .filter(([, v]) => v !== 0n)
      .sort((x, y) => x[0] - y[0])
      .map(([pa, v]) => ({ pa, value: hexFromBigInt(v) }));
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
