#!/usr/bin/env node
// xlatcheck runs from its TypeScript sources: register tsx, then start the command line.
import { register } from 'tsx/esm/api';

register();
await import('../src/cli/main.ts');
