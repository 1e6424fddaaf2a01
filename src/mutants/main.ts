/**
 * Entry of `npm run mutants`: the kill matrix of the mutant catalog (mutants-command.ts). Bad usage is
 * one line on stderr and exit 2; anything else thrown is a bug in xlatcheck and keeps its stack.
 */
import { processIo } from '../cli/io.ts';
import { UsageError } from '../config/run-config.ts';
import { mutantsCommand } from './mutants-command.ts';

async function main(): Promise<number> {
  const io = processIo();
  try {
    return await mutantsCommand(process.argv.slice(2), io);
  } catch (error) {
    if (error instanceof UsageError) {
      io.err(`xlatcheck mutants: ${error.message.split('\n')[0]}\n`);
      return 2;
    }
    throw error;
  }
}

process.exitCode = await main();
