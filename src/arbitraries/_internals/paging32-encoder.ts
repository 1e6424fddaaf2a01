/**
 * Scenario32 -> Trace under 32-bit paging (SDM 4.3). A pure, deterministic function, built like the PAE
 * scenario encoder (scenario-encoder.ts): page tables from paging32-tables.ts, each action expanded into a
 * few steps against a small model of what the kernel wrote, data seeded last at every word a step can
 * reach. Actions that would not fit the step budget are left out whole.
 *
 * Entries are 4 bytes, so an edit rewrites the 8-byte word that holds the entry, keeping its neighbour.
 * CR4.PAE = 0 in every CR4 the encoder writes, except inside a try-pae action.
 * @internal
 */
import { BIT, CR0, CR4, EFER, PAGE_2M, PAGE_4K, PAGE_4M, PAGING32 } from '../../arch/entry-layout.ts';
import { hexFromBigInt } from '../../arch/word.ts';
import type { AccessSize, MemoryWord, Step, Trace } from '../../machine/trace.ts';
import { TRACE_FORMAT, TRACE_VERSION } from '../../machine/trace.ts';
import { type AccessOp, type AddressView, resolveAccess, resolveTarget } from '../address-stream.ts';
import { type Mapping, PAGE_BYTES } from '../mappings.ts';
import { seedValueAt, wordOf } from './data-seeding.ts';
import type { FirstStageLayout, LaidOutTrace, PromotionCandidate } from './first-stage-layout.ts';
import { type FrameSpec, type PlacedFrame } from './frame-spec.ts';
import {
  type Encoded32Mapping,
  type Encoded32Tables,
  encodePaging32Tables,
  entriesToWords,
  hasBit32,
  hugeFrameLimitBits,
  hugePde32For,
  leafBits32Of,
  pte32For,
  resolveFrame32,
  tablePde32For,
  withBit32,
} from './paging32-tables.ts';
import type { Action32, Edit32, Invalidation32, Scenario32 } from './paging32-scenario.ts';
import { HIGH_TABLE_POOL, inRange, isUsableFrame, LOW_TABLE_POOL } from './physical-layout.ts';
import type { Probe } from './scenario-core.ts';

export interface Encode32Options {
  readonly maxSteps: number;
}

interface Ref {
  readonly mapping: Mapping;
  readonly encoded: Encoded32Mapping;
}

interface ExtraFrame {
  readonly linear: number;
  readonly bytes: number;
  readonly frame: number;
}

class Kernel32 {
  constructor(
    public pg: boolean,
    public wp: boolean,
    public pge: boolean,
    public pse: boolean,
    public root: number,
    public hot: number[] | null,
    public readonly words: Map<number, bigint>,
    public readonly extras: ExtraFrame[],
  ) {}

  clone(): Kernel32 {
    return new Kernel32(this.pg, this.wp, this.pge, this.pse, this.root, this.hot === null ? null : [...this.hot], new Map(this.words), [...this.extras]);
  }
}

const pow2 = (n: number): number => 2 ** n;

class Paging32Encoder {
  private readonly tables: Encoded32Tables;
  private readonly all: readonly Ref[];
  private readonly placed: readonly PlacedFrame[];
  private readonly maxPhyAddr: number;
  private state: Kernel32;
  private out: Step[] = [];

  constructor(
    private readonly scenario: Scenario32,
    private readonly options: Encode32Options,
  ) {
    const set = scenario.mappingSet;
    this.maxPhyAddr = set.maxPhyAddr;
    this.tables = encodePaging32Tables(set);
    this.all = set.roots.flatMap((root, r) =>
      root.mappings.map((mapping, i) => {
        const encoded = this.tables.mappings[r]?.[i];
        if (encoded === undefined) throw new Error('encoded mapping missing');
        return { mapping, encoded };
      }),
    );
    this.placed = this.all.map((x) => ({ frame: x.mapping.frame, bytes: PAGE_BYTES[x.mapping.size] }));
    const s = scenario;
    this.state = new Kernel32(s.initialPaging === 'on', s.wp, s.pge, s.pse, 0, null, entriesToWords(this.tables.entries), []);
  }

  // ---- registers -------------------------------------------------------------------------------

  private cr0(): number {
    return (this.state.pg ? pow2(CR0.PG_BIT) : 0) + (this.state.wp ? pow2(CR0.WP_BIT) : 0);
  }

  private cr4(): number {
    return (this.state.pse ? pow2(CR4.PSE_BIT) : 0) + (this.state.pge ? pow2(CR4.PGE_BIT) : 0);
  }

  private cr3Of(root: number): number {
    const directory = this.tables.directories[root];
    if (directory === undefined) throw new Error(`no root ${root}`);
    return directory + this.scenario.cr3Flags;
  }

  private setPaging(on: boolean): void {
    this.state.pg = on;
    this.out.push({ op: 'mov-cr0', value: this.cr0() });
  }

  private ensurePaging(): void {
    if (!this.state.pg) this.setPaging(true);
  }

  private switchRoot(root: number): void {
    this.state.root = root % this.tables.directories.length;
    this.out.push({ op: 'mov-cr3', value: this.cr3Of(this.state.root) });
  }

  private movCr4(): void {
    this.out.push({ op: 'mov-cr4', value: this.cr4() });
  }

  // ---- mappings, addresses, accesses -----------------------------------------------------------

  private view(): AddressView {
    const mappings = this.scenario.mappingSet.roots[this.state.root]?.mappings ?? [];
    if (this.state.hot === null) {
      const plain: AddressView = { mappings, hot: [] };
      this.state.hot = this.scenario.hot.map((t) => resolveTarget(t, 1, plain).va);
    }
    return { mappings, hot: this.state.hot };
  }

  private mappingRef(index: number): Ref | null {
    const inRoot = this.all.filter((x) => x.encoded.root === this.state.root);
    const pool = inRoot.length > 0 ? inRoot : this.all;
    return pool[index % Math.max(1, pool.length)] ?? null;
  }

  private probeVa(m: Mapping, p: { offset: number; size: number }): number {
    const bytes = PAGE_BYTES[m.size];
    return m.linear + Math.min(p.offset % bytes, bytes - p.size);
  }

  private access(op: AccessOp, va: number, size: AccessSize, user: boolean, value: bigint): void {
    if (op === 'store') this.out.push({ op, va, size, user, value: hexFromBigInt(BigInt.asUintN(size * 8, value)) });
    else this.out.push({ op, va, size, user });
  }

  private probe(p: Probe, va: number): void {
    this.access(p.op, va, p.size, p.user, p.value);
  }

  // ---- entries ---------------------------------------------------------------------------------

  private entry(pa: number): number {
    const base = pa - (pa % 8);
    return Number(((this.state.words.get(base) ?? 0n) >> BigInt((pa - base) * 8)) & 0xffffffffn);
  }

  /** Writes a 4-byte entry as a physical write of its whole 8-byte word. */
  private writeEntry(pa: number, value: number, undo: [number, number][]): void {
    undo.push([pa, this.entry(pa)]);
    const base = pa - (pa % 8);
    const shift = BigInt((pa - base) * 8);
    const word = ((this.state.words.get(base) ?? 0n) & ~(0xffffffffn << shift)) | (BigInt(value) << shift);
    this.state.words.set(base, word);
    this.out.push({ op: 'write-phys', pa: base, value: hexFromBigInt(word) });
  }

  /** Whether the PDE of a mapping is now a 4 MiB leaf (an edit may have swapped it). */
  private pdeIsHuge(ref: Ref): boolean {
    return hasBit32(this.entry(ref.encoded.pdeAddress), BIT.PS);
  }

  /** The leaf entry of a mapping as things stand: the PDE if it is a 4 MiB leaf, else the PTE. */
  private leafAddress(ref: Ref): number {
    return ref.encoded.size === '4m' ? ref.encoded.pdeAddress : ref.encoded.leafAddress;
  }

  private entryAt(ref: Ref, level: 'pde' | 'pte'): number {
    return level === 'pde' ? ref.encoded.pdeAddress : this.leafAddress(ref);
  }

  private newFrame(spec: FrameSpec, size: '4k' | '4m', avoid: number): number {
    const bytes = PAGE_BYTES[size];
    const frame = resolveFrame32(spec, size, this.maxPhyAddr, this.placed);
    if (frame !== avoid) return frame;
    const limit = size === '4k' ? 32 : hugeFrameLimitBits(this.maxPhyAddr);
    for (const c of [frame + bytes, frame - bytes, frame + 2 * bytes]) if (isUsableFrame(c, bytes, limit)) return c;
    return frame;
  }

  private applyEdit(ref: Ref, edit: Edit32): [number, number][] {
    const undo: [number, number][] = [];
    const e = ref.encoded;
    const flip = (pa: number, b: number): void => this.writeEntry(pa, withBit32(this.entry(pa), b, !hasBit32(this.entry(pa), b)), undo);
    switch (edit.kind) {
      case 'remap':
        this.remapLeaf(ref, edit.frame, undo);
        break;
      case 'flip-writable':
        flip(this.entryAt(ref, edit.level), BIT.RW);
        break;
      case 'flip-user':
        flip(this.entryAt(ref, edit.level), BIT.US);
        break;
      case 'flip-global':
        flip(this.leafAddress(ref), BIT.G);
        break;
      case 'clear-present': {
        const pa = this.entryAt(ref, edit.level);
        this.writeEntry(pa, withBit32(this.entry(pa), BIT.P, false), undo);
        break;
      }
      case 'reserved': {
        if (!this.pdeIsHuge(ref)) {
          const pa = this.leafAddress(ref);
          this.writeEntry(pa, withBit32(this.entry(pa), BIT.P, false), undo);
          break;
        }
        // Bit 21, or a PSE-36 address bit beyond M' (SDM Table 4-4).
        const firstReserved = PAGING32.PSE36_LOW_BIT + hugeFrameLimitBits(this.maxPhyAddr) - 32;
        const choices: number[] = [PAGING32.LARGE_RESERVED_BIT];
        for (let b = firstReserved; b < PAGING32.LARGE_RESERVED_BIT; b++) choices.push(b);
        const b = choices[edit.slot % choices.length] ?? PAGING32.LARGE_RESERVED_BIT;
        this.writeEntry(e.pdeAddress, withBit32(this.entry(e.pdeAddress), b, true), undo);
        break;
      }
      case 'swap-size':
        this.swapSize(ref, edit.frame, undo);
        break;
    }
    return undo;
  }

  private swapSize(ref: Ref, spec: FrameSpec, undo: [number, number][]): void {
    const e = ref.encoded;
    const large = e.size === '4m';
    const region = e.linear - (e.linear % PAGE_4M);
    if (this.pdeIsHuge(ref) !== large) {
      this.writeEntry(e.pdeAddress, e.pdeValue, undo);
      return;
    }
    if (!large) {
      const frame = this.newFrame(spec, '4m', -1);
      this.writeEntry(e.pdeAddress, hugePde32For(frame, leafBits32Of(this.entry(e.leafAddress))), undo);
      this.state.extras.push({ linear: region, bytes: PAGE_4M, frame });
      return;
    }
    const withTables = this.all.filter((x) => x.encoded.pageTable !== null);
    const k = spec.kind === 'region' ? spec.slot : spec.of;
    const chosen = withTables[k % Math.max(1, withTables.length)];
    if (chosen === undefined || chosen.encoded.pageTable === null) {
      this.remapLeaf(ref, spec, undo);
      return;
    }
    const table = chosen.encoded.pageTable;
    this.writeEntry(e.pdeAddress, tablePde32For(table), undo);
    for (const x of this.all)
      if (x.encoded.pageTable === table) this.state.extras.push({ linear: region + (x.mapping.linear % PAGE_4M), bytes: PAGE_4K, frame: x.mapping.frame });
  }

  private remapLeaf(ref: Ref, spec: FrameSpec, undo: [number, number][]): void {
    const e = ref.encoded;
    if (e.size === '4m' && !this.pdeIsHuge(ref)) return;
    const frame = this.newFrame(spec, e.size, ref.mapping.frame);
    const old = this.entry(e.leafAddress);
    const bits = leafBits32Of(old);
    const keepA = hasBit32(old, BIT.A);
    const keepD = hasBit32(old, BIT.D);
    const leaf = e.size === '4m' ? hugePde32For(frame, { ...bits, accessed: keepA, dirty: keepD }) : pte32For(frame, bits);
    this.writeEntry(e.leafAddress, leaf, undo);
    this.state.extras.push({ linear: e.linear, bytes: PAGE_BYTES[e.size], frame });
  }

  private invalidate(kind: Invalidation32, va: number): void {
    switch (kind) {
      case 'invlpg':
        this.out.push({ op: 'invlpg', va });
        return;
      case 'invlpg-other-in-4m': {
        // A page in the other 2 MiB half of the same 4 MiB region: it covers a 4 MiB translation of va only.
        const region = va - (va % PAGE_4M);
        this.out.push({ op: 'invlpg', va: region + ((va % PAGE_4M) + PAGE_2M + PAGE_4K) % PAGE_4M });
        return;
      }
      case 'mov-cr3':
        this.switchRoot(this.state.root);
        return;
      case 'pse-cycle':
        this.state.pse = !this.state.pse;
        this.movCr4();
        this.state.pse = !this.state.pse;
        this.movCr4();
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

  private expand(a: Action32): void {
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
        this.out.push({ op: 'mov-cr0', value: this.cr0() });
        return;
      case 'toggle-pge':
        this.state.pge = !this.state.pge;
        this.movCr4();
        return;
      case 'toggle-pse':
        this.state.pse = !this.state.pse;
        this.movCr4();
        return;
      case 'toggle-paging':
        this.setPaging(!this.state.pg);
        return;
      case 'try-pae': {
        const ref = this.mappingRef(a.mapping);
        if (ref === null) return;
        this.ensurePaging();
        this.out.push({ op: 'mov-cr4', value: this.cr4() + pow2(CR4.PAE_BIT) });
        this.probe(a.probe, this.probeVa(ref.mapping, a.probe));
        this.movCr4();
        return;
      }
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

  private aliasesOf(ref: Ref, pa: number, size: number): Ref[] {
    return this.all.filter((x) => x !== ref && pa >= x.mapping.frame && pa + size <= x.mapping.frame + PAGE_BYTES[x.mapping.size]);
  }

  private aliasCheck(a: Extract<Action32, { kind: 'alias-check' }>): void {
    const inRoot = this.all.filter((x) => x.encoded.root === this.state.root);
    const shared = inRoot.filter((x) => this.aliasesOf(x, x.mapping.frame, 1).length > 0);
    const ref = shared.length > 0 ? (shared[a.mapping % shared.length] ?? null) : this.mappingRef(a.mapping);
    if (ref === null) return;
    this.ensurePaging();
    const va = this.probeVa(ref.mapping, a.probe);
    this.access('store', va, a.probe.size, a.probe.user, a.probe.value);
    const pa = ref.mapping.frame + (va - ref.mapping.linear);
    const aliases = this.aliasesOf(ref, pa, a.probe.size);
    const here = (x: Ref): boolean => x.encoded.root === this.state.root;
    if (a.via === 'alias') {
      const alias = aliases.find(here) ?? aliases[0];
      if (alias !== undefined) {
        if (!here(alias)) this.switchRoot(alias.encoded.root);
        this.access('load', alias.mapping.linear + (pa - alias.mapping.frame), a.probe.size, a.probe.user, 0n);
        return;
      }
    }
    const sameVa = aliases.find((x) => !here(x) && x.mapping.linear + (pa - x.mapping.frame) === va);
    this.switchRoot(sameVa !== undefined ? sameVa.encoded.root : this.state.root + 1);
    this.access('load', va, a.probe.size, a.probe.user, 0n);
  }

  private globalCheck(a: Extract<Action32, { kind: 'global-check' }>): void {
    const ref = this.mappingRef(a.mapping);
    if (ref === null) return;
    this.ensurePaging();
    if (!this.state.pge) {
      this.state.pge = true;
      this.movCr4();
    }
    const va = this.probeVa(ref.mapping, a.probe);
    const leaf = this.leafAddress(ref);
    if (!hasBit32(this.entry(leaf), BIT.G)) {
      this.writeEntry(leaf, withBit32(this.entry(leaf), BIT.G, true), []);
      this.out.push({ op: 'invlpg', va });
    }
    this.probe(a.probe, va);
    if (a.remap !== null) this.remapLeaf(ref, a.remap, []);
    this.switchRoot(a.root);
    this.probe(a.probe, va);
  }

  private editAction(a: Extract<Action32, { kind: 'edit' }>): void {
    const ref = this.mappingRef(a.mapping);
    if (ref === null) return;
    this.ensurePaging();
    const va = this.probeVa(ref.mapping, a.probe);
    if (a.before) this.probe(a.probe, va);
    const undo = this.applyEdit(ref, a.edit);
    this.invalidate(a.invalidation, va);
    for (let i = 0; i < a.after; i++) this.probe(a.probe, va);
    if (a.undo && undo.length > 0) {
      for (const [pa, old] of [...undo].reverse()) this.writeEntry(pa, old, []);
      this.invalidate(a.invalidation, va);
      this.probe(a.probe, va);
    }
  }

  // ---- the whole scenario ----------------------------------------------------------------------

  encode(): LaidOutTrace<Trace> {
    const initialWords = new Map(this.state.words);
    const registers = {
      cr0: this.cr0(),
      cr3: this.cr3Of(0),
      cr4: this.cr4(),
      efer: this.scenario.nxe ? pow2(EFER.NXE_BIT) : 0,
    };
    const steps: Step[] = [];
    for (const action of this.scenario.actions) {
      const saved = this.state.clone();
      this.out = [];
      this.expand(action);
      if (steps.length + this.out.length <= this.options.maxSteps) steps.push(...this.out);
      else this.state = saved;
    }
    const trace: Trace = {
      format: TRACE_FORMAT,
      version: TRACE_VERSION,
      maxPhyAddr: this.maxPhyAddr,
      registers,
      memory: this.memory(initialWords, registers.cr0, steps),
      steps,
    };
    return { trace, layout: this.layout() };
  }

  private ranges(): ExtraFrame[] {
    return [...this.all.map((x) => ({ linear: x.mapping.linear, bytes: PAGE_BYTES[x.mapping.size], frame: x.mapping.frame })), ...this.state.extras];
  }

  private memory(initialWords: ReadonlyMap<number, bigint>, cr0: number, steps: readonly Step[]): MemoryWord[] {
    const words = new Map(initialWords);
    const seed = (pa: number): void => {
      const w = wordOf(pa);
      if (w >= pow2(this.maxPhyAddr) || inRange(w, LOW_TABLE_POOL) || inRange(w, HIGH_TABLE_POOL) || words.has(w)) return;
      words.set(w, seedValueAt(w));
    };
    const ranges = this.ranges();
    let paging = cr0 >= pow2(CR0.PG_BIT);
    for (const s of steps) {
      if (s.op === 'mov-cr0') paging = s.value >= pow2(CR0.PG_BIT);
      else if (s.op === 'load' || s.op === 'store' || s.op === 'fetch') {
        for (const a of [s.va, s.va + s.size - 1]) {
          if (!paging) {
            seed(a);
            continue;
          }
          for (const r of ranges) if (a >= r.linear && a < r.linear + r.bytes) seed(r.frame + (a - r.linear));
        }
      }
    }
    return [...words.entries()]
      .filter(([, v]) => v !== 0n)
      .sort((x, y) => x[0] - y[0])
      .map(([pa, v]) => ({ pa, value: hexFromBigInt(v) }));
  }

  /** What the two-stage generator needs to lay a second stage under this trace. */
  private layout(): FirstStageLayout {
    const promotable: PromotionCandidate[] = [];
    const byTable = new Map<number, Ref[]>();
    for (const x of this.all) if (x.encoded.pageTable !== null) byTable.set(x.encoded.pageTable, [...(byTable.get(x.encoded.pageTable) ?? []), x]);
    for (const [table, refs] of byTable) {
      const first = refs[0] as Ref;
      const pde = this.entry(first.encoded.pdeAddress);
      // Still a present PDE referencing this table, as the encoder left it.
      if (!hasBit32(pde, BIT.P) || hasBit32(pde, BIT.PS) || pde - (pde % PAGE_4K) !== table) continue;
      const pages = refs
        .map((x) => ({ index: Math.floor((x.mapping.linear % PAGE_4M) / PAGE_4K), pte: this.entry(x.encoded.leafAddress) }))
        .filter((p) => hasBit32(p.pte, BIT.P));
      if (pages.length === 0) continue;
      const writable = hasBit32(pde, BIT.RW) && pages.every((p) => hasBit32(p.pte, BIT.RW));
      const user = hasBit32(pde, BIT.US) && pages.every((p) => hasBit32(p.pte, BIT.US));
      promotable.push({
        cr3: this.cr3Of(first.encoded.root),
        linear: first.mapping.linear - (first.mapping.linear % PAGE_4M),
        bytes: PAGE_4M,
        pdeAddress: first.encoded.pdeAddress,
        pageTable: table,
        entryBytes: 4,
        pages: pages.map((p) => ({ index: p.index, frame: p.pte - (p.pte % PAGE_4K) })),
        leafFor: (base) => BigInt(hugePde32For(base, { writable, user, global: false, accessed: false, dirty: false })),
      });
    }
    return {
      dataRanges: this.ranges().map((r) => ({ frame: r.frame, bytes: r.bytes })),
      tablePages: this.tables.tablePages,
      words: this.state.words,
      final: { cr0: this.cr0(), cr3: this.cr3Of(this.state.root), cr4: this.cr4() },
      promotable,
    };
  }
}

export function encodeScenario32(scenario: Scenario32, options: Encode32Options): LaidOutTrace<Trace> {
  return new Paging32Encoder(scenario, options).encode();
}
