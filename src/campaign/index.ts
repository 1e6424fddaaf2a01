/**
 * Campaigns: many runs of the property families on one machine, driven by one seed, spread over worker
 * threads and shards, with findings saved as they come and reports written at the end. runCampaign is the
 * library entry; the command line (src/cli) only parses arguments and calls it.
 */
export * from './campaign-options.ts';
export * from './duration.ts';
export * from './family-selection.ts';
export * from './machine-spec.ts';
export * from './out-folder.ts';
export * from './replay-sources.ts';
export * from './run-campaign.ts';
export { DEFAULT_LIMITS, type CaseLimits } from './run-case.ts';
export * from './run-seed.ts';
export * from './shard.ts';
