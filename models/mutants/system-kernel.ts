/**
 * Seeded faults in the kernel (models/reference/system/kernel.ts): how it encodes the mappings of a space
 * into page tables, and what it invalidates when it changes them.
 */
import { PAGE_2M } from '../../src/arch/entry-layout.ts';
import { regionUsesSmallPages } from '../../src/machine/system.ts';
import { createReferenceProcessor } from '../reference/index.ts';
import { createSpaceSystem, ENTRY_FLAGS, Kernel, type PaeRoot, type SystemParts } from '../reference/system/index.ts';
import { type Mutant, systemMutant } from './mutant.ts';

const FOUR_GIB = 2 ** 32;

/** No INVLPG after rewriting a PDE of the current space. */
class RemapWithoutInvlpgKernel extends Kernel {
  protected override invalidateAfterRemap(): void {
    // the fault: the old translation stays cached
  }
}

/**
 * The private window's 2 MiB PDEs written with a zero high half: frame bits 32 and up are lost, so the
 * window of a chunk above 4 GiB maps memory 4 GiB (or a multiple) lower. 4 KiB pages are right.
 */
class LargeFrameHighDroppedKernel extends Kernel {
  protected override mapPrivate(root: PaeRoot, k: number): void {
    const s = this.layout.spaces[k - 1]!;
    let region = 0;
    for (let offset = 0; offset < s.window.size; offset += PAGE_2M, region++) {
      const va = s.window.va + offset;
      const pa = s.chunk.base + offset;
      if (regionUsesSmallPages(s.pages, region)) {
        for (let o = 0; o < PAGE_2M; o += 4096) this.tables.mapSmall(root, va + o, pa + o, false);
      } else {
        this.tables.writeEntry(this.tables.pdeAddress(root, va), pa % FOUR_GIB, ENTRY_FLAGS.LARGE); // the fault: hi = 0
      }
    }
  }
}

/**
 * The chunk index off by one for spaces 2 and up: space k's window maps the private chunk of space k - 1,
 * so space 1's chunk is mapped twice (in spaces 1 and 2) and the last space's chunk by no space.
 */
class ChunkIndexOffByOneKernel extends Kernel {
  protected override mapPrivate(root: PaeRoot, k: number): void {
    const s = this.layout.spaces[k - 1]!;
    const chunk = (this.layout.spaces[k - 2] ?? s).chunk;
    const size = Math.min(s.window.size, chunk.size);
    this.tables.mapRange(root, s.window.va, chunk.base, size, false, (r) => regionUsesSmallPages(s.pages, r));
  }
}

/**
 * The private window mapped global (G = 1) like the common and BIOS chunks: its translations survive the
 * CR3 load of a module-to-module call, so the next space may use the previous space's chunk.
 */
class GlobalPrivateKernel extends Kernel {
  protected override mapPrivate(root: PaeRoot, k: number): void {
    const s = this.layout.spaces[k - 1]!;
    this.tables.mapRange(root, s.window.va, s.chunk.base, s.window.size, true, (r) => regionUsesSmallPages(s.pages, r));
  }
}

function withKernel(create: NonNullable<SystemParts['kernel']>) {
  return (name: string) => createSpaceSystem(name, createReferenceProcessor, { kernel: create });
}

export const kernelMutants: readonly Mutant[] = [
  systemMutant(
    {
      name: 'kernel-remap-no-invlpg',
      layer: 'kernel',
      description: 'INVLPG forgotten on remap: after rewriting a 2 MiB PDE of the current space the old translation stays in the TLB.',
      family: 'switch',
    },
    withKernel((cpu, layout) => new RemapWithoutInvlpgKernel(cpu, layout)),
  ),
  systemMutant(
    {
      name: 'kernel-large-frame-high-dropped',
      layer: 'kernel',
      description: '2 MiB frame bits encoded wrongly: the high half of a private window\'s 2 MiB PDE is left 0, so a chunk above 4 GiB is mapped 4 GiB lower.',
      family: 'isolation',
    },
    withKernel((cpu, layout) => new LargeFrameHighDroppedKernel(cpu, layout)),
  ),
  systemMutant(
    {
      name: 'kernel-chunk-index-off-by-one',
      layer: 'kernel',
      description: 'A private chunk mapped twice: from space 2 on, space k maps the chunk of space k - 1 (an off-by-one in the chunk index), so space 1\'s chunk is in two spaces.',
      family: 'isolation',
    },
    withKernel((cpu, layout) => new ChunkIndexOffByOneKernel(cpu, layout)),
  ),
  systemMutant(
    {
      name: 'kernel-private-global',
      layer: 'kernel',
      description: 'The private window is mapped global like common memory, so its translations survive the CR3 switch between paged spaces.',
      family: 'switch',
    },
    withKernel((cpu, layout) => new GlobalPrivateKernel(cpu, layout)),
  ),
];
