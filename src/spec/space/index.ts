/**
 * The space-level specification: an abstract model of the multi-space system of the seed claims,
 * independent of any machine (nothing here imports models/). Read in this order:
 *
 *   chunks.ts        the chunks of a layout and which spaces may reach each one
 *   layout-rules.ts  which layouts are valid
 *   mapping.ts       what every space must map (and the kernel's remaps), as plain data
 *   reach.ts         the exhaustive walk of a space's page tables from physical memory
 *   isolation.ts     the isolation judgement over every space's reach
 *   layout-checks.ts the structural judgement: mappings, table placement, totals, module data
 *   modules.ts       what every module call returns, from plain maps
 *   schedule.ts      the order calls run in, from the preemption schedule
 *   integrity.ts     expected results and stack contents after a run
 *   switching.ts     how translation must switch, read out of a control-register log
 *   probe.ts         one load or store judged against the abstract map
 *   cases.ts         the families' cases as JSON, and their validation
 *   script.ts        cases as readable scripts
 */
export * from './cases.ts';
export * from './chunks.ts';
export * from './format.ts';
export * from './integrity.ts';
export * from './isolation.ts';
export * from './layout-checks.ts';
export * from './layout-rules.ts';
export * from './mapping.ts';
export * from './modules.ts';
export * from './probe.ts';
export * from './reach.ts';
export * from './schedule.ts';
export * from './script.ts';
export * from './switching.ts';
