/**
 * The contract between the TypeScript driver and the guest that runs inside QEMU (guest/guest.asm): where
 * things live in guest physical memory, and the byte layout of every record the two exchange. This file is
 * the single source of truth; guest/abi.inc is rendered from it (`renderAbiInclude`), and a test checks
 * that the checked-in copy is current.
 *
 * Guest physical memory (RAM at [0, 3 GiB) and [4 GiB, 4 GiB + ramBytes - 3 GiB), QEMU.md):
 *
 *   0 ........ 1 MiB   firmware (never used by traces)
 *   1 MiB .... 2 MiB   home: the guest image as multiboot loads it, its stacks, the private page tables
 *   256 MiB .. 512 MiB staging: the batch (commands, images, page lists) and the guest's answers
 *   windows            2 MiB each, identity-mapped: the guest runs a trace from one of them
 *
 * A window (linear address = physical address, so paging can be switched on and off under it):
 *
 *   +0x000000  page table of the window (built by the guest)
 *   +0x001000  page directory for roots whose PDPTE cannot reach the window otherwise (written by the
 *              adapter, as part of the adapted trace's memory image)
 *   +0x002000  the guest body (code, data, GDT, IDT, TSS), copied from home
 *   +0x010000  stack for exceptions from user mode, kernel stack (top at +0x014000), user stack, scratch
 *   +0x016000  page table of the window for 32-bit paging (1024 4-byte entries over the window's 4 MiB
 *              slot; the window is one half of it, the other half is not present)
 *   +0x020000  the trace's commands, then its results, then pages the guest maps for physical writes
 */

const KiB = 1024;
const MiB = 1024 * KiB;

/** Fixed guest-physical layout. */
export const GUEST_LAYOUT = {
  /** Base of the home copy: the multiboot image is loaded at HOME_BASE + BODY_OFFSET. */
  HOME_BASE: 1 * MiB,
  /** The guest's private PAE tables (one PDPT, four page directories), used between traces. */
  PRIVATE_PDPT: 0x180000,
  PRIVATE_PD: 0x181000,
  /** Offsets inside a window (or inside home). */
  WINDOW_PT_OFFSET: 0x0,
  WINDOW_GUEST_PD_OFFSET: 0x1000,
  BODY_OFFSET: 0x2000,
  BODY_SIZE: 0xe000,
  /** Stack of exceptions and INT 0x80 taken in user mode (TSS.ESP0), apart from the kernel's own stack. */
  TRAP_STACK_TOP: 0x12000,
  KSTACK_TOP: 0x14000,
  USTACK_PAGE: 0x14000,
  USTACK_TOP: 0x15000,
  SCRATCH_PAGE: 0x15000,
  /** The window's page table under 32-bit paging (built by the guest): 4-byte entries, 4 MiB slot. */
  WINDOW_PT32_OFFSET: 0x16000,
  CMD_OFFSET: 0x20000,
  RESULT_OFFSET: 0xe0000,
  SLOT_OFFSET: 0x140000,
  SLOT_COUNT: 192,
  WINDOW_BYTES: 2 * MiB,
  /** The most steps one trace may have: the command and result tables must fit the window. */
  MAX_STEPS: 24576,
  STAGING_BASE: 256 * MiB,
  STAGING_BYTES: 256 * MiB,
  /** Physical memory below this is reachable with paging off (RAM ends at 3 GiB in the low region). */
  LOW_RAM_TOP: 3 * 1024 * MiB,
} as const;

/**
 * Guest RAM: `-m 32G` gives [0, 3 GiB) and [4 GiB, 33 GiB). Enough to leave most frames of MAXPHYADDR-36
 * traces where they are; the backing file is sparse, so only touched pages cost memory.
 */
export const RAM_BYTES = 32 * 2 ** 30;
export const HIGH_RAM_BASE = 4 * 2 ** 30;
export const HIGH_RAM_TOP = HIGH_RAM_BASE + RAM_BYTES - GUEST_LAYOUT.LOW_RAM_TOP;
/** The physical address width of the emulated CPU (qemu32 with PSE-36). */
export const QEMU_MAXPHYADDR = 36;

/** Offset in the RAM file of a physical address (QEMU.md: the low region, then the high one). */
export function ramFileOffset(pa: number): number {
  if (pa < GUEST_LAYOUT.LOW_RAM_TOP) return pa;
  if (pa >= HIGH_RAM_BASE && pa < HIGH_RAM_TOP) return pa - (HIGH_RAM_BASE - GUEST_LAYOUT.LOW_RAM_TOP);
  throw new Error(`physical address 0x${pa.toString(16)} is not in guest RAM`);
}

/** Whether a physical range lies in guest RAM (which has a hole from 3 GiB to 4 GiB). */
export function inGuestRam(base: number, bytes: number): boolean {
  const end = base + bytes;
  return (base >= 0 && end <= GUEST_LAYOUT.LOW_RAM_TOP) || (base >= HIGH_RAM_BASE && end <= HIGH_RAM_TOP);
}

/**
 * Linear (= physical) bases of the windows a trace may run from, in order of preference. Each is a 2 MiB
 * slot below 3 GiB whose page-directory index (341 or 170) generated traces rarely use: the generators
 * favour the first and last entries of a table.
 */
export const WINDOW_BASES: readonly number[] = [0xaaa00000, 0x6aa00000, 0x2aa00000, 0x95400000, 0x55400000, 0x15400000];

/** One command (a trace step) as the guest reads it: 32 bytes. */
export const COMMAND = {
  BYTES: 32,
  /** u8 opcode (OPCODE), u8 access size, u8 user (0 or 1), u8 unused. */
  OP: 0,
  SIZE: 1,
  USER: 2,
  /** u32: linear address, or the value moved to a control register. */
  A: 4,
  /** u32 pair: the stored value, or the physical address of a physical write. */
  LO: 8,
  HI: 12,
  /** u32 pair: the value of a physical write. */
  WLO: 16,
  WHI: 20,
} as const;

export const OPCODE = {
  load: 1,
  store: 2,
  fetch: 3,
  'mov-cr0': 4,
  'mov-cr3': 5,
  'mov-cr4': 6,
  invlpg: 7,
  'write-phys': 8,
} as const;

/** One result as the guest writes it: 16 bytes. */
export const RESULT = {
  BYTES: 16,
  /** u32: low byte the kind (RESULT_KIND), next byte the exception vector. */
  STATUS: 0,
  /** u32 pair: the value read, or the error code and CR2 of an exception. */
  LO: 4,
  HI: 8,
  /** u32: EIP of an exception, or the linear address a fetch probe executed at. */
  EXTRA: 12,
} as const;

export const RESULT_KIND = {
  /** The step never ran (the guest stopped before it). */
  none: 0,
  done: 1,
  value: 2,
  /** An exception during the step: vector in bits 15..8. */
  exception: 3,
  /** An exception while executing the fetch probe at EXTRA: vector in bits 15..8. */
  probeException: 4,
  /** No byte of the fetched page is safe to execute as a probe (see guest.asm, fetch). */
  unprobeable: 5,
} as const;

/** The batch header at STAGING_BASE. */
export const HEADER = {
  BYTES: 64,
  MAGIC: 0,
  COUNT: 4,
  /** Physical address of the first trace descriptor. */
  DESCRIPTORS: 8,
  /** Where the guest appends final-memory words, and the end of that area. */
  OUT_CURSOR: 12,
  OUT_END: 16,
  /** Index of the trace the guest works on (the guest advances it). */
  NEXT: 20,
  /** Nonzero when the guest stopped on an exception outside any step: 0x100 | vector. */
  FATAL: 24,
  FATAL_EIP: 28,
  /**
   * Nonzero: after the batch the guest does not exit but writes a byte to the debug console (port 0xe9)
   * and halts until an NMI says the next batch is in place (qemu-process.ts, resident QEMUs).
   */
  RESIDENT: 32,
} as const;

export const STAGING_MAGIC = 0x4d514c58; // "XLQM" little-endian

/** One trace descriptor. */
export const DESCRIPTOR = {
  BYTES: 64,
  WINDOW: 0,
  CR0: 4,
  CR3: 8,
  CR4: 12,
  EFER: 16,
  STEPS: 20,
  /** Physical addresses of the commands, the results, the image words and the page list. */
  COMMANDS: 24,
  RESULTS: 28,
  IMAGE_COUNT: 32,
  IMAGE: 36,
  PAGE_COUNT: 40,
  PAGES: 44,
  /** Filled by the guest: where this trace's final-memory words start, and how many. */
  OUT: 48,
  OUT_COUNT: 52,
  /** Filled by the guest: TRACE_STATUS. */
  STATUS: 56,
  /** Filled by the guest: 0x100 | vector when loading the initial registers raised an exception. */
  INIT_FAULT: 60,
} as const;

export const TRACE_STATUS = { pending: 0, started: 1, done: 2 } as const;

/** An image word or a final-memory word: physical address (u32 pair), value (u32 pair). */
export const WORD_RECORD_BYTES = 16;
/** A page of the read-back list: its physical address (u32 pair). */
export const PAGE_RECORD_BYTES = 8;

/** Values the guest writes to the debug-exit port; QEMU exits with status (value << 1) | 1. */
export const EXIT_CODE = { ok: 0x10, fatal: 0x11, noBatch: 0x12 } as const;

export function exitStatusOf(code: number): number {
  return (code << 1) | 1;
}

/** The constants above as NASM %defines, for guest/abi.inc. */
export function renderAbiInclude(): string {
  const lines = ['; Generated from models/qemu/guest-abi.ts by models/qemu/guest/build.ts. Do not edit.'];
  const define = (name: string, value: number): void => {
    lines.push(`%define ${name.padEnd(28)} 0x${value.toString(16)}`);
  };
  for (const [k, v] of Object.entries(GUEST_LAYOUT)) define(k, v);
  for (const [k, v] of Object.entries(COMMAND)) define(`CMD_${k}`, v);
  for (const [k, v] of Object.entries(OPCODE)) define(`OP_${k.replace(/-/g, '_').toUpperCase()}`, v);
  for (const [k, v] of Object.entries(RESULT)) define(`RES_${k}`, v);
  for (const [k, v] of Object.entries(RESULT_KIND)) define(`KIND_${k.replace(/[A-Z]/g, (c) => '_' + c).toUpperCase()}`, v);
  for (const [k, v] of Object.entries(HEADER)) define(`HDR_${k}`, v);
  for (const [k, v] of Object.entries(DESCRIPTOR)) define(`DESC_${k}`, v);
  for (const [k, v] of Object.entries(TRACE_STATUS)) define(`STATUS_${k.toUpperCase()}`, v);
  for (const [k, v] of Object.entries(EXIT_CODE)) define(`EXIT_${k.replace(/[A-Z]/g, (c) => '_' + c).toUpperCase()}`, v);
  define('STAGING_MAGIC', STAGING_MAGIC);
  define('WORD_RECORD_BYTES', WORD_RECORD_BYTES);
  define('PAGE_RECORD_BYTES', PAGE_RECORD_BYTES);
  return lines.join('\n') + '\n';
}
