/**
 * For tests: a machine module (as a user would write one) over broken:no-accessed-dirty whose hook calls
 * its divergences known deviations: all of them, or by the parity of the trace's length two known
 * deviations with every fifth length left new.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

export function knownDeviationModule(dir: string, rule: 'mixed' | 'all-known'): string {
  const broken = join(import.meta.dirname, '..', '..', 'models', 'broken', 'index.ts');
  const known =
    rule === 'all-known'
      ? `() => known('test-all')`
      : `(trace) => (trace.steps.length % 5 === 0 ? null : known(trace.steps.length % 2 === 0 ? 'test-even' : 'test-odd'))`;
  const file = join(dir, `${rule}.ts`);
  // The folder's package.json makes the .ts file an ES module, as a user's TypeScript project would.
  writeFileSync(join(dir, 'package.json'), '{ "type": "module" }\n');
  writeFileSync(
    file,
    `import { noAccessedDirtyMachine } from ${JSON.stringify(broken)};\n` +
      `const known = (id) => ({ id, rule: 'SDM 4.8', departs: 'the machine' });\n` +
      `export default { name: 'known-${rule}', run: (t) => noAccessedDirtyMachine.run(t), knownDeviation: ${known} };\n`,
  );
  return file;
}
