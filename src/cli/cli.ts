/**
 * The command line, as a function: parse the command, run it, map errors to exit codes. Bad usage or
 * input (UsageError and the format errors of findings, reports and traces) is one line on stderr and exit
 * 2, never a stack trace. Anything else is a bug in xlatcheck and says so.
 */
import { readFileSync } from 'node:fs';
import { UsageError } from '../config/run-config.ts';
import { FindingFormatError } from '../findings/validate-finding.ts';
import { TraceFormatError } from '../machine/trace-validation.ts';
import { mutantsCommand } from '../mutants/mutants-command.ts';
import { ReportFormatError } from '../report/campaign-report.ts';
import { fuzzCommand } from './fuzz-command.ts';
import { EXIT, type Io } from './io.ts';
import { issuesCommand } from './issues-command.ts';
import { listCommand } from './list-command.ts';
import { replayCommand } from './replay-command.ts';
import { reportCommand } from './report-command.ts';
import { COMMAND_USAGE, USAGE } from './usage.ts';

/** Exit status of a failure inside xlatcheck itself. */
export const EXIT_INTERNAL = 3;

export function isBadInput(error: unknown): error is Error {
  return error instanceof UsageError || error instanceof FindingFormatError || error instanceof ReportFormatError || error instanceof TraceFormatError;
}

function version(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}

async function dispatch(argv: readonly string[], io: Io, signal: AbortSignal): Promise<number> {
  const [command, ...args] = argv;
  const help = command !== undefined && Object.hasOwn(COMMAND_USAGE, command) ? COMMAND_USAGE[command] : undefined;
  if (help !== undefined && (args.includes('--help') || args.includes('-h'))) {
    io.out(help);
    return EXIT.ok;
  }
  switch (command) {
    case 'fuzz':
      return fuzzCommand(args, io, signal);
    case 'replay':
      return replayCommand(args, io);
    case 'report':
      return reportCommand(args, io);
    case 'issues':
      return issuesCommand(args, io);
    case 'mutants':
      return mutantsCommand(args, io);
    case 'list':
      return listCommand(args, io);
    case 'help':
    case '--help':
    case '-h':
      io.out(USAGE);
      return EXIT.ok;
    case '--version':
      io.out(`xlatcheck ${version()}\n`);
      return EXIT.ok;
    case undefined:
      throw new UsageError('no command given (try "xlatcheck help")');
    default:
      throw new UsageError(`unknown command ${JSON.stringify(command)} (try "xlatcheck help")`);
  }
}

export async function cli(argv: readonly string[], io: Io, signal: AbortSignal): Promise<number> {
  try {
    return await dispatch(argv, io, signal);
  } catch (error) {
    if (isBadInput(error)) {
      io.err(`xlatcheck: ${error.message.split('\n')[0]}\n`);
      return EXIT.usage;
    }
    const e = error instanceof Error ? error : new Error(String(error));
    io.err(`xlatcheck: internal error (a bug in xlatcheck, please report it): ${e.message}\n${e.stack ?? ''}\n`);
    return EXIT_INTERNAL;
  }
}
