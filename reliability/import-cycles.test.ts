/**
 * No import cycles: every module can be read, and loaded, after the modules it imports. Type-only imports
 * count too (a cycle of types is still a knot in the design). The graph is every relative import of the
 * TypeScript sources; a cycle is a strongly connected component of more than one module, or a module that
 * imports itself.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const FOLDERS = ['src', 'models', 'bench', 'properties', 'reliability', 'fuzz'];
const IMPORT = /(?:import|export)\s[^;]*?from\s+['"](\.[^'"]+)['"]|import\(\s*['"](\.[^'"]+)['"]\s*\)/g;

function sources(folder: string): string[] {
  return readdirSync(join(ROOT, folder), { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.ts'))
    .map((f) => normalize(join(folder, f)))
    .sort();
}

function importGraph(files: readonly string[], read: (file: string) => string): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const file of files) {
    const targets = [...read(file).matchAll(IMPORT)].map((m) => normalize(join(dirname(file), (m[1] ?? m[2]) as string)));
    graph.set(file, targets.filter((t) => files.includes(t)));
  }
  return graph;
}

/** Strongly connected components with a cycle in them (Tarjan), each sorted, in a stable order. */
function cycles(graph: ReadonlyMap<string, readonly string[]>): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (v: string): void => {
    index.set(v, index.size);
    low.set(v, index.get(v) as number);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v) as number, low.get(w) as number));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v) as number, index.get(w) as number));
    }
    if (low.get(v) !== index.get(v)) return;
    const component: string[] = [];
    for (let w = stack.pop(); w !== undefined; w = w === v ? undefined : stack.pop()) {
      onStack.delete(w);
      component.push(w);
    }
    if (component.length > 1 || (graph.get(v) ?? []).includes(v)) found.push(component.sort());
  };
  for (const v of [...graph.keys()].sort()) if (!index.has(v)) visit(v);
  return found.sort((a, b) => (a[0] as string).localeCompare(b[0] as string));
}

describe('imports', () => {
  it('form no cycle', () => {
    const files = FOLDERS.flatMap(sources);
    const graph = importGraph(files, (f) => readFileSync(join(ROOT, f), 'utf8'));
    expect(graph.size).toBeGreaterThan(300);
    expect(cycles(graph).map((c) => c.map((f) => relative('.', f)).join(' -> '))).toEqual([]);
  });

  it('a cycle is found, a chain is not', () => {
    const files = ['a.ts', 'b.ts', 'c.ts', 'd.ts'];
    const text: Record<string, string> = {
      'a.ts': "import { b } from './b.ts';",
      'b.ts': "import type { C } from './c.ts';",
      'c.ts': "export { a } from './a.ts';\nimport { d } from './d.ts';",
      'd.ts': 'export const d = 1;',
    };
    expect(cycles(importGraph(files, (f) => text[f] as string))).toEqual([['a.ts', 'b.ts', 'c.ts']]);
    text['c.ts'] = "import { d } from './d.ts';";
    expect(cycles(importGraph(files, (f) => text[f] as string))).toEqual([]);
  });
});
