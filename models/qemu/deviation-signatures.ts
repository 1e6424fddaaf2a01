/**
 * How to recognise each known disagreement between QEMU and the specification in a divergence, so that
 * campaigns can bucket them apart from new findings (known-deviations.ts lists them). A signature looks
 * only at the adapted trace and the divergence as the runner reports it (src/machine/check.ts), also when
 * the divergence was read back from a finding file (walk entry values may then be hex text).
 *
 * A final-memory divergence is one deviation's when every differing word is explained by some known
 * deviation; an observation divergence when its step shows that deviation.
 */
import { PAGE_2M, PAGE_4K, PAGE_4M } from '../../src/arch/entry-layout.ts';
import { bigIntFromHex, type Hex64 } from '../../src/arch/word.ts';
import type { Divergence, MemoryDifference } from '../../src/machine/check.ts';
import type { Observation } from '../../src/machine/observation.ts';
import type { AccessStep, Step, Trace } from '../../src/machine/trace.ts';
import { isAccessStep } from '../../src/machine/trace.ts';
import { type Closure32, closure32, entryValues, framesOf32, isPaging32, readPde, wordOf } from './closure-32.ts';
import { GUEST_LAYOUT, QEMU_MAXPHYADDR } from './guest-abi.ts';
import { mappedWindow } from './choose-window.ts';
import { framesOf, type PagingClosure, pagingClosure, pdptBases } from './paging-closure.ts';
import { TraceWords } from './trace-words.ts';

const FOUR_GIB = 2 ** 32;
const ACCESSED = 0x20n;
const DIRTY = 0x40n;

/** A 32-bit paging trace has no PAE structures (and none of its structures lies above 4 GiB). */
const NO_PAE_STRUCTURES: PagingClosure = { entries: new Map(), pdpts: [], directories: new Map(), tables: new Set(), frames: new Set(), regions: new Map() };

/** What the signatures know about a trace, computed once per check. */
export class TraceFacts {
  readonly words: TraceWords;
  readonly closure: PagingClosure;
  readonly highStructures: readonly number[];
  readonly pdpteLocations: ReadonlySet<number>;

  /** 32-bit paging (CR4.PAE = 0): 4-byte entries, two to a word; 4 MiB large pages; no PDPTEs. */
  readonly paging32: Closure32 | null;
  /** The size of a large page in the trace's paging mode. */
  readonly largePage: number;

  constructor(readonly trace: Trace) {
    this.words = new TraceWords(trace);
    const window = mappedWindow(trace);
    const ignore = window === null ? null : { base: window.base, bytes: GUEST_LAYOUT.WINDOW_BYTES };
    this.paging32 = isPaging32(trace.registers.cr4) ? closure32(trace, this.words, { maxPhyAddr: QEMU_MAXPHYADDR, ignore }) : null;
    this.largePage = this.paging32 === null ? PAGE_2M : PAGE_4M;
    this.closure = this.paging32 === null ? pagingClosure(trace, this.words, { maxPhyAddr: QEMU_MAXPHYADDR, ignore }) : NO_PAE_STRUCTURES;
    this.highStructures = [...this.closure.directories.keys(), ...this.closure.tables].filter((pa) => pa >= FOUR_GIB);
    this.pdpteLocations = this.paging32 === null ? new Set(pdptBases(trace).flatMap((b) => [0, 1, 2, 3].map((q) => b + 8 * q))) : new Set();
  }

  /** Pages a linear address may be translated to, and the PDE and PTE words that may translate it. */
  reach(va: number): { pages: Set<number>; entries: Set<number> } {
    if (this.paging32 !== null) return reach32(this.paging32, this.words, va);
    const pages = new Set(framesOf(this.closure, this.words, va, QEMU_MAXPHYADDR));
    const entries = new Set<number>();
    const quarter = Math.floor(va / 2 ** 30);
    for (const [pd, quarters] of this.closure.directories) {
      if (!quarters.has(quarter)) continue;
      const pde = pd + 8 * (Math.floor(va / PAGE_2M) % 512);
      entries.add(pde);
      for (const t of this.closure.regions.get(Math.floor(va / PAGE_2M)) ?? []) if (t.kind === 'table') entries.add(t.table + 8 * (Math.floor(va / PAGE_4K) % 512));
    }
    return { pages, entries };
  }

  /** The value of a memory word just before step `index`: the image, then physical writes. */
  wordBefore(pa: number, index: number): bigint {
    let value = 0n;
    for (const w of this.trace.memory) if (w.pa === pa) value = bigIntFromHex(w.value);
    this.trace.steps.slice(0, index).forEach((s) => {
      if (s.op === 'write-phys' && s.pa === pa) value = bigIntFromHex(s.value);
    });
    return value;
  }
}

/** reach() under 32-bit paging: the words holding the 4-byte PDEs and PTEs that may translate `va`. */
function reach32(closure: Closure32, words: TraceWords, va: number): { pages: Set<number>; entries: Set<number> } {
  const pages = new Set(framesOf32(closure, words, va, QEMU_MAXPHYADDR));
  const entries = new Set<number>();
  for (const pd of closure.directories) {
    const pde = pd + 4 * Math.floor(va / PAGE_4M);
    entries.add(wordOf(pde));
    for (const v of entryValues(words, pde)) {
      const { table } = readPde(v, QEMU_MAXPHYADDR, closure.pse);
      if (table !== null) entries.add(wordOf(table + 4 * (Math.floor(va / PAGE_4K) % 1024)));
    }
  }
  return { pages, entries };
}

/** Walk entries of a divergence, tolerant of values stored as hex text. */
function walkEntries(d: Divergence): { level: string; pa: number; value: bigint }[] {
  return d.walks.flatMap((w) => w.entries.map((e) => ({ level: e.level, pa: e.pa, value: BigInt(e.value as unknown as string | bigint) })));
}

function accessStep(d: Divergence): AccessStep | null {
  return d.kind === 'observation' && d.step !== null && isAccessStep(d.step) ? d.step : null;
}

// ---- observation signatures ----------------------------------------------------------------------------

/** A walk of the diverging access reads a directory or table above 4 GiB. */
export function readsHighStructure(d: Divergence): boolean {
  return accessStep(d) !== null && walkEntries(d).some((e) => (e.level === 'PDE' || e.level === 'PTE') && e.pa >= FOUR_GIB);
}

/** A reserved-bit #PF whose error code lacks P, where the specification wants the same code with P. */
export function reservedFaultWithoutP(d: Divergence): boolean {
  const o = d.observed;
  if (d.kind !== 'observation' || o === null || o.kind !== 'page-fault') return false;
  if ((o.errorCode & 0x8) === 0 || (o.errorCode & 0x1) !== 0) return false;
  return d.allowed.some((a: Observation) => a.kind === 'page-fault' && a.errorCode === (o.errorCode | 1) && a.cr2 === o.cr2);
}

/** PDE bits 20..17: PSE-36 address bits 39..36, reserved at MAXPHYADDR 36 (SDM Table 4-4). */
const PSE36_BEYOND_MAXPHYADDR = 0x1e0000n;
const LARGE_RESERVED = 0x200000n;

/**
 * An access that QEMU did not fault with RSVD where a fresh walk of the specification found a 4 MiB PDE of
 * 32-bit paging whose only reserved bits are PSE-36 bits beyond MAXPHYADDR (bits 20..17 at 36).
 */
export function pse36BeyondMaxPhyAddr(d: Divergence, facts: TraceFacts): boolean {
  if (facts.paging32 === null || accessStep(d) === null || d.observed === null) return false;
  if (d.observed.kind === 'page-fault' && (d.observed.errorCode & 0x8) !== 0) return false;
  if (!d.allowed.some((a) => a.kind === 'page-fault' && (a.errorCode & 0x8) !== 0)) return false;
  return d.walks.some(
    (w) =>
      w.source === 'fresh' &&
      walkEntries({ ...d, walks: [w] }).some((e) => e.level === 'PDE' && (e.value & 0x80n) !== 0n && (e.value & PSE36_BEYOND_MAXPHYADDR) !== 0n && (e.value & LARGE_RESERVED) === 0n),
  );
}

/**
 * A word a store may have reached, when a PDE that the store's address is translated by holds, at some
 * time, such PSE-36 bits: QEMU may cache the translation to nowhere and keep using it (writes dropped)
 * where the specification allows only other translations.
 */
export function pse36BeyondMaxPhyAddrWord(m: MemoryDifference, facts: TraceFacts): boolean {
  const closure = facts.paging32;
  if (closure === null) return false;
  const page = m.pa - (m.pa % PAGE_4K);
  return facts.trace.steps.some((s) => {
    if (s.op !== 'store') return false;
    const beyond = closure.directories.some((pd) =>
      entryValues(facts.words, pd + 4 * Math.floor(s.va / PAGE_4M)).some((v) => (v & 0x81) === 0x81 && (BigInt(v >>> 0) & PSE36_BEYOND_MAXPHYADDR) !== 0n && (BigInt(v >>> 0) & LARGE_RESERVED) === 0n),
    );
    return beyond && facts.reach(s.va).pages.has(page);
  });
}

/** A MOV to a control register completed where the specification loads a bad PDPTE and raises #GP. */
export function movWithoutPdpteCheck(d: Divergence): boolean {
  if (d.kind !== 'observation' || d.step === null || d.observed === null) return false;
  const mov = d.step.op === 'mov-cr0' || d.step.op === 'mov-cr3' || d.step.op === 'mov-cr4';
  return mov && d.observed.kind === 'done' && d.allowed.length > 0 && d.allowed.every((a) => a.kind === 'general-protection');
}

/** The PDPTE register the specification used differs from the PDPTE in memory at that moment. */
export function pdpteRegisterStale(d: Divergence, facts: TraceFacts): boolean {
  if (accessStep(d) === null || d.stepIndex === null) return false;
  const index = d.stepIndex;
  return walkEntries(d).some((e) => e.level === 'PDPTE' && (facts.wordBefore(e.pa, index) | ACCESSED) !== (e.value | ACCESSED));
}

/**
 * An access translated (in the specification) by a 2 MiB page, after an INVLPG of another 4 KiB page of the
 * same 2 MiB region with nothing broader in between: the specification has that INVLPG invalidate every
 * translation inside the region (SDM 4.10.4.1, footnote), QEMU only the 4 KiB page it names.
 */
export function invlpgElsewhereInLargePage(d: Divergence, facts: TraceFacts): boolean {
  const step = accessStep(d);
  if (step === null || d.stepIndex === null) return false;
  if (!walkEntries(d).some((e) => e.level === 'PDE' && (e.value & 0x80n) !== 0n)) return false;
  // Each 4 KiB piece of a straddling access has its own TLB entry: the stale one may be the second's.
  const second = (step.va - (step.va % PAGE_4K) + PAGE_4K) >>> 0;
  const pieces = (step.va % PAGE_4K) + step.size > PAGE_4K ? [step.va, second] : [step.va];
  return pieces.some((va) => afterInvlpgElsewhere(facts.trace, d.stepIndex as number, va, facts.largePage));
}

/**
 * Whether the last invalidation before step `index` that could cover `va` is an INVLPG of another 4 KiB
 * page of its large-page region (2 MiB under PAE paging, 4 MiB under 32-bit paging).
 */
function afterInvlpgElsewhere(trace: Trace, index: number, va: number, largePage: number): boolean {
  const region = Math.floor(va / largePage);
  const page = Math.floor(va / PAGE_4K);
  for (let i = index - 1; i >= 0; i--) {
    const s = trace.steps[i] as Step;
    if (s.op === 'mov-cr0' || s.op === 'mov-cr3' || s.op === 'mov-cr4') return false;
    if (s.op !== 'invlpg') continue;
    if (Math.floor(s.va / PAGE_4K) === page) return false;
    if (Math.floor(s.va / largePage) === region) return true;
  }
  return false;
}

/**
 * An access that QEMU completed where the specification allows only page faults, after an earlier
 * access to the same page with no INVLPG of it and no MOV to a control register in between: the only
 * invalidation the specification can have applied is the one the earlier access's page fault makes
 * (SDM 4.10.4.1), and QEMU kept using its TLB entry.
 */
export function staleAfterFault(d: Divergence, facts: TraceFacts): boolean {
  const step = accessStep(d);
  if (step === null || d.stepIndex === null || d.observed === null) return false;
  if (d.allowed.length === 0) return false;
  if (d.observed.kind === 'page-fault') {
    // A straddling access that QEMU let through the stale first page and faulted on the second.
    const second = step.va - (step.va % PAGE_4K) + PAGE_4K;
    const straddles = (step.va % PAGE_4K) + step.size > PAGE_4K;
    return straddles && d.observed.cr2 === second && d.allowed.every((a) => a.kind === 'page-fault' && a.cr2 === step.va) && staleValueAfterEdit(facts.trace, d.stepIndex, step.va);
  }
  if (!d.allowed.every((a) => a.kind === 'page-fault'))
    return d.allowed.every((a) => a.kind === 'value') && (staleValueAfterEdit(facts.trace, d.stepIndex, step.va) || readsAfterStaleStore(facts.trace, d.stepIndex, step.va));
  const page = Math.floor(step.va / PAGE_4K);
  for (let i = d.stepIndex - 1; i >= 0; i--) {
    const s = facts.trace.steps[i] as Step;
    if (flushes(facts.trace, i)) return false;
    if (s.op === 'invlpg' && Math.floor(s.va / PAGE_4K) === page) return false;
    if (isAccessStep(s) && Math.floor(s.va / PAGE_4K) === page) return true;
  }
  return false;
}

/**
 * The same, where the fresh translation also permits the access and QEMU read through the stale one: an
 * access to the page, then a physical write (an edit of its entry), then another access to the page (the
 * one whose fault the specification invalidates by), with no INVLPG of the page and no MOV to a control
 * register from the first access on.
 */
function staleValueAfterEdit(trace: Trace, index: number, va: number): boolean {
  const page = Math.floor(va / PAGE_4K);
  let accessedAfterEdit = false;
  let edited = false;
  for (let i = index - 1; i >= 0; i--) {
    const s = trace.steps[i] as Step;
    if (flushes(trace, i)) return false;
    if (s.op === 'invlpg' && Math.floor(s.va / PAGE_4K) === page) return false;
    if (s.op === 'write-phys' && accessedAfterEdit) edited = true;
    if (isAccessStep(s) && Math.floor(s.va / PAGE_4K) === page) {
      if (edited) return true;
      accessedAfterEdit = true;
    }
  }
  return false;
}

/**
 * Whether step `index` may flush the TLB: a MOV to CR3 always may (SDM 4.10.4.1), a MOV to CR0 or CR4 only
 * when it changes the register (a MOV that writes the value already there changes no paging bit, and
 * neither the specification nor QEMU flushes then).
 */
function flushes(trace: Trace, index: number): boolean {
  return flushingSteps(trace)[index] === true;
}

/** flushes() for every step, computed once per trace: the signatures ask for it inside their scans. */
const flushCache = new WeakMap<Trace, readonly boolean[]>();

function flushingSteps(trace: Trace): readonly boolean[] {
  let flags = flushCache.get(trace);
  if (flags === undefined) {
    const value = { cr0: trace.registers.cr0, cr4: trace.registers.cr4 };
    flags = trace.steps.map((s) => {
      if (s.op === 'mov-cr3') return true;
      if (s.op !== 'mov-cr0' && s.op !== 'mov-cr4') return false;
      const register = s.op === 'mov-cr0' ? 'cr0' : 'cr4';
      const changes = value[register] !== s.value;
      value[register] = s.value;
      return changes;
    });
    flushCache.set(trace, flags);
  }
  return flags;
}

/**
 * A load of a page that an earlier store reached through the stale entry QEMU kept after a fault (the
 * store itself came after the stale-value pattern above): the load may come much later, after any
 * flush, since the damage is in memory.
 */
function readsAfterStaleStore(trace: Trace, index: number, va: number): boolean {
  const page = Math.floor(va / PAGE_4K);
  return staleStores(trace).some((i) => i < index && Math.floor((trace.steps[i] as AccessStep).va / PAGE_4K) === page);
}

/** The stores that may have gone through a stale entry kept after a fault, computed once per trace. */
const staleStoreCache = new WeakMap<Trace, readonly number[]>();

function staleStores(trace: Trace): readonly number[] {
  let stores = staleStoreCache.get(trace);
  if (stores === undefined) {
    stores = trace.steps.flatMap((s, i) => (s.op === 'store' && staleValueAfterEdit(trace, i, s.va) ? [i] : []));
    staleStoreCache.set(trace, stores);
  }
  return stores;
}

// ---- final-memory words --------------------------------------------------------------------------------

/** The bits QEMU set that the specification neither set nor left free to be set. */
function addedBits(m: MemoryDifference): bigint {
  const observed = bigIntFromHex(m.observed as Hex64);
  const expected = bigIntFromHex(m.expected as Hex64);
  const free = bigIntFromHex(m.uncertain as Hex64);
  return (expected & ~observed) === 0n ? observed & ~expected & ~free : -1n;
}
const addedOnly = (m: MemoryDifference, bits: bigint): boolean => addedBits(m) === bits;
/** Only `bits` of one entry added: of the word, or under 32-bit paging of either 4-byte half. */
const addedOnlyToEntry = (m: MemoryDifference, bits: bigint, facts: TraceFacts): boolean =>
  addedOnly(m, bits) || (facts.paging32 !== null && addedOnly(m, bits << 32n));

/** QEMU set bit 5 (its accessed flag) in a PAE PDPTE. */
export function pdpteAccessedWord(m: MemoryDifference, facts: TraceFacts): boolean {
  return facts.pdpteLocations.has(m.pa) && addedOnly(m, ACCESSED);
}

/** A word of a structure above 4 GiB, or of the page QEMU read instead (its address modulo 4 GiB). */
export function highStructureWord(m: MemoryDifference, facts: TraceFacts): boolean {
  const page = m.pa - (m.pa % PAGE_4K);
  return facts.highStructures.some((s) => s === page || s % FOUR_GIB === page);
}

/** Dirty set in an entry by a store that straddles two pages and faults on the second. */
export function dirtyWithoutWriteWord(m: MemoryDifference, facts: TraceFacts): boolean {
  const straddles = facts.trace.steps.some((s) => s.op === 'store' && (s.va % PAGE_4K) + s.size > PAGE_4K);
  return straddles && addedOnlyToEntry(m, DIRTY, facts);
}


/**
 * A word a store may have reached, or an entry of the walk of an access (whose accessed flag the
 * specification's fresh walk sets), when the access came after such an INVLPG.
 */
export function invlpgElsewhereWord(m: MemoryDifference, facts: TraceFacts): boolean {
  const page = m.pa - (m.pa % PAGE_4K);
  return facts.trace.steps.some((s, i) => {
    if (!isAccessStep(s) || !afterInvlpgElsewhere(facts.trace, i, s.va, facts.largePage)) return false;
    const reach = facts.reach(s.va);
    return (s.op === 'store' && reach.pages.has(page)) || reach.entries.has(m.pa);
  });
}

/**
 * A word a store through a stale entry kept after a fault reached (QEMU), or was meant to reach, or the
 * entry whose accessed and dirty flags the specification's fresh walk of that store sets.
 */
export function storeAfterStaleFaultWord(m: MemoryDifference, facts: TraceFacts): boolean {
  const page = m.pa - (m.pa % PAGE_4K);
  return staleStores(facts.trace).some((i) => {
    const reach = facts.reach((facts.trace.steps[i] as AccessStep).va);
    return reach.pages.has(page) || reach.entries.has(m.pa);
  });
}
