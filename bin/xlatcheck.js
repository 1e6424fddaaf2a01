#!/usr/bin/env -S node --single-threaded
// xlatcheck runs from its TypeScript sources: register tsx, then start the command line.
// V8 runs without its background compiler and garbage-collector threads (--single-threaded): a campaign
// keeps every core busy with its own workers, and those threads competed with them. Measured by npm run
// bench on 2 cores: 2 workers 701-750 cases/s instead of 505-624, 1.9x one worker instead of 1.2-1.4x.
import { register } from 'tsx/esm/api';

register();
await import('../src/cli/main.ts');
