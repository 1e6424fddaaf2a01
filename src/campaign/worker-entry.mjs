// Worker threads start here: plain JavaScript that registers tsx, then loads the TypeScript worker. A worker
// does not inherit the loader of the thread that started it, and under vitest there is none to inherit.
import { register } from 'tsx/esm/api';

register();
await import('./worker.ts');
