/**
 * Broken on purpose (for the switch family): after remapping a 2 MiB page of the current space, the
 * kernel does not execute INVLPG, so the TLB may keep the old translation (SDM 4.10.4.1 requires the
 * invalidation; the walk-level specification allows the stale outcome, the system's contract does not).
 */
import { Kernel, type SystemParts } from '../reference/system/index.ts';

class NoInvlpgKernel extends Kernel {
  protected override invalidateAfterRemap(): void {}
}

export const noInvlpg: Pick<SystemParts, 'kernel'> = {
  kernel: (cpu, layout) => new NoInvlpgKernel(cpu, layout),
};
