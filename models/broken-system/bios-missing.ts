/**
 * Broken on purpose (for the layout family): the kernel forgets the BIOS chunk in the last paged space,
 * against claims 3, 11 and 13 (the BIOS chunk is included in every space, at its top).
 */
import { Kernel, type PaeRoot, type SystemParts } from '../reference/system/index.ts';

class BiosMissingKernel extends Kernel {
  protected override buildSpace(k: number): PaeRoot {
    if (k !== this.layout.spaces.length) return super.buildSpace(k);
    const root = this.tables.createRoot();
    this.mapCommon(root);
    this.mapPrivate(root, k);
    return root;
  }
}

export const biosMissing: Pick<SystemParts, 'kernel'> = {
  kernel: (cpu, layout) => new BiosMissingKernel(cpu, layout),
};
