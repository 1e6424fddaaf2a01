/**
 * Findings: what a campaign saves when a property fails (src/findings/finding.ts), how findings are named
 * (content hash), stored (atomically, one file each), validated when read back, grouped into buckets and
 * replayed on a machine.
 */
export * from './finding.ts';
export * from './finding-id.ts';
export * from './build-finding.ts';
export * from './bucket.ts';
export * from './replay.ts';
export * from './store.ts';
export * from './validate-finding.ts';
