/**
 * The process entry of `xlatcheck` (bin/xlatcheck.js) and of the npm scripts. During `fuzz`, SIGINT or
 * SIGTERM asks the campaign to stop: it saves what it found and a partial report, then exits 130; a second
 * signal exits at once. Other commands keep the default handling (they are short and save nothing).
 */
import { cli, EXIT_INTERNAL } from './cli.ts';
import { EXIT, processIo } from './io.ts';

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

/**
 * With --workers 0, and in replay, a machine module runs in this process. If it ends the process, or throws
 * from a timer of its own, the command cannot finish; that must look neither like a pass (0) nor like
 * findings (1). One line and exit 3; the findings saved so far stay on disk.
 */
const ISOLATE = 'with --workers 1 or more a machine runs in its own thread, and this becomes a finding';
let finished = false;

function where(error: unknown): string {
  const frame = error instanceof Error ? /\n\s+at (?:.*\()?([^()\n]+:\d+:\d+)\)?/.exec(error.stack ?? '')?.[1] : undefined;
  return frame === undefined ? '' : ` at ${frame}`;
}

process.on('uncaughtException', (error) => {
  const message = (error instanceof Error ? error.message : String(error)).split('\n')[0];
  process.stderr.write(`xlatcheck: the machine under test (or xlatcheck) threw outside any case${where(error)}: ${message}; ${ISOLATE}\n`);
  finished = true;
  process.exit(EXIT_INTERNAL);
});

process.on('exit', (status) => {
  if (finished || status === EXIT.interrupted) return;
  process.stderr.write(`xlatcheck: the machine under test (or xlatcheck) ended the process before the command finished; ${ISOLATE}\n`);
  process.exitCode = EXIT_INTERNAL;
});

const code = await cli(argv, processIo(), controller.signal);
// Exit explicitly once output is flushed: a user's machine module may hold timers open.
process.stdout.write('', () => {
  finished = true;
  process.exit(code);
});
