/**
 * What a machine says about each step, and what it returns at the end of a trace.
 */
import type { Hex64 } from '../arch/word.ts';
import type { MemoryWord } from './trace.ts';

/** A load or fetch completed with this value (zero-extended to 64 bits). */
export interface ValueObservation {
  readonly kind: 'value';
  readonly value: Hex64;
}

/** A store, MOV to CR, INVLPG or physical write completed. */
export interface DoneObservation {
  readonly kind: 'done';
}

/** #PF: error code per SDM 4.7, CR2 the faulting linear address. */
export interface PageFaultObservation {
  readonly kind: 'page-fault';
  readonly errorCode: number;
  readonly cr2: number;
}

/** #GP(0): e.g. MOV to CR3 under PAE with a present PDPTE that sets a reserved bit (SDM 4.4.1). */
export interface GeneralProtectionObservation {
  readonly kind: 'general-protection';
}

export type Observation =
  | ValueObservation
  | DoneObservation
  | PageFaultObservation
  | GeneralProtectionObservation;

export interface MachineResult {
  /** Exactly one observation per step, in order. */
  readonly observations: readonly Observation[];
  /**
   * The final contents of physical memory: every 8-byte-aligned word that is not zero, sorted by pa.
   * Accessed and dirty bits set by walks are read from here.
   */
  readonly memory: readonly MemoryWord[];
}

export function observationsEqual(a: Observation, b: Observation): boolean {
  switch (a.kind) {
    case 'value':
      return b.kind === 'value' && a.value === b.value;
    case 'page-fault':
      return b.kind === 'page-fault' && a.errorCode === b.errorCode && a.cr2 === b.cr2;
    case 'done':
    case 'general-protection':
      return a.kind === b.kind;
  }
}

export function describeObservation(o: Observation): string {
  switch (o.kind) {
    case 'value':
      return `value ${o.value}`;
    case 'done':
      return 'done';
    case 'page-fault':
      return `#PF error ${describeErrorCode(o.errorCode)} cr2=0x${o.cr2.toString(16)}`;
    case 'general-protection':
      return '#GP(0)';
  }
}

export function describeErrorCode(code: number): string {
  const parts = [
    code & 1 ? 'P' : 'not-present',
    code & 2 ? 'W' : 'R',
    code & 4 ? 'U' : 'S',
  ];
  if (code & 8) parts.push('RSVD');
  if (code & 16) parts.push('I/D');
  return `0x${code.toString(16)} (${parts.join('|')})`;
}
