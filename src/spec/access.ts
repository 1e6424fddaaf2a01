/**
 * Loads, stores and fetches (SDM 4.4, 4.6, 4.7, 4.8): the outcomes an access may have.
 *
 * An access is split at the 4 KiB page boundary (an access that straddles two pages needs two
 * translations; the lower page is translated first and the linear address wraps at 4 GiB). Each piece may
 * be translated by a fresh walk or by a stale translation the TLB may still hold (invalidation.ts).
 */
import { BIT, CR0, PAGE_2M, PAGE_4K, PAGE_4M } from '../arch/entry-layout.ts';
import { type Hex64, hexFromBigInt, hexFromHalves, hiHalf, loHalf } from '../arch/word.ts';
import type { AccessStep } from '../machine/trace.ts';
import { type Access, deniedBy, type FaultCause, pageFaultErrorCode } from './access-rights.ts';
import { isPresent, mask } from './entry.ts';
import { cachedTranslations } from './invalidation.ts';
import type { BitUpdate, Effects, Outcome, OutcomeTags, WalkTrace } from './outcome.ts';
import { physicalOf } from './stage2.ts';
import { bitOf, pagingContext, type SpecState } from './state.ts';
import type { EntryRead, PagingContext, Translation, WalkResult } from './walk.ts';
import { knownWalk } from './walk-memo.ts';

const ACCESSED = mask(BIT.A);
const DIRTY = mask(BIT.D);

interface Piece {
  readonly va: number;
  readonly length: number;
}

/** How one piece may be translated. */
type PieceOption =
  | {
      readonly ok: true;
      readonly t: Translation;
      readonly stale: boolean;
      /** The fresh translation may also be served from the TLB, without the walk's A/D updates. */
      readonly cached: boolean;
      readonly fresh: WalkResult;
      readonly walk: WalkTrace;
    }
  | { readonly ok: false; readonly cause: FaultCause; readonly stale: boolean; readonly fresh: WalkResult; readonly entries: readonly EntryRead[]; readonly walk: WalkTrace };

export function accessOf(step: AccessStep): Access {
  return { write: step.op === 'store', user: step.user, fetch: step.op === 'fetch' };
}

export function splitAtPages(va: number, size: number): Piece[] {
  const first = Math.min(size, PAGE_4K - (va % PAGE_4K));
  if (first === size) return [{ va, length: size }];
  return [
    { va, length: first },
    { va: (va + first) >>> 0, length: size - first },
  ];
}

export function accessOutcomes(s: SpecState, step: AccessStep): Outcome[] {
  const ctx = pagingContext(s);
  return ctx === null ? directAccess(s, step) : pagedAccess(s, ctx, step);
}

/** Paging off: the linear address is the physical address (SDM 4.1.1). */
function directAccess(s: SpecState, step: AccessStep): Outcome[] {
  const pas = Array.from({ length: step.size }, (_, i) => (step.va + i) >>> 0);
  return completeAccess(s, step, pas, { setBits: [], maySet: [] }, [], { pageSize: 'none', tlb: 'none', space: 'direct' });
}

interface PieceContext {
  readonly piece: Piece;
  readonly access: Access;
  readonly rights: { readonly wp: boolean; readonly nxe: boolean };
  readonly fresh: WalkResult;
  readonly freshCached: boolean;
}

function fromTranslation(p: PieceContext, t: Translation, stale: boolean): PieceOption {
  const denied = deniedBy(t, p.access, p.rights);
  const w: WalkTrace = { va: p.piece.va, source: stale ? 'stale' : 'fresh', entries: t.entries, verdict: denied ?? 'SDM 4.6: access permitted' };
  return denied === null
    ? { ok: true, t, stale, cached: stale || p.freshCached, fresh: p.fresh, walk: w }
    : { ok: false, cause: 'protection', stale, fresh: p.fresh, entries: t.entries, walk: w };
}

function pieceOptions(s: SpecState, ctx: PagingContext, piece: Piece, access: Access): PieceOption[] {
  const { result: fresh, key: freshKey } = knownWalk(s.structures.walks, s.memory, ctx, piece.va);
  const cached = cachedTranslations(s.epochs, s.events, piece.va, freshKey);
  const p: PieceContext = { piece, access, rights: { wp: bitOf(s.registers.cr0, CR0.WP_BIT), nxe: ctx.nxe }, fresh, freshCached: cached.freshCached };
  const options: PieceOption[] = [];
  if (fresh.kind === 'translation') options.push(fromTranslation(p, fresh, false));
  else {
    const last = fresh.entries[fresh.entries.length - 1];
    const w: WalkTrace = { va: piece.va, source: 'fresh', entries: fresh.entries, verdict: last?.rule ?? fresh.kind };
    options.push({ ok: false, cause: fresh.kind, stale: false, fresh, entries: fresh.entries, walk: w });
  }
  for (const t of cached.stale) options.push(fromTranslation(p, t, true));
  return options;
}

/** `bits` shifted to byte `offset` of a word, by offset (0..7): a BigInt shift allocates, and every access asks. */
function shiftedTable(bits: bigint): readonly bigint[] {
  return Array.from({ length: 8 }, (_, offset) => bits << BigInt(offset * 8));
}
const SHIFTED: ReadonlyMap<bigint, readonly bigint[]> = new Map([ACCESSED, DIRTY, ACCESSED | DIRTY].map((bits) => [bits, shiftedTable(bits)]));

/** `bits` of the entry read as `e`, as an update of the 8-byte word that holds it. */
function entryBits(e: EntryRead, bits: bigint): BitUpdate {
  const offset = e.pa % 8;
  const shifted = SHIFTED.get(bits)?.[offset] ?? bits << BigInt(offset * 8);
  return { pa: e.pa - offset, bits: shifted };
}

/** Appends to `out` the A/D bits of the entries a translation used: PDE and PTE (PDPTEs have none under PAE). */
function addAccessedBits(out: BitUpdate[], entries: readonly EntryRead[], bits: bigint = ACCESSED): void {
  for (const e of entries) if (e.level !== 'PDPTE' && isPresent(e.value)) out.push(entryBits(e, bits));
}

function addLeafDirty(out: BitUpdate[], entries: readonly EntryRead[]): void {
  const leaf = entries[entries.length - 1];
  if (leaf !== undefined) out.push(entryBits(leaf, DIRTY));
}

/** Appends whatever a stale or faulting translation may have touched: A (and D for a write) in every entry involved. */
function addUncertainBits(out: BitUpdate[], option: PieceOption, write: boolean): void {
  const bits = write && option.ok && option.cached ? ACCESSED | DIRTY : ACCESSED;
  addAccessedBits(out, option.ok ? option.t.entries : option.entries, bits);
  addAccessedBits(out, option.fresh.entries, bits);
}

function pagedAccess(s: SpecState, ctx: PagingContext, step: AccessStep): Outcome[] {
  const access = accessOf(step);
  const pieces = splitAtPages(step.va, step.size);
  const perPiece = pieces.map((p) => pieceOptions(s, ctx, p, access));
  const outcomes: Outcome[] = [];
  choosePieces({ s, ctx, step, access, pieces, perPiece, outcomes }, 0, []);
  return outcomes;
}

interface Choice {
  readonly s: SpecState;
  readonly ctx: PagingContext;
  readonly step: AccessStep;
  readonly access: Access;
  readonly pieces: readonly Piece[];
  readonly perPiece: readonly PieceOption[][];
  readonly outcomes: Outcome[];
}

/** Every combination of the pieces' options, in order; a fault on a piece ends the access there. */
function choosePieces(c: Choice, i: number, chosen: PieceOption[]): void {
  if (i === c.pieces.length) {
    c.outcomes.push(...translatedAccess(c.s, c.step, c.pieces, chosen));
    return;
  }
  for (const option of c.perPiece[i] ?? []) {
    if (!option.ok) c.outcomes.push(faultedAccess(c.step, c.access, c.ctx, c.pieces[i] as Piece, [...chosen, option]));
    else choosePieces(c, i + 1, [...chosen, option]);
  }
}

function pageSizeTag(t: Translation | null): OutcomeTags['pageSize'] {
  if (t === null) return 'none';
  if (t.pageSize === PAGE_4M) return '4M';
  return t.pageSize === PAGE_2M ? '2M' : '4K';
}

/**
 * A #PF on `piece`: nothing is written; CR2 is the first byte of the access inside the faulting page
 * (SDM 4.7); the TLB drops entries for that address (SDM 4.10.4.1). Whether the processor set accessed
 * bits on the way is not specified precisely, so those bits become uncertain; dirty bits are never set.
 */
function faultedAccess(step: AccessStep, access: Access, ctx: PagingContext, piece: Piece, chosen: PieceOption[]): Outcome {
  const failed = chosen[chosen.length - 1] as Extract<PieceOption, { ok: false }>;
  const maySet: BitUpdate[] = [];
  for (const o of chosen) addUncertainBits(maySet, o, false);
  const effects: Effects = {
    setBits: [],
    maySet,
    writes: null,
    invalidations: [{ kind: 'page', va: piece.va }],
    registers: null,
    pdptes: null,
    stage2: null,
  };
  return {
    observation: { kind: 'page-fault', errorCode: pageFaultErrorCode(failed.cause, access, ctx.mode === 'pae' && ctx.nxe), cr2: piece.va },
    effects,
    reads: [],
    walks: chosen.map((o) => o.walk),
    tags: {
      pageSize: pageSizeTag(failed.ok ? null : failed.fresh.kind === 'translation' ? failed.fresh : null),
      tlb: chosen.some((o) => o.stale) ? 'stale-allowed' : 'fresh',
      fault: failed.cause,
      space: 'paged',
      access: accessKind(step),
    },
  };
}

function translatedAccess(s: SpecState, step: AccessStep, pieces: readonly Piece[], chosen: PieceOption[]): Outcome[] {
  const write = step.op === 'store';
  const setBits: BitUpdate[] = [];
  const maySet: BitUpdate[] = [];
  const pas: number[] = [];
  for (let i = 0; i < chosen.length; i++) {
    const option = chosen[i] as PieceOption;
    if (!option.ok) continue;
    if (option.cached) addUncertainBits(maySet, option, write);
    else {
      addAccessedBits(setBits, option.t.entries);
      if (write) addLeafDirty(setBits, option.t.entries);
    }
    const piece = pieces[i] as Piece;
    // Address = frame + offset within the page (SDM 4.3, 4.4.2), then through the second stage if any;
    // above 4 GiB, no truncation. A piece never crosses a 4 KiB boundary, so one stage-2 lookup serves it.
    const base = physicalOf(s.stage2, option.t.frame + (piece.va - option.t.pageBase));
    for (let k = 0; k < piece.length; k++) pas.push(base + k);
  }
  const first = chosen[0];
  const t = first !== undefined && first.ok ? first.t : null;
  return completeAccess(s, step, pas, { setBits, maySet }, chosen.map((o) => o.walk), {
    pageSize: pageSizeTag(t),
    tlb: chosen.some((o) => o.stale) ? 'stale-allowed' : 'fresh',
    space: 'paged',
  });
}

function accessKind(step: AccessStep): OutcomeTags['access'] {
  return step.op;
}

/** The access completes: a load reads its bytes (after the walk's A/D updates), a store writes them. */
function completeAccess(
  s: SpecState,
  step: AccessStep,
  pas: number[],
  bits: { setBits: BitUpdate[]; maySet: BitUpdate[] },
  walks: WalkTrace[],
  tags: Pick<OutcomeTags, 'pageSize' | 'tlb' | 'space'>,
): Outcome[] {
  // Object literals in full, not spreads: this runs for every access (a spread copies slowly).
  const fullTags: OutcomeTags = { pageSize: tags.pageSize, tlb: tags.tlb, space: tags.space, fault: 'none', access: accessKind(step) };
  if (step.op === 'store') {
    const bytes = bytesOf(step.value, pas.length);
    return [
      {
        observation: { kind: 'done' },
        effects: { setBits: bits.setBits, maySet: bits.maySet, writes: { pas, bytes }, invalidations: [], registers: null, pdptes: null, stage2: null },
        reads: [],
        walks,
        tags: fullTags,
      },
    ];
  }
  // The bytes as the load sees them: memory with the walk's own A/D updates laid over it (without
  // building the updated memory, which apply() does once for the outcome that matches).
  const bytes = loadedBytes(s.memory, pas, bits.setBits);
  // A load that reads an entry whose accessed/dirty bits the processor may or may not have set sees
  // either: each choice is an outcome, and seeing a bit set settles it.
  return uncertainReadBits(s, pas, bytes, bits.maySet).map((choice) => ({
    observation: { kind: 'value', value: choice.valueBits === 0n ? hexOfBytes(bytes) : hexFromBigInt(bigIntOfBytes(bytes) | choice.valueBits) },
    effects: {
      setBits: choice.settled.length === 0 ? bits.setBits : [...bits.setBits, ...choice.settled],
      maySet: bits.maySet,
      writes: null,
      invalidations: [],
      registers: null,
      pdptes: null,
      stage2: null,
    },
    reads: pas,
    walks,
    tags: fullTags,
  }));
}

const LOW_32 = 0xffffffffn;

/** The low `count` bytes of a value, little-endian, taken from its 32-bit halves (no BigInt per byte). */
function bytesOf(value: Hex64, count: number): number[] {
  const lo = loHalf(value);
  const hi = hiHalf(value);
  const bytes: number[] = [];
  for (let i = 0; i < count; i++) bytes.push(i < 4 ? (lo >>> (8 * i)) & 0xff : (hi >>> (8 * (i - 4))) & 0xff);
  return bytes;
}

/**
 * The bytes at `pas` after `updates` (bits set in 8-byte words) are applied to `memory`. Each word is
 * read once and split into 32-bit halves, so that bytes come out of numbers, not BigInt shifts.
 */
function loadedBytes(memory: SpecState['memory'], pas: readonly number[], updates: readonly BitUpdate[]): number[] {
  const bytes: number[] = [];
  let wordPa = -1;
  let lo = 0;
  let hi = 0;
  for (const pa of pas) {
    const at = pa - (pa % 8);
    if (at !== wordPa) {
      wordPa = at;
      let word = memory.readWord(at);
      for (const u of updates) if (u.pa === at) word |= u.bits;
      lo = Number(word & LOW_32);
      hi = Number(word >> 32n);
    }
    const offset = pa - at;
    bytes.push(offset < 4 ? (lo >>> (8 * offset)) & 0xff : (hi >>> (8 * (offset - 4))) & 0xff);
  }
  return bytes;
}

/** Little-endian bytes (at most 8) as the hex of their value. */
function hexOfBytes(bytes: readonly number[]): Hex64 {
  let lo = 0;
  let hi = 0;
  // Multiplication, not shifts: byte 3 shifted left by 24 would make the 32-bit half negative.
  for (let i = 0; i < bytes.length; i++) {
    if (i < 4) lo += (bytes[i] as number) * 2 ** (8 * i);
    else hi += (bytes[i] as number) * 2 ** (8 * (i - 4));
  }
  return hexFromHalves(lo, hi);
}

function bigIntOfBytes(bytes: readonly number[]): bigint {
  let value = 0n;
  bytes.forEach((byte, i) => {
    value |= BigInt(byte) << BigInt(8 * i);
  });
  return value;
}

/** Bits of the word at wordPa that the processor may have set: earlier uncertainty and this step's. */
function mayOf(s: SpecState, pending: readonly BitUpdate[], wordPa: number): bigint {
  let bits = s.maySet.get(wordPa) ?? 0n;
  for (const u of pending) if (u.pa === wordPa) bits |= u.bits;
  return bits;
}

interface UncertainBit {
  readonly valueBit: bigint;
  readonly update: BitUpdate;
}

const NO_UNCERTAINTY: readonly { valueBits: bigint; settled: BitUpdate[] }[] = [{ valueBits: 0n, settled: [] }];

/** Whether a byte read lies in a word with bits the processor may or may not have set. */
function readsUncertainWord(s: SpecState, pas: readonly number[], pending: readonly BitUpdate[]): boolean {
  if (pending.length === 0 && s.maySet.size === 0) return false;
  for (const pa of pas) {
    const wordPa = pa - (pa % 8);
    if (s.maySet.has(wordPa)) return true;
    for (const u of pending) if (u.pa === wordPa) return true;
  }
  return false;
}

/** Beyond this many uncertain bits in one load, only "none set" and "all set" are offered. */
const MAX_ENUMERATED_BITS = 4;

function uncertainReadBits(
  s: SpecState,
  pas: readonly number[],
  bytes: readonly number[],
  pending: readonly BitUpdate[],
): readonly { valueBits: bigint; settled: BitUpdate[] }[] {
  // Nothing uncertain in the words read (the common case): the load sees one value.
  if (!readsUncertainWord(s, pas, pending)) return NO_UNCERTAINTY;
  const bits: UncertainBit[] = [];
  pas.forEach((pa, i) => {
    const wordPa = pa - (pa % 8);
    const shift = BigInt((pa - wordPa) * 8);
    const free = ((mayOf(s, pending, wordPa) >> shift) & 0xffn) & ~BigInt(bytes[i] as number);
    if (free === 0n) return;
    for (let b = 0n; b < 8n; b++)
      if ((free >> b) & 1n) bits.push({ valueBit: 1n << (b + BigInt(8 * i)), update: { pa: wordPa, bits: 1n << (b + shift) } });
  });
  const subsets: UncertainBit[][] =
    bits.length <= MAX_ENUMERATED_BITS
      ? Array.from({ length: 2 ** bits.length }, (_, m) => bits.filter((_, k) => (m >> k) & 1))
      : [[], bits];
  return subsets.map((chosen) => ({
    valueBits: chosen.reduce((acc, c) => acc | c.valueBit, 0n),
    settled: chosen.map((c) => c.update),
  }));
}
