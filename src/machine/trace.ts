/**
 * The trace: what every machine under test receives (DESIGN.md, "The machine contract"). Plain JSON with
 * a format version, so a finding replays without the generator that produced it.
 *
 * A trace is an initial sparse physical memory image, initial control registers, and a list of steps.
 * Paging is PAE paging when CR4.PAE = 1 and 32-bit paging (with PSE and PSE-36) when CR4.PAE = 0.
 * Physical addresses are JSON numbers (exact up to 2^53, and MAXPHYADDR is at most 52); 64-bit data
 * values are Hex64 strings.
 */
import type { Hex64 } from '../arch/word.ts';

export const TRACE_FORMAT = 'xlatcheck-trace';
export const TRACE_VERSION = 1;

export type AccessSize = 1 | 2 | 4 | 8;
export const ACCESS_SIZES: readonly AccessSize[] = [1, 2, 4, 8];

/** One 8-byte, 8-byte-aligned little-endian word of physical memory. */
export interface MemoryWord {
  readonly pa: number;
  readonly value: Hex64;
}

/** CR0, CR3, CR4 and IA32_EFER, as unsigned 32-bit numbers (only the low half of EFER matters here). */
export interface Registers {
  readonly cr0: number;
  readonly cr3: number;
  readonly cr4: number;
  readonly efer: number;
}

/** A data read at linear address `va`, in user mode (CPL 3) when `user`. */
export interface LoadStep {
  readonly op: 'load';
  readonly va: number;
  readonly size: AccessSize;
  readonly user: boolean;
}

/** An instruction fetch: a read whose page-fault error code carries I/D, and which XD forbids. */
export interface FetchStep {
  readonly op: 'fetch';
  readonly va: number;
  readonly size: AccessSize;
  readonly user: boolean;
}

/** A data write of the low `size` bytes of `value`. */
export interface StoreStep {
  readonly op: 'store';
  readonly va: number;
  readonly size: AccessSize;
  readonly value: Hex64;
  readonly user: boolean;
}

export interface MovCrStep {
  readonly op: 'mov-cr0' | 'mov-cr3' | 'mov-cr4';
  readonly value: number;
}

export interface InvlpgStep {
  readonly op: 'invlpg';
  readonly va: number;
}

/**
 * A write of one aligned 8-byte word straight to physical memory, bypassing translation and the TLB:
 * a kernel editing page tables (or a device writing memory). It invalidates nothing.
 */
export interface WritePhysStep {
  readonly op: 'write-phys';
  readonly pa: number;
  readonly value: Hex64;
}

/**
 * Changes one second-stage mapping (two-stage translation after US5784707A): intermediate 4 KiB frame
 * `ipa` is backed by physical frame `pa` from this step on. The change takes effect at once and
 * invalidates every cached translation (a machine must keep its combined entries coherent).
 */
export interface MapStage2Step {
  readonly op: 'map-stage2';
  readonly ipa: number;
  readonly pa: number;
}

export type Step = LoadStep | FetchStep | StoreStep | MovCrStep | InvlpgStep | WritePhysStep | MapStage2Step;
export type AccessStep = LoadStep | FetchStep | StoreStep;

/** One second-stage mapping: intermediate 4 KiB frame `ipa` is backed by physical 4 KiB frame `pa`. */
export interface Stage2Mapping {
  readonly ipa: number;
  readonly pa: number;
}

export interface Trace {
  readonly format: typeof TRACE_FORMAT;
  readonly version: typeof TRACE_VERSION;
  /** MAXPHYADDR, 36 to 52: physical memory is [0, 2^maxPhyAddr). */
  readonly maxPhyAddr: number;
  readonly registers: Registers;
  /** Initial contents; everything else reads 0. Sorted by pa, no duplicates. */
  readonly memory: readonly MemoryWord[];
  readonly steps: readonly Step[];
  /**
   * Optional second stage (two-stage translation): the first stage (the page tables) produces
   * intermediate addresses, including the addresses of page tables themselves; each 4 KiB intermediate
   * frame listed here is backed by the given physical frame, every other one by the physical frame of the
   * same address. Absent or empty: intermediate = physical, which is ordinary x86 paging. Sorted by ipa.
   */
  readonly stage2?: readonly Stage2Mapping[];
}

export function isAccessStep(step: Step): step is AccessStep {
  return step.op === 'load' || step.op === 'fetch' || step.op === 'store';
}
