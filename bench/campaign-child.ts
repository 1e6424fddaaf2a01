/**
 * The campaign benchmark in a process of its own, so it runs under the V8 flags xlatcheck runs with
 * (bin/xlatcheck.js: --single-threaded); prints its figures as one JSON line.
 */
import { campaignBenchmarks } from './campaign.ts';

process.stdout.write(`${JSON.stringify(await campaignBenchmarks())}\n`);
