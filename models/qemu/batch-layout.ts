/**
 * A batch of traces in the staging area, as the driver writes it before boot and reads it after exit
 * (record layouts in guest-abi.ts):
 *
 *   header | descriptors | per trace: commands, results, image words, read-back pages | output area
 *
 * The output area, where the guest appends the final nonzero words of each trace, takes the rest.
 */
import { type Hex64, storeHexHalves } from '../../src/arch/word.ts';
import type { MemoryWord, Step, Trace } from '../../src/machine/trace.ts';
import {
  COMMAND,
  DESCRIPTOR,
  GUEST_LAYOUT,
  HEADER,
  OPCODE,
  PAGE_RECORD_BYTES,
  RESULT,
  STAGING_MAGIC,
  WORD_RECORD_BYTES,
} from './guest-abi.ts';
import type { RamFile } from './ram-file.ts';

/** A trace ready for the guest: its window and the pages to read back. */
export interface StagedTrace {
  readonly trace: Trace;
  readonly window: number;
  readonly pages: readonly number[];
}

export interface BatchLayout {
  readonly count: number;
  readonly descriptors: number;
  readonly results: readonly number[];
  /** Each trace's image records as written (WORD_RECORD_BYTES each), for decoding final memory. */
  readonly images: readonly Uint32Array[];
  readonly outputBase: number;
  readonly outputEnd: number;
}

const STAGING_END = GUEST_LAYOUT.STAGING_BASE + GUEST_LAYOUT.STAGING_BYTES;
const RECORD_WORDS = WORD_RECORD_BYTES / 4;

/** Bytes a trace takes in the staging area, output included (at most every word of every page). */
export function stagedBytes(t: StagedTrace): number {
  return (
    DESCRIPTOR.BYTES +
    t.trace.steps.length * (COMMAND.BYTES + RESULT.BYTES) +
    t.trace.memory.length * WORD_RECORD_BYTES +
    t.pages.length * (PAGE_RECORD_BYTES + (4096 / 8) * WORD_RECORD_BYTES)
  );
}

export const STAGING_CAPACITY = GUEST_LAYOUT.STAGING_BYTES - HEADER.BYTES;

/** The staging bytes, written as 32-bit little-endian words (every record field is 4-byte aligned). */
class Writer {
  readonly bytes: Uint8Array;
  readonly words: Uint32Array;
  constructor(bytes: number) {
    this.words = new Uint32Array(Math.ceil(bytes / 4));
    this.bytes = new Uint8Array(this.words.buffer, 0, bytes);
  }
  u32(offset: number, v: number): void {
    this.words[offset >>> 2] = v;
  }
  /** A value below 2^53 as two 32-bit halves (most are below 2^32: no division for those). */
  u64(offset: number, v: number): void {
    const at = offset >>> 2;
    if (v < 2 ** 32) {
      this.words[at] = v;
      this.words[at + 1] = 0;
      return;
    }
    this.words[at] = v % 2 ** 32;
    this.words[at + 1] = Math.floor(v / 2 ** 32);
  }
  /** A 64-bit hex value as two 32-bit halves (the image's words are most of what a batch writes). */
  hex(offset: number, h: Hex64): void {
    storeHexHalves(this.words, offset >>> 2, h);
  }
}

/** The command's first word, which holds its opcode, access size and user flag (bytes 0, 1 and 2): one store. */
const opWord = (op: number, size = 0, user = false): number =>
  (op << (8 * COMMAND.OP)) | (size << (8 * COMMAND.SIZE)) | ((user ? 1 : 0) << (8 * COMMAND.USER));

function writeCommand(w: Writer, at: number, step: Step): void {
  switch (step.op) {
    case 'load':
    case 'fetch':
    case 'store':
      w.u32(at + COMMAND.OP, opWord(OPCODE[step.op], step.size, step.user));
      w.u32(at + COMMAND.A, step.va);
      if (step.op === 'store') w.hex(at + COMMAND.LO, step.value);
      return;
    case 'mov-cr0':
    case 'mov-cr3':
    case 'mov-cr4':
      w.u32(at + COMMAND.OP, opWord(OPCODE[step.op]));
      w.u32(at + COMMAND.A, step.value);
      return;
    case 'invlpg':
      w.u32(at + COMMAND.OP, opWord(OPCODE.invlpg));
      w.u32(at + COMMAND.A, step.va);
      return;
    case 'write-phys':
      w.u32(at + COMMAND.OP, opWord(OPCODE['write-phys']));
      w.u64(at + COMMAND.LO, step.pa);
      w.hex(at + COMMAND.WLO, step.value);
      return;
    case 'map-stage2':
      throw new Error('QEMU has no second stage: stage() rejects such traces');
  }
}

/**
 * Writes the batch into the RAM file; returns where to find the answers. A resident guest waits for the
 * next batch when it has run this one, instead of exiting (guest-abi.ts, HEADER.RESIDENT).
 */
export function writeBatch(ram: RamFile, batch: readonly StagedTrace[], resident = false): BatchLayout {
  const base = GUEST_LAYOUT.STAGING_BASE;
  let cursor = HEADER.BYTES + batch.length * DESCRIPTOR.BYTES;
  const placed = batch.map((t) => {
    const commands = cursor;
    cursor += t.trace.steps.length * COMMAND.BYTES;
    const results = cursor;
    cursor += t.trace.steps.length * RESULT.BYTES;
    const image = cursor;
    cursor += t.trace.memory.length * WORD_RECORD_BYTES;
    const pages = cursor;
    cursor += t.pages.length * PAGE_RECORD_BYTES;
    return { commands, results, image, pages };
  });
  if (base + cursor >= STAGING_END) throw new Error('the batch does not fit the staging area');
  const w = new Writer(cursor);
  w.u32(HEADER.MAGIC, STAGING_MAGIC);
  w.u32(HEADER.COUNT, batch.length);
  w.u32(HEADER.DESCRIPTORS, base + HEADER.BYTES);
  w.u32(HEADER.OUT_CURSOR, base + cursor);
  w.u32(HEADER.OUT_END, STAGING_END);
  w.u32(HEADER.RESIDENT, resident ? 1 : 0);
  batch.forEach((t, i) => {
    const at = HEADER.BYTES + i * DESCRIPTOR.BYTES;
    const p = placed[i] as (typeof placed)[number];
    const r = t.trace.registers;
    w.u32(at + DESCRIPTOR.WINDOW, t.window);
    w.u32(at + DESCRIPTOR.CR0, r.cr0);
    w.u32(at + DESCRIPTOR.CR3, r.cr3);
    w.u32(at + DESCRIPTOR.CR4, r.cr4);
    w.u32(at + DESCRIPTOR.EFER, r.efer);
    w.u32(at + DESCRIPTOR.STEPS, t.trace.steps.length);
    w.u32(at + DESCRIPTOR.COMMANDS, base + p.commands);
    w.u32(at + DESCRIPTOR.RESULTS, base + p.results);
    w.u32(at + DESCRIPTOR.IMAGE_COUNT, t.trace.memory.length);
    w.u32(at + DESCRIPTOR.IMAGE, base + p.image);
    w.u32(at + DESCRIPTOR.PAGE_COUNT, t.pages.length);
    w.u32(at + DESCRIPTOR.PAGES, base + p.pages);
    const { steps, memory } = t.trace;
    for (let k = 0; k < steps.length; k++) writeCommand(w, p.commands + k * COMMAND.BYTES, steps[k] as Step);
    for (let k = 0; k < memory.length; k++) {
      const word = memory[k] as MemoryWord;
      w.u64(p.image + k * WORD_RECORD_BYTES, word.pa);
      w.hex(p.image + k * WORD_RECORD_BYTES + 8, word.value);
    }
    for (let k = 0; k < t.pages.length; k++) w.u64(p.pages + k * PAGE_RECORD_BYTES, t.pages[k] as number);
  });
  ram.write(base, w.bytes);
  return {
    count: batch.length,
    descriptors: base + HEADER.BYTES,
    results: placed.map((p) => base + p.results),
    images: batch.map((t, i) => w.words.subarray((placed[i] as (typeof placed)[number]).image / 4, (placed[i] as (typeof placed)[number]).image / 4 + t.trace.memory.length * RECORD_WORDS)),
    outputBase: base + cursor,
    outputEnd: STAGING_END,
  };
}

/** One result record as the guest left it. */
export interface RawResult {
  readonly kind: number;
  readonly vector: number;
  readonly lo: number;
  readonly hi: number;
  readonly extra: number;
}

const RESULT_WORDS = RESULT.BYTES / 4;

export interface TraceReadout {
  readonly status: number;
  /** 0, or 0x100 | vector when the initial registers were refused. */
  readonly initFault: number;
  /** The result records as the guest wrote them (RESULT.BYTES each): read them with resultAt. */
  readonly results: Uint32Array;
  /**
   * Final nonzero words as the guest wrote them (WORD_RECORD_BYTES each): physical address, then the
   * value, each as two 32-bit halves, low first.
   */
  readonly words: Uint32Array;
}

/** The kind of result record k of a trace (RESULT_KIND), without reading the rest of it. */
export const resultKind = (results: Uint32Array, k: number): number => (results[k * RESULT_WORDS + RESULT.STATUS / 4] as number) & 0xff;

/** Result record k of a trace. */
export function resultAt(results: Uint32Array, k: number): RawResult {
  const at = k * RESULT_WORDS;
  const status = results[at + RESULT.STATUS / 4] as number;
  return {
    kind: status & 0xff,
    vector: (status >>> 8) & 0xff,
    lo: results[at + RESULT.LO / 4] as number,
    hi: results[at + RESULT.HI / 4] as number,
    extra: results[at + RESULT.EXTRA / 4] as number,
  };
}

/** The number of final-memory words of a readout, and word k's address and halves. */
export const wordCount = (words: Uint32Array): number => words.length / RECORD_WORDS;
export const wordPa = (words: Uint32Array, k: number): number =>
  (words[k * RECORD_WORDS] as number) + (words[k * RECORD_WORDS + 1] as number) * 2 ** 32;
export const wordLo = (words: Uint32Array, k: number): number => words[k * RECORD_WORDS + 2] as number;
export const wordHi = (words: Uint32Array, k: number): number => words[k * RECORD_WORDS + 3] as number;

export interface BatchReadout {
  /** Index of the trace the guest was on when it stopped (the count when it finished them all). */
  readonly next: number;
  /** 0, or what stopped the guest outside any step (guest.asm: 0x100 | vector, 0x200 output full). */
  readonly fatal: number;
  readonly fatalEip: number;
  readonly traces: readonly TraceReadout[];
}

export function readBatch(ram: RamFile, layout: BatchLayout, batch: readonly StagedTrace[]): BatchReadout {
  const header = ram.read(GUEST_LAYOUT.STAGING_BASE, HEADER.BYTES);
  const descriptors = ram.read(layout.descriptors, layout.count * DESCRIPTOR.BYTES);
  const traces = batch.map((t, i): TraceReadout => {
    const d = i * DESCRIPTOR.BYTES;
    const results = ram.readWords(layout.results[i] as number, t.trace.steps.length * RESULT_WORDS);
    const outCount = descriptors.readUInt32LE(d + DESCRIPTOR.OUT_COUNT);
    const words = outCount === 0 ? new Uint32Array(0) : ram.readWords(descriptors.readUInt32LE(d + DESCRIPTOR.OUT), outCount * RECORD_WORDS);
    return { status: descriptors.readUInt32LE(d + DESCRIPTOR.STATUS), initFault: descriptors.readUInt32LE(d + DESCRIPTOR.INIT_FAULT), results, words };
  });
  return { next: header.readUInt32LE(HEADER.NEXT), fatal: header.readUInt32LE(HEADER.FATAL), fatalEip: header.readUInt32LE(HEADER.FATAL_EIP), traces };
}
