/**
 * For tests: a machine module (as a user would write one) that adapts every trace into the same forking
 * trace (stale-remap.fixture.ts: after a PTE rewrite without INVLPG, each of nine stores to another word
 * may go to the stale or the fresh frame, 512 states, past MAX_STATES) and runs it on the reference
 * machine. With `mismatch`, it reports an impossible value for the final load, so every case is decided
 * neither way; with `agree`, the reference machine's own results, so every case passes.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

export function inconclusiveModule(dir: string, rule: 'mismatch' | 'agree'): string {
  const root = join(import.meta.dirname, '..', '..');
  const reference = JSON.stringify(join(root, 'models', 'reference', 'index.ts'));
  const fixture = JSON.stringify(join(root, 'src', 'spec', 'stale-remap.fixture.ts'));
  const last = rule === 'mismatch' ? `{ kind: 'value', value: '0xdead' }` : 'o';
  const file = join(dir, `inconclusive-${rule}.ts`);
  writeFileSync(join(dir, 'package.json'), '{ "type": "module" }\n');
  writeFileSync(
    file,
    `import { referenceMachine } from ${reference};\n` +
      `import { h, remap, REMAP_VA, trace } from ${fixture};\n` +
      `const stores = Array.from({ length: 9 }, (_, k) => ({ op: 'store', va: REMAP_VA + 8 * k, size: 4, user: false, value: h(BigInt(k + 1)) }));\n` +
      `const forking = trace([remap, ...stores, { op: 'load', va: REMAP_VA, size: 4, user: false }]);\n` +
      `export default {\n` +
      `  name: 'inconclusive-${rule}',\n` +
      `  adapt: (t) => ({ trace: forking, adaptations: t === forking ? {} : { 'forking-trace': 1 } }),\n` +
      `  async run(t) {\n` +
      `    const r = await referenceMachine.run(t);\n` +
      `    return { ...r, observations: r.observations.map((o, i) => (i === r.observations.length - 1 ? ${last} : o)) };\n` +
      `  },\n` +
      `};\n`,
  );
  return file;
}
