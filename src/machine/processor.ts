/**
 * The in-process face of a machine: a processor with control registers, an MMU and physical memory,
 * driven one operation at a time. The reference machine, its broken variants and the patent variants
 * implement it; the multi-space system (kernel, gate, modules) runs on any implementation of it; and
 * `processorMachine` turns one into a batch Machine for the walk-level properties.
 *
 * Hot-path shape (STYLE.md, v86/jor1k): operations return a boolean status and leave their value in
 * `valueLo`/`valueHi` or their fault in `fault`, so a TLB hit allocates nothing. Physical addresses are
 * plain numbers that may exceed 2^32.
 */
import type { MemoryWord } from './trace.ts';

export interface PageFault {
  readonly kind: 'page-fault';
  readonly errorCode: number;
  /** The faulting linear address (SDM 4.7: CR2). */
  readonly cr2: number;
}

export interface GeneralProtectionFault {
  readonly kind: 'general-protection';
}

export type Fault = PageFault | GeneralProtectionFault;

export interface Processor {
  readonly maxPhyAddr: number;
  readonly cr0: number;
  readonly cr3: number;
  readonly cr4: number;
  readonly efer: number;

  /** Low and high 32 bits (unsigned) of the value read by the last successful load or fetch. */
  readonly valueLo: number;
  readonly valueHi: number;
  /** The fault raised by the last operation that returned false; meaningless after a success. */
  readonly fault: Fault | null;

  /** Reads `size` bytes (1, 2, 4, 8) at linear address va; false on a fault. */
  load(va: number, size: number, user: boolean): boolean;
  /** An instruction fetch of `size` bytes at va; false on a fault. */
  fetch(va: number, size: number, user: boolean): boolean;
  /** Writes the low `size` bytes of (hi:lo) at va; false on a fault (then nothing is written). */
  store(va: number, size: number, lo: number, hi: number, user: boolean): boolean;

  /** MOV to CR0/CR3/CR4; false when the move raises #GP (e.g. a bad PDPTE under PAE). */
  movCr0(value: number): boolean;
  movCr3(value: number): boolean;
  movCr4(value: number): boolean;
  /** WRMSR IA32_EFER. */
  writeEfer(value: number): void;
  invlpg(va: number): void;

  /** Physical memory, bypassing translation and the TLB (a kernel or device writing memory). */
  readPhys32(pa: number): number;
  writePhys32(pa: number, value: number): void;

  /** Every 8-byte-aligned word of physical memory that is not zero, sorted by pa. */
  dumpMemory(): MemoryWord[];

  /**
   * Two-stage translation (trace.ts, US5784707A): from now on intermediate 4 KiB frame `ipa` is backed by
   * physical frame `pa` (both 4 KiB-aligned addresses), and every cached translation is gone. Optional: a
   * processor without a second stage leaves it out, and `processorMachine` refuses traces that need one.
   */
  mapStage2?(ipa: number, pa: number): void;
}

export interface ProcessorOptions {
  /** MAXPHYADDR, 36 to 52 (default 36). */
  readonly maxPhyAddr?: number;
}

export type ProcessorFactory = (options: ProcessorOptions) => Processor;
