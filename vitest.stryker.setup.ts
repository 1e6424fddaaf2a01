/**
 * Setup of Stryker's vitest run (vitest.stryker.config.ts): fast-check stops at the first failure instead
 * of shrinking it. A mutation run only asks whether a property fails; shrinking a mutant's counterexample
 * can take longer than Stryker's timeout and would turn a plain kill into a slow "timed out".
 */
import fc from 'fast-check';

fc.configureGlobal({ ...fc.readConfigureGlobal(), endOnFailure: true });
