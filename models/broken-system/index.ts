/**
 * Deliberately broken variants of the multi-space system, each replacing one part of the reference
 * system (models/reference/system) and each meant to be caught by one space-level family. They show that
 * the families can fail (properties/space-broken.test.ts).
 */
import type { SpaceSystemFactory } from '../../src/machine/system.ts';
import { createReferenceProcessor } from '../reference/index.ts';
import { createSpaceSystem, type SystemParts } from '../reference/system/index.ts';
import { biosMissing } from './bios-missing.ts';
import { noInvlpg } from './no-invlpg.ts';
import { noPreemptionGate } from './no-preemption-gate.ts';
import { resultOutsideCommon } from './result-outside-common.ts';
import { sharedPrivateChunk } from './shared-private-chunk.ts';

export interface BrokenSpaceSystem {
  readonly name: string;
  readonly system: SpaceSystemFactory;
  /** The space-level families meant to catch it. */
  readonly targets: readonly string[];
  readonly description: string;
}

function broken(name: string, parts: Partial<SystemParts>, targets: readonly string[], description: string): BrokenSpaceSystem {
  const full = `broken-system:${name}`;
  return { name: full, system: createSpaceSystem(full, createReferenceProcessor, parts), targets, description };
}

export const brokenSpaceSystems: readonly BrokenSpaceSystem[] = [
  broken('no-preemption-disable', noPreemptionGate, ['integrity'], 'a gate that never disables preemption (claims 7, 17)'),
  broken('result-outside-common', resultOutsideCommon, ['integrity'], 'the inode cache leaves its result in its private chunk (claims 1, 5)'),
  broken('shared-private-chunk', sharedPrivateChunk, ['isolation'], "space 1's private chunk also mapped in space 2 (claims 1, 9, 13)"),
  broken('bios-missing', biosMissing, ['layout'], 'the BIOS chunk missing from the last paged space (claims 3, 11, 13)'),
  broken('no-invlpg', noInvlpg, ['switch'], 'no INVLPG after remapping a 2 MiB page of the current space (SDM 4.10.4.1)'),
];
