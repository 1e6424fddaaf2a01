/**
 * The space-level system under test (the seed claims): a kernel that defines several virtual memory spaces
 * over one processor's physical memory, modules that keep their data in private chunks, a cross-space call
 * gate and a thread scheduler. This file is the contract between the harness (src/spec/space,
 * src/properties/space-families.ts) and any implementation (models/reference/system, models/broken-system):
 *
 *   - SystemLayout: what a system is booted with (chunks, page sizes, spaces, modules);
 *   - Call / Program: what threads ask of the modules, and the generated preemption schedule;
 *   - the ABI of common memory: where the mailbox and each thread's stack are, the layout of a context
 *     frame, the encoding of a call into words, the result codes;
 *   - SpaceSystem / SpaceSystemFactory: boot, switch translation, run a program, remap a page;
 *   - ControlRecorder: a Processor wrapper through which the harness observes control-register moves.
 *
 * Physical addresses may exceed 2^32: they are plain numbers and never pass through a bit operator.
 */
import type { Fault, Processor } from './processor.ts';
import type { MemoryWord } from './trace.ts';

// ---- layout ---------------------------------------------------------------------------------------------

/** The page sizes used to map a chunk: 4 KiB pages, 2 MiB pages, or 2 MiB regions alternating 2M / 4K. */
export const PAGE_SIZE_CHOICES = ['4K', '2M', 'mixed'] as const;
export type PageSizeChoice = (typeof PAGE_SIZE_CHOICES)[number];

export const PAGED_MODULE_KINDS = ['inode-cache', 'name-cache', 'snapshot'] as const;
export type PagedModuleKind = (typeof PAGED_MODULE_KINDS)[number];
export type ModuleKind = 'buffer-cache' | PagedModuleKind;

export interface PhysicalChunk {
  readonly base: number;
  readonly size: number;
}

/** A paged space (1..n-1): its module, its private chunk and where the chunk appears in the space. */
export interface PagedSpace {
  readonly module: PagedModuleKind;
  /** The private chunk (claims 1, 9): physical memory no other space may reach. */
  readonly chunk: PhysicalChunk;
  /** Linear window [va, va + size) mapped onto [chunk.base, chunk.base + size); the rest of the chunk is spare. */
  readonly window: { readonly va: number; readonly size: number };
  readonly pages: PageSizeChoice;
}

export interface SystemLayout {
  /** MAXPHYADDR of the processor, 36 to 52. */
  readonly maxPhyAddr: number;
  /** The common chunk: physical [0, size), mapped at the same linear addresses in every space (claims 1, 10). */
  readonly common: { readonly size: number; readonly pages: PageSizeChoice };
  /** Bytes of each thread's stack, in common memory (claim 2). */
  readonly stackBytes: number;
  /**
   * The BIOS and device-driver chunk: physical [4 GiB - size, 4 GiB), mapped at the top of every space
   * (claims 3, 11). Space 0 is the identity over the bottom 4 GiB, so its top is this physical range.
   */
  readonly bios: { readonly size: number; readonly pages: PageSizeChoice };
  /** Region of space 0 that holds the paging structures of the paged spaces (claim 4). */
  readonly pageTables: PhysicalChunk;
  /** Space 0's private chunk, used by the buffer cache module (claim 10). */
  readonly bufferCache: PhysicalChunk;
  /** Spaces 1..n-1, which run with paging on. */
  readonly spaces: readonly PagedSpace[];
}

/** Claims 9 and 13 name at least three spaces; eight keeps cases small. */
export const MIN_SPACES = 3;
export const MAX_SPACES = 8;
export const MAX_THREADS = 8;

/** The reasons a layout is rejected. A system's LayoutError carries one of them. */
export const LAYOUT_RULES = [
  'maxphyaddr',
  'space-count',
  'threads',
  'alignment',
  'below-4g',
  'stacks',
  'overlap',
  'shared-private',
  'beyond-maxphyaddr',
  'window',
  'page-tables',
  'module',
] as const;
export type LayoutRule = (typeof LAYOUT_RULES)[number];

/** An invalid layout, rejected at boot with a one-line message naming the rule it breaks. */
export class LayoutError extends Error {
  constructor(
    readonly rule: LayoutRule,
    message: string,
  ) {
    super(message);
    this.name = 'LayoutError';
  }
}

/** The rule of a thrown layout error (duck-typed: the error may come from another copy of this module). */
export function layoutRuleOf(error: unknown): LayoutRule | null {
  if (typeof error !== 'object' || error === null) return null;
  const rule = (error as { rule?: unknown }).rule;
  return typeof rule === 'string' && (LAYOUT_RULES as readonly string[]).includes(rule) ? (rule as LayoutRule) : null;
}

const PAGE_4K = 4096;
const PAGE_2M = 2 * 1024 * 1024;

/**
 * The page-table budget a layout must provide, in bytes: per paged space one page for the PDPT, four page
 * directories, and one page table for every 2 MiB region of a chunk mapped with 4 KiB pages (all of them
 * for "4K", the odd ones for "mixed"). Part of the contract so that the specification and a kernel agree
 * on which layouts are too tight; a kernel may use less.
 */
export function pageTableBytesRequired(layout: SystemLayout): number {
  let pages = 0;
  for (const space of layout.spaces) {
    pages += 1 + 4;
    pages += smallPageRegions(0, layout.common.size, layout.common.pages);
    pages += smallPageRegions(2 ** 32 - layout.bios.size, layout.bios.size, layout.bios.pages);
    pages += smallPageRegions(space.window.va, space.window.size, space.pages);
  }
  return pages * PAGE_4K;
}

/** 2 MiB regions of [va, va + size) that a mapping with `pages` maps with 4 KiB pages. */
function smallPageRegions(va: number, size: number, pages: PageSizeChoice): number {
  if (size <= 0) return 0;
  const first = Math.floor(va / PAGE_2M);
  const last = Math.floor((va + size - 1) / PAGE_2M);
  if (pages === '4K') return last - first + 1;
  if (pages === '2M') return 0;
  return Math.floor((last - first + 1) / 2);
}

/**
 * Whether the 2 MiB region with index `region` (counted from the chunk's first byte) of a chunk mapped
 * with `pages` uses 4 KiB pages. "mixed" alternates, starting with a 2 MiB page.
 */
export function regionUsesSmallPages(pages: PageSizeChoice, region: number): boolean {
  if (pages === '4K') return true;
  if (pages === '2M') return false;
  return region % 2 === 1;
}

/** Page granule a chunk mapped with `pages` must be aligned and sized to. */
export function pageGranule(pages: PageSizeChoice): number {
  return pages === '4K' ? PAGE_4K : PAGE_2M;
}

// ---- calls ----------------------------------------------------------------------------------------------

export const CALL_OPS = [
  'bc.read',
  'bc.write',
  'ic.get',
  'ic.set',
  'ic.fetch',
  'nc.enter',
  'nc.lookup',
  'nc.remove',
  'nc.stat',
  'snap.take',
  'snap.write',
  'snap.read',
] as const;
export type CallOp = (typeof CALL_OPS)[number];

export const MODULE_OF_OP: Readonly<Record<CallOp, ModuleKind>> = {
  'bc.read': 'buffer-cache',
  'bc.write': 'buffer-cache',
  'ic.get': 'inode-cache',
  'ic.set': 'inode-cache',
  'ic.fetch': 'inode-cache',
  'nc.enter': 'name-cache',
  'nc.lookup': 'name-cache',
  'nc.remove': 'name-cache',
  'nc.stat': 'name-cache',
  'snap.take': 'snapshot',
  'snap.write': 'snapshot',
  'snap.read': 'snapshot',
};

/**
 * One call of a thread to the module of `space`. Buffer cache: a block's cached value. Inode cache: an
 * inode's size; `ic.fetch` fills a miss from the buffer cache (a call from a paged space to space 0).
 * Name cache: (directory inode, name) to inode; `nc.stat` looks the name up and asks the inode cache for
 * the size (a module-to-module call between paged spaces). Snapshot: `snap.take` freezes the block map,
 * `snap.read` reads a block as of a snapshot (0: the live map).
 */
export type Call =
  | { readonly op: 'bc.read'; readonly space: number; readonly block: number }
  | { readonly op: 'bc.write'; readonly space: number; readonly block: number; readonly value: number }
  | { readonly op: 'ic.get' | 'ic.fetch'; readonly space: number; readonly ino: number }
  | { readonly op: 'ic.set'; readonly space: number; readonly ino: number; readonly size: number }
  | { readonly op: 'nc.lookup' | 'nc.remove' | 'nc.stat'; readonly space: number; readonly dir: number; readonly name: string }
  | { readonly op: 'nc.enter'; readonly space: number; readonly dir: number; readonly name: string; readonly ino: number }
  | { readonly op: 'snap.take'; readonly space: number }
  | { readonly op: 'snap.write'; readonly space: number; readonly block: number; readonly value: number }
  | { readonly op: 'snap.read'; readonly space: number; readonly snapshot: number; readonly block: number };

/** Names in the name cache: 1 to NAME_MAX bytes of this alphabet. */
export const NAME_MAX = 12;
export const NAME_PATTERN = /^[a-z0-9._-]{1,12}$/;

/** Result codes (every other result is a plain 32-bit value). */
export const RESULT = {
  /** not cached / not found */
  MISS: 0xffffffff,
  /** `snap.read` of a snapshot that was never taken */
  NO_SNAPSHOT: 0xfffffffe,
} as const;

/** What the threads run: one list of calls per thread, and the preemption schedule. */
export interface Program {
  readonly threads: readonly (readonly Call[])[];
  /**
   * One decision per preemption point at which preemption is enabled, in the order the scheduler meets
   * them; missing decisions are 0. Decision d > 0 switches to the d-th next runnable thread (cyclically);
   * 0 keeps the current thread. Threads start at thread 0; a finished thread hands over to the next one.
   */
  readonly schedule: readonly number[];
}

export interface Preemption {
  readonly from: number;
  readonly to: number;
  /** The preempted thread was inside a gate call (a claim-7 violation for a correct system). */
  readonly insideCall: boolean;
}

export interface RunReport {
  /** Set when the system stopped: a module faulted, a thread overflowed its stack, ... */
  readonly panic: string | null;
  readonly preemptions: readonly Preemption[];
  readonly completedCalls: number;
}

// ---- ABI of common memory -------------------------------------------------------------------------------

/**
 * Where parameters and results cross spaces (claims 1, 2, 5): linear = physical addresses in the common
 * chunk, which every space maps at the same place.
 *
 *   0x0000 .. 0x0fff   unused first page
 *   0x1000 .. 0x1fff   mailbox: one 64-byte frame per call depth (depth 1 = a module-to-module call)
 *   0x2000 ..          thread t's stack: [STACKS_VA + t * stackBytes, + stackBytes)
 *
 * A frame (a thread's context for one call, or a mailbox frame) is 16 little-endian 32-bit words:
 *   word 0      opcode: (index in CALL_OPS) << 8 | target space
 *   words 1..6  parameters (encodeParameters)
 *   word 7      result slot
 *   words 8..15 the caller's locals (a context frame), which no call may change
 * Thread t's i-th call uses the frame at stack base + i * FRAME_BYTES.
 */
export const ABI = {
  MAILBOX_VA: 0x1000,
  MAILBOX_DEPTHS: 4,
  STACKS_VA: 0x2000,
  FRAME_BYTES: 64,
  FRAME_WORDS: 16,
  OPCODE_WORD: 0,
  FIRST_PARAMETER_WORD: 1,
  PARAMETER_WORDS: 6,
  RESULT_WORD: 7,
  FIRST_LOCAL_WORD: 8,
  /** What the caller leaves in its result slot before the call. */
  RESULT_PENDING: 0xfeedface,
} as const;

export function stackBase(layout: Pick<SystemLayout, 'stackBytes'>, thread: number): number {
  return ABI.STACKS_VA + thread * layout.stackBytes;
}

export function contextFrameAddress(layout: Pick<SystemLayout, 'stackBytes'>, thread: number, index: number): number {
  return stackBase(layout, thread) + index * ABI.FRAME_BYTES;
}

export function mailboxFrameAddress(depth: number): number {
  return ABI.MAILBOX_VA + depth * ABI.FRAME_BYTES;
}

/** How many calls a thread's stack holds. */
export function callsPerStack(stackBytes: number): number {
  return Math.floor(stackBytes / ABI.FRAME_BYTES);
}

/** The caller's local word `k` (0..7) of thread t's i-th frame: distinct, non-zero, recognisable. */
export function localWord(thread: number, index: number, k: number): number {
  return (0xc0de0000 + thread * 0x1000 + index * 0x10 + k) >>> 0;
}

export function opcodeOf(call: Call): number {
  return ((CALL_OPS.indexOf(call.op) << 8) | call.space) >>> 0;
}

/** Splits an opcode word; null when the op index is unknown. */
export function decodeOpcode(word: number): { op: CallOp; space: number } | null {
  const op = CALL_OPS[word >>> 8];
  return op === undefined ? null : { op, space: word & 0xff };
}

/** The name as three little-endian words of bytes, zero-padded. */
export function nameWords(name: string): [number, number, number] {
  const words: [number, number, number] = [0, 0, 0];
  for (let i = 0; i < name.length && i < NAME_MAX; i++) {
    const w = i >> 2;
    words[w] = (words[w]! + name.charCodeAt(i) * 2 ** (8 * (i & 3))) >>> 0;
  }
  return words;
}

/** The six parameter words of a call. */
export function encodeParameters(call: Call): number[] {
  const p: number[] = [0, 0, 0, 0, 0, 0];
  switch (call.op) {
    case 'bc.read':
      p[0] = call.block;
      break;
    case 'bc.write':
    case 'snap.write':
      p[0] = call.block;
      p[1] = call.value;
      break;
    case 'ic.get':
    case 'ic.fetch':
      p[0] = call.ino;
      break;
    case 'ic.set':
      p[0] = call.ino;
      p[1] = call.size;
      break;
    case 'nc.enter':
    case 'nc.lookup':
    case 'nc.remove':
    case 'nc.stat': {
      const [n0, n1, n2] = nameWords(call.name);
      p[0] = call.dir;
      p[1] = call.name.length;
      p[2] = n0;
      p[3] = n1;
      p[4] = n2;
      if (call.op === 'nc.enter') p[5] = call.ino;
      break;
    }
    case 'snap.take':
      break;
    case 'snap.read':
      p[0] = call.snapshot;
      p[1] = call.block;
      break;
  }
  return p.map((w) => w >>> 0);
}

/** The 16 words of thread t's i-th context frame as the caller writes it, before the call. */
export function contextFrameWords(call: Call, thread: number, index: number): number[] {
  const words = [opcodeOf(call), ...encodeParameters(call), ABI.RESULT_PENDING];
  for (let k = 0; k < ABI.FRAME_WORDS - ABI.FIRST_LOCAL_WORD; k++) words.push(localWord(thread, index, k));
  return words;
}

// ---- the system under test --------------------------------------------------------------------------------

export interface BootOptions {
  readonly layout: SystemLayout;
  readonly threads: number;
  /** Wraps the processor the system runs on, so the harness can observe it (ControlRecorder). */
  readonly observe?: (cpu: Processor) => Processor;
}

export interface SpaceSystem {
  /** The processor the system runs on (as wrapped by `observe`). */
  readonly cpu: Processor;
  readonly layout: SystemLayout;
  readonly threads: number;
  /** The space translation currently follows (0: paging off). */
  readonly currentSpace: number;
  /**
   * Switches translation to `space` exactly as the gate does: paging on with the space's CR3 when entering
   * a paged space from space 0, paging off when returning to space 0, a CR3 load between paged spaces
   * (claims 6, 16).
   */
  switchTo(space: number): void;
  /** Runs the threads' calls through the gate under the schedule, from the application in space 0. */
  run(program: Program): RunReport;
  /**
   * Kernel service: maps the 2 MiB page of `space`'s private window that contains `va` to the 2 MiB frame
   * at `pa` (inside the space's private chunk), leaving no stale translation behind (SDM 4.10.4.1).
   */
  remapLargePage(space: number, va: number, pa: number): void;
}

export interface SpaceSystemFactory {
  readonly name: string;
  /** Boots a system on a fresh processor; throws a LayoutError when the layout is invalid. */
  boot(options: BootOptions): SpaceSystem;
}

// ---- observation ----------------------------------------------------------------------------------------

export type ControlEvent =
  | { readonly reg: 'cr0' | 'cr3' | 'cr4'; readonly value: number; readonly ok: boolean }
  | { readonly reg: 'invlpg'; readonly value: number; readonly ok: true };

/**
 * A Processor that forwards everything to another one and records every MOV to a control register and
 * every INVLPG, for the switch and layout families. It adds nothing on the load/store path.
 */
export class ControlRecorder implements Processor {
  readonly log: ControlEvent[] = [];

  constructor(readonly inner: Processor) {}

  get maxPhyAddr(): number {
    return this.inner.maxPhyAddr;
  }
  get cr0(): number {
    return this.inner.cr0;
  }
  get cr3(): number {
    return this.inner.cr3;
  }
  get cr4(): number {
    return this.inner.cr4;
  }
  get efer(): number {
    return this.inner.efer;
  }
  get valueLo(): number {
    return this.inner.valueLo;
  }
  get valueHi(): number {
    return this.inner.valueHi;
  }
  get fault(): Fault | null {
    return this.inner.fault;
  }

  load(va: number, size: number, user: boolean): boolean {
    return this.inner.load(va, size, user);
  }
  fetch(va: number, size: number, user: boolean): boolean {
    return this.inner.fetch(va, size, user);
  }
  store(va: number, size: number, lo: number, hi: number, user: boolean): boolean {
    return this.inner.store(va, size, lo, hi, user);
  }
  movCr0(value: number): boolean {
    const ok = this.inner.movCr0(value);
    this.log.push({ reg: 'cr0', value: value >>> 0, ok });
    return ok;
  }
  movCr3(value: number): boolean {
    const ok = this.inner.movCr3(value);
    this.log.push({ reg: 'cr3', value: value >>> 0, ok });
    return ok;
  }
  movCr4(value: number): boolean {
    const ok = this.inner.movCr4(value);
    this.log.push({ reg: 'cr4', value: value >>> 0, ok });
    return ok;
  }
  writeEfer(value: number): void {
    this.inner.writeEfer(value);
  }
  invlpg(va: number): void {
    this.inner.invlpg(va);
    this.log.push({ reg: 'invlpg', value: va >>> 0, ok: true });
  }
  readPhys32(pa: number): number {
    return this.inner.readPhys32(pa);
  }
  writePhys32(pa: number, value: number): void {
    this.inner.writePhys32(pa, value);
  }
  dumpMemory(): MemoryWord[] {
    return this.inner.dumpMemory();
  }

  /** Forgets what was recorded so far. */
  clear(): void {
    this.log.length = 0;
  }
}
