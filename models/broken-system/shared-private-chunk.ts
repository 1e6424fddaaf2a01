/**
 * Broken on purpose (for the isolation family): the kernel also maps the first 2 MiB of space 1's private
 * chunk into space 2, with one 2 MiB page in a free slot just below the BIOS chunk, against claims 1, 9 and
 * 13 (a private chunk is included in no other space).
 */
import { PAGE_2M } from '../../src/arch/entry-layout.ts';
import { Kernel, type PaeRoot, type SystemParts } from '../reference/system/index.ts';

class SharingKernel extends Kernel {
  protected override buildSpace(k: number): PaeRoot {
    const root = super.buildSpace(k);
    const victim = this.layout.spaces[0];
    if (k !== 2 || victim === undefined) return root;
    const own = this.layout.spaces[k - 1]!.window;
    const belowBios = 2 ** 32 - this.layout.bios.size;
    let va = belowBios - (belowBios % PAGE_2M) - PAGE_2M;
    if (va + PAGE_2M > own.va && va < own.va + own.size) va = own.va - (own.va % PAGE_2M) - PAGE_2M;
    this.tables.mapLarge(root, va, victim.chunk.base - (victim.chunk.base % PAGE_2M), false);
    return root;
  }
}

export const sharedPrivateChunk: Pick<SystemParts, 'kernel'> = {
  kernel: (cpu, layout) => new SharingKernel(cpu, layout),
};
