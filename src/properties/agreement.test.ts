/**
 * A suite that claims a machine agrees with the specification cannot pass a case the specification
 * decided neither way (checkAgreement); looking for divergences, the same case catches nothing (checkCase:
 * a mutant is not killed by it).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { inconclusiveModule } from '../campaign/inconclusive-module.ts';
import { resolveMachine } from '../campaign/machine-spec.ts';
import { temporaryFolder } from '../campaign/test-options.ts';
import { checkAgreement, checkCase, UndecidedCase } from './property.ts';
import { findFamily } from './registry.ts';

const translation = findFamily('translation');
/** A few generated cases: the machine adapts each into its forking trace. */
const sampleTraces = (): unknown[] => fc.sample(translation!.arbitrary(), { seed: 11, numRuns: 3 });

describe('a case decided neither way', () => {
  it('fails a suite that claims agreement, and catches nothing when looking for divergences', async () => {
    const dir = temporaryFolder();
    const machine = await resolveMachine(inconclusiveModule(dir, 'mismatch'), dir);
    for (const c of sampleTraces()) {
      await expect(checkAgreement(translation!, machine, c)).rejects.toThrow(UndecidedCase);
      await expect(checkAgreement(translation!, machine, c)).rejects.toThrow(/decided neither way/);
      await expect(checkCase(translation!, machine, c)).resolves.toBeUndefined();
    }
  });

  it('is not made up: the same forking cases, observed as the reference machine observes them, agree', async () => {
    const dir = temporaryFolder();
    const machine = await resolveMachine(inconclusiveModule(dir, 'agree'), dir);
    for (const c of sampleTraces()) await expect(checkAgreement(translation!, machine, c)).resolves.toBeUndefined();
  });
});
