/**
 * Broken on purpose: every physical address the walker forms is truncated to 32 bits, the classic
 * `frame << 12` bug of JavaScript MMUs (STYLE.md: bit operators truncate). Harmless while every frame lies
 * below 4 GiB; caught by the translation and big-memory properties as soon as one lies above.
 */
import type { Machine } from '../../src/machine/machine.ts';
import { processorMachine } from '../../src/machine/processor-machine.ts';
import { PaeWalker, ReferenceProcessor } from '../reference/index.ts';

const FRAMES_PER_4G = 2 ** 20;

export class TruncatingWalker extends PaeWalker {
  override addressFrame(lo: number, hi: number, lowMask: number): number {
    return super.addressFrame(lo, hi, lowMask) % FRAMES_PER_4G;
  }
}

export const truncatedPaMachine: Machine = processorMachine(
  'broken:truncated-pa',
  (options) => new ReferenceProcessor({ ...options, createWalker: (context) => new TruncatingWalker(context) }),
);
