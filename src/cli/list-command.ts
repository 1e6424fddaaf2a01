/** `xlatcheck list machines|properties`: what --machine and --properties accept. */
import { builtinMachines } from '../../models/registry.ts';
import { UsageError } from '../config/run-config.ts';
import { allFamilies } from '../properties/registry.ts';
import { type OptionSpec, parseCommand } from './args.ts';
import { EXIT, type Io } from './io.ts';

const OPTIONS: OptionSpec = {};

export function table(rows: readonly (readonly string[])[]): string {
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length))) ?? [];
  return rows.map((r) => r.map((cell, i) => (i === r.length - 1 ? cell : cell.padEnd(widths[i] ?? 0))).join('  ')).join('\n') + '\n';
}

export async function listCommand(args: readonly string[], io: Io): Promise<number> {
  const p = parseCommand('list', args, OPTIONS, true);
  const what = p.positionals[0];
  if (p.positionals.length !== 1 || (what !== 'machines' && what !== 'properties')) throw new UsageError('list takes one of: machines, properties');
  if (what === 'machines') {
    io.out(table(builtinMachines().map((e) => [e.machine.name, e.description + (e.targets.length > 0 ? ` (caught by ${e.targets.join(', ')})` : '')])));
    io.out('A module of your own: --machine ./path.js (default export { name, run(trace) }; see fuzz/examples).\n');
  } else {
    io.out(table(allFamilies.map((f) => [f.name, f.level, f.description])));
  }
  return EXIT.ok;
}
