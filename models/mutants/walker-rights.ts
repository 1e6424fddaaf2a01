/**
 * Seeded faults in access rights and in what a page fault reports (SDM 4.6, 4.7): U/S, R/W or XD
 * combined wrongly across the levels, CR0.WP ignored, CR2 wrong on an access that straddles two pages,
 * the I/D bit of the error code reported when it must not be.
 */
import { PF_ERROR } from '../../src/arch/entry-layout.ts';
import type { ProcessorOptions } from '../../src/machine/processor.ts';
import { isExecuteDisabled, isUser, isWritable } from '../reference/entry.ts';
import { PaeWalker, PERMISSION, ReferenceProcessor, type WalkerContext } from '../reference/index.ts';
import { type Mutant, walkMutant } from './mutant.ts';

/** Sets `bit` of `permissions` to `on`: the level overwrites instead of combining. */
function overwrite(permissions: number, bit: number, on: boolean): number {
  return on ? permissions | bit : permissions & ~bit;
}

/** U/S overwritten by each level, so the leaf's alone decides (the PDE's is lost). */
class UserLeafWinsWalker extends PaeWalker {
  protected override combinePermissions(permissions: number, lo: number, hi: number): number {
    const combined = super.combinePermissions(permissions, lo, hi);
    return overwrite(combined, PERMISSION.USER, isUser(lo));
  }
}

/** R/W overwritten by each level, so the leaf's alone decides. */
class WritableLeafWinsWalker extends PaeWalker {
  protected override combinePermissions(permissions: number, lo: number, hi: number): number {
    const combined = super.combinePermissions(permissions, lo, hi);
    return overwrite(combined, PERMISSION.WRITABLE, isWritable(lo));
  }
}

/** XD overwritten by each level instead of ORed, so an XD PDE or PDPTE above an executable leaf is lost. */
class XdLeafWinsWalker extends PaeWalker {
  protected override combinePermissions(permissions: number, lo: number, hi: number): number {
    const combined = super.combinePermissions(permissions, lo, hi);
    return overwrite(combined, PERMISSION.NO_EXECUTE, isExecuteDisabled(hi));
  }
}

/** CR0.WP never seen as set: supervisor writes ignore R/W, as on a 386 (SDM 4.6.1). */
class WpIgnoredProcessor extends ReferenceProcessor {
  constructor(options: ProcessorOptions) {
    super(options);
    // The walk and the TLB hit masks both read the flag from the register file, so one getter covers both.
    Object.defineProperty(this.control, 'writeProtect', { get: () => false });
  }
}

/**
 * A processor whose page faults pass through `rewrite` before they are reported. `va` and `size` are the
 * access's, so a rewrite can tell an access that straddles pages.
 */
abstract class FaultRewritingProcessor extends ReferenceProcessor {
  protected abstract rewrite(errorCode: number, cr2: number, va: number, fetch: boolean): { errorCode: number; cr2: number };

  override load(va: number, size: number, user: boolean): boolean {
    return this.reported(super.load(va, size, user), va, false);
  }
  override fetch(va: number, size: number, user: boolean): boolean {
    return this.reported(super.fetch(va, size, user), va, true);
  }
  override store(va: number, size: number, lo: number, hi: number, user: boolean): boolean {
    return this.reported(super.store(va, size, lo, hi, user), va, false);
  }

  private reported(ok: boolean, va: number, fetch: boolean): boolean {
    const fault = this.fault;
    if (ok || fault === null || fault.kind !== 'page-fault') return ok;
    const { errorCode, cr2 } = this.rewrite(fault.errorCode, fault.cr2, va >>> 0, fetch);
    this.fault = { kind: 'page-fault', errorCode, cr2 };
    this.cr2 = cr2;
    return ok;
  }
}

/** CR2 holds the first byte of the access even when the fault is in its second page. */
class Cr2AccessStartProcessor extends FaultRewritingProcessor {
  protected rewrite(errorCode: number, _cr2: number, va: number): { errorCode: number; cr2: number } {
    return { errorCode, cr2: va };
  }
}

/** I/D set for every fetch fault, though the SDM reports it only when EFER.NXE = 1 (under PAE). */
class IdWithoutNxeProcessor extends FaultRewritingProcessor {
  protected rewrite(errorCode: number, cr2: number, _va: number, fetch: boolean): { errorCode: number; cr2: number } {
    return { errorCode: fetch ? errorCode | PF_ERROR.ID : errorCode, cr2 };
  }
}

function withWalker(create: (context: WalkerContext) => PaeWalker) {
  return (options: ProcessorOptions) => new ReferenceProcessor({ ...options, createWalker: create });
}

export const walkerRightsMutants: readonly Mutant[] = [
  walkMutant(
    {
      name: 'walker-user-leaf-wins',
      layer: 'walker',
      description: 'U/S is not ANDed across levels: each level overwrites it, so a supervisor-only PDE above a user PTE lets user code in.',
      family: 'faults',
    },
    withWalker((c) => new UserLeafWinsWalker(c)),
  ),
  walkMutant(
    {
      name: 'walker-writable-leaf-wins',
      layer: 'walker',
      description: 'R/W is not ANDed across levels: a read-only PDE above a writable PTE allows writes.',
      family: 'faults',
    },
    withWalker((c) => new WritableLeafWinsWalker(c)),
  ),
  walkMutant(
    {
      name: 'walker-xd-leaf-wins',
      layer: 'walker',
      description: 'XD is not ORed across levels: an execute-disable PDE or PDPTE above an executable PTE allows fetches.',
      family: 'faults',
    },
    withWalker((c) => new XdLeafWinsWalker(c)),
  ),
  walkMutant(
    {
      name: 'walker-wp-ignored',
      layer: 'walker',
      description: 'CR0.WP is ignored: supervisor writes to read-only pages succeed with WP = 1.',
      family: 'faults',
    },
    (options) => new WpIgnoredProcessor(options),
  ),
  walkMutant(
    {
      name: 'walker-cr2-access-start',
      layer: 'walker',
      description: 'CR2 is wrong on a straddling access: it holds the access\'s first byte when the fault is in the second page.',
      family: 'faults',
    },
    (options) => new Cr2AccessStartProcessor(options),
  ),
  walkMutant(
    {
      name: 'walker-id-without-nxe',
      layer: 'walker',
      description: 'The I/D bit of the error code is set on every instruction-fetch fault, also with EFER.NXE = 0.',
      family: 'faults',
    },
    (options) => new IdWithoutNxeProcessor(options),
  ),
];
