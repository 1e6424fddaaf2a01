/**
 * The paging-32 family: the reference machine agrees with the specification under 32-bit paging with
 * PSE and PSE-36, and the family is honest: a reference machine broken in one 32-bit-specific way is
 * caught each time, with a readable shrunk trace.
 */
import { test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { ControlRegisters, Paging32Walker, ReferenceProcessor, referenceMachine, type WalkerContext } from '../models/reference/index.ts';
import { fastCheckSeed, runConfigFromEnv } from '../src/config/run-config.ts';
import type { Machine } from '../src/machine/machine.ts';
import { processorMachine } from '../src/machine/processor-machine.ts';
import type { MachineUnderTest } from '../src/properties/family.ts';
import { checkAgreement, checkFamily, readableArbitrary } from '../src/properties/property.ts';
import { paging32Family } from '../src/properties/variant-families.ts';

const config = runConfigFromEnv();

test.prop([readableArbitrary(paging32Family)], { seed: fastCheckSeed(config.seed), numRuns: config.runs })(
  `paging-32: reference agrees with the specification (${paging32Family.description})`,
  (c) => checkAgreement(paging32Family, { name: 'reference', walk: referenceMachine, system: null }, c),
);

/** PSE-36 bits dropped: every 4 MiB frame is taken below 4 GiB. */
class NoPse36Walker extends Paging32Walker {
  override hugeFrameOf(pde: number): number {
    return super.hugeFrameOf(pde) % 2 ** 20;
  }
}

/** Entries read 8 bytes apart, as under PAE: the directory index is doubled. */
class EightByteEntriesWalker extends Paging32Walker {
  override pde32Index(va: number): number {
    return (va >>> 22) * 2;
  }
}

/** PS honoured whatever CR4.PSE says. */
function alwaysPse(control: ControlRegisters): ControlRegisters {
  return Object.create(control, { pageSizeExtensions: { get: () => true } }) as ControlRegisters;
}

/** INVLPG and #PF drop only the 2 MiB half of a 4 MiB page that holds the address. */
class HalfInvlpgProcessor extends ReferenceProcessor {
  protected override invalidatePageEntries(va: number): void {
    this.tlb.invalidatePage(va);
  }
}

function broken(name: string, create: (context: WalkerContext) => Paging32Walker): Machine {
  return processorMachine(`broken-32:${name}`, (options) => new ReferenceProcessor({ ...options, createWalker32: create }));
}

const BROKEN: readonly Machine[] = [
  broken('no-pse36', (c) => new NoPse36Walker(c)),
  broken('eight-byte-entries', (c) => new EightByteEntriesWalker(c)),
  broken('ps-without-pse', (c) => new Paging32Walker({ ...c, control: alwaysPse(c.control) })),
  processorMachine('broken-32:half-invlpg', (options) => new HalfInvlpgProcessor(options)),
];

describe('the paging-32 family catches 32-bit-specific faults', () => {
  it.each(BROKEN.map((m) => [m.name, m] as const))('%s is caught', async (_name, machine) => {
    const m: MachineUnderTest = { name: machine.name, walk: machine, system: null };
    const details = await checkFamily(paging32Family, m, config);
    expect(details.failed, `${machine.name} passed ${details.numRuns} runs`).toBe(true);
    expect(String(details.errorInstance)).toMatch(/shrunk case:\n.*trace \(MAXPHYADDR \d+\)[\s\S]*steps \(\d+\):/);
  });

  it('applies to every machine with the walk-level contract', () => {
    expect(paging32Family.applies({ name: 'reference', walk: referenceMachine, system: null })).toBe(true);
    expect(paging32Family.applies({ name: 'system-only', walk: null, system: {} })).toBe(false);
  });
});
