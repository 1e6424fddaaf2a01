/**
 * The process entry of `xlatcheck` (bin/xlatcheck.js) and of the npm scripts. During `fuzz`, SIGINT or
 * SIGTERM asks the campaign to stop: it saves what it found and a partial report, then exits 130; a second
 * signal exits at once. Other commands keep the default handling (they are short and save nothing).
 */
import { cli } from './cli.ts';
import { processIo } from './io.ts';

const argv = process.argv.slice(2);
const controller = new AbortController();

function onSignal(): void {
  if (controller.signal.aborted) process.exit(130);
  process.stderr.write('\nxlatcheck: interrupted; saving findings and a partial report (signal again to quit at once)\n');
  controller.abort();
}

if (argv[0] === 'fuzz') {
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
}

const code = await cli(argv, processIo(), controller.signal);
// Exit explicitly once output is flushed: a user's machine module may hold timers open.
process.stdout.write('', () => process.exit(code));
