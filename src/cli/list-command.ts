/** `xlatcheck list machines|properties|mutants`: what --machine, --properties and `mutants --mutants` accept. */
import { mutantCatalog } from '../../models/mutants/index.ts';
import { builtinMachines } from '../../models/registry.ts';
import { UsageError } from '../config/run-config.ts';
import { allFamilies } from '../properties/registry.ts';
import { type OptionSpec, parseCommand } from './args.ts';
import { EXIT, type Io } from './io.ts';

const OPTIONS: OptionSpec = {};

function table(rows: readonly (readonly string[])[]): string {
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length))) ?? [];
  return rows.map((r) => r.map((cell, i) => (i === r.length - 1 ? cell : cell.padEnd(widths[i] ?? 0))).join('  ')).join('\n') + '\n';
}

export async function listCommand(args: readonly string[], io: Io): Promise<number> {
  const p = parseCommand('list', args, OPTIONS, true);
  const what = p.positionals[0];
  if (p.positionals.length !== 1 || (what !== 'machines' && what !== 'properties' && what !== 'mutants')) throw new UsageError('list takes one of: machines, properties, mutants');
  if (what === 'machines') {
    io.out(table(builtinMachines().map((e) => [e.machine.name, e.description + (e.targets.length > 0 ? ` (caught by ${e.targets.join(', ')})` : '')])));
    io.out('A module of your own: --machine ./path.js (default export { name, run(trace) }; see fuzz/examples).\n');
  } else if (what === 'properties') {
    io.out(table(allFamilies.map((f) => [f.name, f.level, f.description])));
  } else {
    const rows = mutantCatalog.map((m) => [m.name.replace(/^mutant:/, ''), m.layer, m.family, m.equivalent === null ? m.description : `equivalent: ${m.equivalent}`]);
    io.out(table([['mutant', 'layer', 'caught by', 'what it breaks'], ...rows]));
  }
  return EXIT.ok;
}
