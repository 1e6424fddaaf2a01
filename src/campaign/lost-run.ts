/**
 * A run that never answered (the machine hung past the case timeout, or its worker died) is a finding of
 * its own kind. Its case is regenerated from the run's seed, without running it, and is not shrunk.
 */
import { buildFinding } from '../findings/build-finding.ts';
import type { Finding, FindingMachine } from '../findings/finding.ts';
import type { AnyFamily } from '../properties/family.ts';
import type { LostReason } from './lane.ts';
import { generatedCase } from './run-case.ts';
import { runSeed } from './run-seed.ts';

export function lostRunFinding(
  family: AnyFamily,
  index: number,
  campaign: { readonly seed: number; readonly machine: FindingMachine },
  reason: Exclude<LostReason, 'stopped' | 'retry'>,
  message: string,
): Finding {
  const kind = reason === 'timeout' ? 'timeout' : 'worker-crash';
  const what = reason === 'timeout' ? 'did not finish this case' : 'crashed its worker on this case';
  return buildFinding({
    family,
    machine: campaign.machine,
    origin: { kind: 'generated' },
    run: { campaignSeed: campaign.seed, index, seed: runSeed(campaign.seed, index), path: '' },
    shrink: { evaluations: 0, cut: 'not-shrunk' },
    divergence: { kind, explanation: `machine ${campaign.machine.name} ${what} (${message}); the case was not shrunk`, signature: kind, details: { message } },
    case: generatedCase(family, campaign.seed, index),
  });
}
