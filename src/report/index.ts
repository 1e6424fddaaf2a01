/**
 * Reports: the campaign report model (report.json), its JUnit and self-contained HTML renderings, domain
 * coverage, merging of shard reports, and the issue drafts of the nightly workflow.
 */
export * from './campaign-report.ts';
export * from './coverage.ts';
export * from './html.ts';
export * from './issue-drafts.ts';
export * from './junit.ts';
export * from './merge.ts';
export * from './replay-command.ts';
export * from './write-reports.ts';
