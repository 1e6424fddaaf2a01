/**
 * A batch of traces in the staging area, as the driver writes it before boot and reads it after exit
 * (record layouts in guest-abi.ts):
 *
 *   header | descriptors | per trace: commands, results, image words, read-back pages | output area
 *
 * The output area, where the guest appends the final nonzero words of each trace, takes the rest.
 */
import { bigIntFromHex, hiHalf, loHalf } from '../../src/arch/word.ts';
import type { Step, Trace } from '../../src/machine/trace.ts';
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
  readonly outputBase: number;
  readonly outputEnd: number;
}

const STAGING_END = GUEST_LAYOUT.STAGING_BASE + GUEST_LAYOUT.STAGING_BYTES;

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

class Writer {
  readonly buffer: Buffer;
  constructor(bytes: number) {
    this.buffer = Buffer.alloc(bytes);
  }
  u8(offset: number, v: number): void {
    this.buffer.writeUInt8(v, offset);
  }
  u32(offset: number, v: number): void {
    this.buffer.writeUInt32LE(v >>> 0, offset);
  }
  /** A value below 2^53 as two 32-bit halves. */
  u64(offset: number, v: number): void {
    this.u32(offset, v % 2 ** 32);
    this.u32(offset + 4, Math.floor(v / 2 ** 32));
  }
}

function writeCommand(w: Writer, at: number, step: Step): void {
  if (step.op === 'map-stage2') throw new Error('QEMU has no second stage: stage() rejects such traces');
  w.u8(at + COMMAND.OP, OPCODE[step.op]);
  switch (step.op) {
    case 'load':
    case 'fetch':
    case 'store':
      w.u8(at + COMMAND.SIZE, step.size);
      w.u8(at + COMMAND.USER, step.user ? 1 : 0);
      w.u32(at + COMMAND.A, step.va);
      if (step.op === 'store') {
        w.u32(at + COMMAND.LO, loHalf(step.value));
        w.u32(at + COMMAND.HI, hiHalf(step.value));
      }
      return;
    case 'mov-cr0':
    case 'mov-cr3':
    case 'mov-cr4':
      w.u32(at + COMMAND.A, step.value);
      return;
    case 'invlpg':
      w.u32(at + COMMAND.A, step.va);
      return;
    case 'write-phys':
      w.u64(at + COMMAND.LO, step.pa);
      w.u32(at + COMMAND.WLO, loHalf(step.value));
      w.u32(at + COMMAND.WHI, hiHalf(step.value));
      return;
  }
}

/** Writes the batch into the RAM file; returns where to find the answers. */
export function writeBatch(ram: RamFile, batch: readonly StagedTrace[]): BatchLayout {
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
    t.trace.steps.forEach((s, k) => writeCommand(w, p.commands + k * COMMAND.BYTES, s));
    t.trace.memory.forEach((word, k) => {
      const v = bigIntFromHex(word.value);
      w.u64(p.image + k * WORD_RECORD_BYTES, word.pa);
      w.u32(p.image + k * WORD_RECORD_BYTES + 8, Number(v & 0xffffffffn));
      w.u32(p.image + k * WORD_RECORD_BYTES + 12, Number(v >> 32n));
    });
    t.pages.forEach((page, k) => w.u64(p.pages + k * PAGE_RECORD_BYTES, page));
  });
  ram.write(base, w.buffer);
  return { count: batch.length, descriptors: base + HEADER.BYTES, results: placed.map((p) => base + p.results), outputBase: base + cursor, outputEnd: STAGING_END };
}

/** One result record as the guest left it. */
export interface RawResult {
  readonly kind: number;
  readonly vector: number;
  readonly lo: number;
  readonly hi: number;
  readonly extra: number;
}

export interface TraceReadout {
  readonly status: number;
  /** 0, or 0x100 | vector when the initial registers were refused. */
  readonly initFault: number;
  readonly results: readonly RawResult[];
  /** Final nonzero words: physical address and the value's halves. */
  readonly words: readonly { readonly pa: number; readonly lo: number; readonly hi: number }[];
}

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
    const steps = t.trace.steps.length;
    const raw = ram.read(layout.results[i] as number, steps * RESULT.BYTES);
    const results = Array.from({ length: steps }, (_, k): RawResult => {
      const at = k * RESULT.BYTES;
      const status = raw.readUInt32LE(at + RESULT.STATUS);
      return {
        kind: status & 0xff,
        vector: (status >>> 8) & 0xff,
        lo: raw.readUInt32LE(at + RESULT.LO),
        hi: raw.readUInt32LE(at + RESULT.HI),
        extra: raw.readUInt32LE(at + RESULT.EXTRA),
      };
    });
    const outCount = descriptors.readUInt32LE(d + DESCRIPTOR.OUT_COUNT);
    const out = outCount === 0 ? Buffer.alloc(0) : ram.read(descriptors.readUInt32LE(d + DESCRIPTOR.OUT), outCount * WORD_RECORD_BYTES);
    const words = Array.from({ length: outCount }, (_, k) => {
      const at = k * WORD_RECORD_BYTES;
      return { pa: out.readUInt32LE(at) + out.readUInt32LE(at + 4) * 2 ** 32, lo: out.readUInt32LE(at + 8), hi: out.readUInt32LE(at + 12) };
    });
    return { status: descriptors.readUInt32LE(d + DESCRIPTOR.STATUS), initFault: descriptors.readUInt32LE(d + DESCRIPTOR.INIT_FAULT), results, words };
  });
  return { next: header.readUInt32LE(HEADER.NEXT), fatal: header.readUInt32LE(HEADER.FATAL), fatalEip: header.readUInt32LE(HEADER.FATAL_EIP), traces };
}
