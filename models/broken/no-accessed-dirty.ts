/**
 * Broken on purpose: the walker never sets accessed or dirty bits. Loads and stores still return the
 * right values; caught by the translation properties, which compare the final memory (A/D bits included).
 */
import type { Machine } from '../../src/machine/machine.ts';
import { processorMachine } from '../../src/machine/processor-machine.ts';
import { PaeWalker, ReferenceProcessor, type WalkResult } from '../reference/index.ts';

export class NoAccessedDirtyWalker extends PaeWalker {
  override setAccessed(_out: WalkResult): void {
    // the fault: A stays clear
  }

  override setDirty(_out: WalkResult): void {
    // the fault: D stays clear
  }
}

export const noAccessedDirtyMachine: Machine = processorMachine(
  'broken:no-accessed-dirty',
  (options) => new ReferenceProcessor({ ...options, createWalker: (context) => new NoAccessedDirtyWalker(context) }),
);
