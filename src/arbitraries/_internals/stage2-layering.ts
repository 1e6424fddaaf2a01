/**
 * Lays a second stage (stage2-plan.ts) under a first-stage trace whose addresses are intermediate: the
 * image and the physical writes move to the physical frames that back them, map-stage2 steps go in
 * where the plan says, and a promotion closes the trace. A pure, deterministic function.
 *
 * - The first-stage trace's words and write-phys steps are at intermediate addresses (a guest kernel
 *   writes its page tables where it sees them); each becomes a physical word or write through the second
 *   stage in force at that point. Trace images, write-phys steps and final memory are physical (trace.ts).
 * - Physical frames handed out to scattered or moved intermediate frames come from a window no
 *   intermediate frame of the first stage uses, `stride` frames apart, so backing is non-contiguous
 *   and no two intermediate frames share a physical one by accident.
 * - A frame moved without copying is seeded with its own data at the new place, so a translation still
 *   cached through the old frame reads different bytes.
 * - Promotion (US5784707A): a flush, supervisor loads of up to four pages of a page table, then its PDE rewritten
 *   as one large leaf at a fresh intermediate base, the large page's intermediate frames mapped to the
 *   physical frames the 4 KiB pages used, then the same loads again: only mappings changed, so each pair
 *   of loads must return the same value.
 * @internal
 */
import { CR0, CR4, PAGE_4K } from '../../arch/entry-layout.ts';
import { bigIntFromHex, hexFromBigInt, type Hex64 } from '../../arch/word.ts';
import type { Stage2Mapping, Step, Trace } from '../../machine/trace.ts';
import { seedValueAt, wordOf } from './data-seeding.ts';
import { withEntryIn } from './entry-words.ts';
import type { FirstStageLayout, LaidOutTrace, PromotionCandidate } from './first-stage-layout.ts';
import type { FrameTarget, Stage2Plan } from './stage2-plan.ts';

/** Physical frames handed out by the second stage: 256 MiB from 2 GiB, away from every generated region. */
const WINDOW_BASE = 2 ** 31;
const WINDOW_FRAMES = 65536;
/** Where promoted large pages get their intermediate base: from 1 GiB, outside the window. */
const PROMOTION_BASE = 2 ** 30;
const MAX_PROMOTED_PAGES = 4;
const LOAD_SIZE = 8;

export interface LayerOptions {
  /** Most steps the second stage may add (map-stage2, copies, promotion). */
  readonly maxExtraSteps: number;
}

const pageOf = (a: number): number => a - (a % PAGE_4K);

class Layering {
  /** Intermediate frame -> physical frame, as in force. */
  private readonly stage2 = new Map<number, number>();
  /** Intermediate words as the first stage wrote them so far (image, then write-phys steps). */
  private readonly ipaWords: Map<number, bigint>;
  /** Physical image. */
  private readonly image = new Map<number, Hex64>();
  private readonly used = new Set<number>();
  /** Intermediate frames moved without their words: what the first stage wrote there is gone. */
  private readonly diverged = new Set<number>();
  private next = 0;
  private extra = 0;
  private readonly out: Step[] = [];

  constructor(
    private readonly first: LaidOutTrace<Trace>,
    private readonly plan: Stage2Plan,
    private readonly options: LayerOptions,
  ) {
    this.ipaWords = new Map(first.trace.memory.map((w) => [w.pa, bigIntFromHex(w.value)]));
    for (const r of first.layout.dataRanges) for (let f = r.frame; f < r.frame + r.bytes && f < r.frame + 1024 * PAGE_4K; f += PAGE_4K) this.used.add(f);
    for (const t of first.layout.tablePages) this.used.add(t);
  }

  private get layout(): FirstStageLayout {
    return this.first.layout;
  }

  private physical(ipa: number): number {
    const frame = pageOf(ipa);
    return (this.stage2.get(frame) ?? frame) + (ipa - frame);
  }

  /** The next physical frame of the window that nothing else uses. */
  private allocate(): number {
    for (;;) {
      const k = (this.next++ * this.plan.stride) % WINDOW_FRAMES;
      const pa = WINDOW_BASE + k * PAGE_4K;
      if (this.used.has(pa)) continue;
      this.used.add(pa);
      return pa;
    }
  }

  private resolve(t: FrameTarget): number | null {
    if (t.kind === 'table') return this.layout.tablePages[t.pick % Math.max(1, this.layout.tablePages.length)] ?? null;
    const r = this.layout.dataRanges[t.pick % Math.max(1, this.layout.dataRanges.length)];
    if (r === undefined) return null;
    return r.frame + (t.sub % (r.bytes / PAGE_4K)) * PAGE_4K;
  }

  /** The intermediate words of one 4 KiB frame, as last written by the first stage. */
  private wordsOf(frame: number): [number, bigint][] {
    const out: [number, bigint][] = [];
    for (const [pa, v] of this.ipaWords) if (pageOf(pa) === frame && v !== 0n) out.push([pa - frame, v]);
    return out.sort((a, b) => a[0] - b[0]);
  }

  private fits(steps: number): boolean {
    return this.extra + steps <= this.options.maxExtraSteps;
  }

  private emitExtra(step: Step): void {
    this.extra++;
    this.out.push(step);
  }

  /** A mid-trace move of one intermediate frame to a fresh physical frame. */
  private move(ipa: number, copy: boolean): void {
    const words = this.wordsOf(ipa);
    if (!this.fits(1 + (copy ? words.length : 0))) return;
    const pa = this.allocate();
    if (copy) for (const [offset, v] of words) this.emitExtra({ op: 'write-phys', pa: pa + offset, value: hexFromBigInt(v) });
    else {
      for (const [offset] of words) this.image.set(pa + offset, hexFromBigInt(seedValueAt(pa + offset)));
      this.diverged.add(ipa);
    }
    this.emitExtra({ op: 'map-stage2', ipa, pa });
    this.stage2.set(ipa, pa);
  }

  lay(): Trace {
    const trace = this.first.trace;
    for (const t of this.plan.scatter) {
      const ipa = this.resolve(t);
      if (ipa !== null && !this.stage2.has(ipa)) this.stage2.set(ipa, this.allocate());
    }
    const initial: Stage2Mapping[] = [...this.stage2.entries()].sort((a, b) => a[0] - b[0]).map(([ipa, pa]) => ({ ipa, pa }));
    for (const w of trace.memory) this.image.set(this.physical(w.pa), w.value);
    const events = this.plan.events.map((e, i) => ({ e, i, at: e.at % (trace.steps.length + 1) })).sort((a, b) => a.at - b.at || a.i - b.i);
    let k = 0;
    trace.steps.forEach((step, index) => {
      for (; k < events.length && (events[k]?.at ?? Infinity) === index; k++) this.applyEvent(events[k]!.e);
      if (step.op !== 'write-phys') {
        this.out.push(step);
        return;
      }
      this.ipaWords.set(step.pa, bigIntFromHex(step.value));
      this.out.push({ ...step, pa: this.physical(step.pa) });
    });
    for (; k < events.length; k++) this.applyEvent(events[k]!.e);
    if (this.plan.promote !== null) this.promote(this.plan.promote.candidate, this.plan.promote.offset);
    return {
      ...trace,
      memory: [...this.image.entries()]
        .filter(([, v]) => v !== '0x0')
        .sort((a, b) => a[0] - b[0])
        .map(([pa, value]) => ({ pa, value })),
      steps: this.out,
      stage2: initial,
    };
  }

  private applyEvent(e: Stage2Plan['events'][number]): void {
    const ipa = this.resolve(e.target);
    if (ipa !== null) this.move(ipa, e.copy);
  }

  /** A fresh intermediate base for a large page of `bytes`, clear of every frame in use. */
  private promotionBase(bytes: number): number {
    for (let base = PROMOTION_BASE; ; base += bytes) {
      let clear = true;
      for (let f = base; f < base + bytes && clear; f += PAGE_4K) clear = !this.used.has(f) && !this.stage2.has(f);
      if (clear) return base;
    }
  }

  private promote(index: number, offset: number): void {
    // A region whose directory or page table lost its words to a move is no longer what the layout says.
    const candidates = this.layout.promotable.filter((c) => !this.diverged.has(pageOf(c.pdeAddress)) && !this.diverged.has(c.pageTable));
    const c: PromotionCandidate | undefined = candidates[index % Math.max(1, candidates.length)];
    if (c === undefined) return;
    const pages = c.pages.slice(0, MAX_PROMOTED_PAGES);
    const setup = this.promotionSetup(c);
    if (!this.fits(setup.length + 3 * pages.length + 2)) return;
    for (const s of setup) this.emitExtra(s);
    const base = this.promotionBase(c.bytes);
    // A map-stage2 that changes nothing (the large page's first frame to itself) still drops every
    // cached translation, so the loads before the promotion read fresh data too.
    this.emitExtra({ op: 'map-stage2', ipa: base, pa: base });
    const loads = pages.map((p): Step => {
      const inPage = offset % (PAGE_4K - LOAD_SIZE + 1);
      return { op: 'load', va: c.linear + p.index * PAGE_4K + inPage - (inPage % LOAD_SIZE), size: LOAD_SIZE, user: false };
    });
    for (const l of loads) this.emitExtra(l);
    const wordIpa = wordOf(c.pdeAddress);
    const word = withEntryIn(this.ipaWords.get(wordIpa) ?? 0n, c.pdeAddress, c.entryBytes, c.leafFor(base));
    this.ipaWords.set(wordIpa, word);
    this.emitExtra({ op: 'write-phys', pa: this.physical(wordIpa), value: hexFromBigInt(word) });
    for (const p of pages) {
      const ipa = base + p.index * PAGE_4K;
      const pa = this.physical(p.frame);
      this.emitExtra({ op: 'map-stage2', ipa, pa });
      this.stage2.set(ipa, pa);
    }
    for (const l of loads) this.emitExtra(l);
  }

  /** Paging on, the candidate's root in CR3, and CR4.PSE for a 4 MiB leaf. */
  private promotionSetup(c: PromotionCandidate): Step[] {
    const { cr0, cr3, cr4 } = this.layout.final;
    const steps: Step[] = [];
    const paeMode = ((cr4 >>> CR4.PAE_BIT) & 1) === 1;
    if (!paeMode && ((cr4 >>> CR4.PSE_BIT) & 1) === 0) steps.push({ op: 'mov-cr4', value: cr4 + 2 ** CR4.PSE_BIT });
    if (cr3 !== c.cr3) steps.push({ op: 'mov-cr3', value: c.cr3 });
    if (cr0 < 2 ** CR0.PG_BIT) steps.push({ op: 'mov-cr0', value: cr0 + 2 ** CR0.PG_BIT });
    return steps;
  }
}

export function layStage2(first: LaidOutTrace<Trace>, plan: Stage2Plan, options: LayerOptions): Trace {
  return new Layering(first, plan, options).lay();
}
