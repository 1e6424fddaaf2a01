/**
 * Finds and shrinks an example of each known QEMU deviation (known-deviations.ts) and writes it to
 * deviations/<id>.json: `npx tsx models/qemu/deviations/shrink.ts [id ...]`. Each candidate trace is
 * adapted, run on QEMU alone in its own boot, and compared with the specification; fast-check shrinks
 * until the deviation, and no other, still shows; then single steps are deleted while it still does (the
 * generator's shrinker keeps idioms whole). Deterministic in the seeds below. With `--from FILE ID`, it
 * starts from a trace that shows deviation ID (say, from a campaign) and only deletes steps.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { familyTraceArbitraries, type WalkFamilyName } from '../../../src/arbitraries/index.ts';
import { checkTrace } from '../../../src/machine/check.ts';
import type { Trace } from '../../../src/machine/trace.ts';
import { KNOWN_QEMU_DEVIATIONS, knownDeviationOf } from '../known-deviations.ts';
import { QemuMachine } from '../qemu-machine.ts';

/** Where each deviation is most likely to show. */
const FAMILY: Record<string, WalkFamilyName> = {
  'qemu-high-tables': 'big-memory',
  'qemu-no-pdpte-check': 'faults',
  'qemu-pdpte-from-memory': 'tlb-coherence',
  'qemu-reserved-fault-without-p': 'faults',
  'qemu-invlpg-inside-large-page': 'tlb-coherence',
  'qemu-fault-keeps-stale-entry': 'tlb-coherence',
  'qemu-dirty-on-faulting-store': 'tlb-coherence',
  'qemu-pdpte-accessed': 'translation',
  'qemu-tcg-abort-at-4gib-wrap': 'translation',
};

/** Runs (and steps per trace) to look through before giving up. */
const SEARCH: Record<string, { runs: number; maxSteps: number }> = {
  'qemu-invlpg-inside-large-page': { runs: 2000, maxSteps: 24 },
  'qemu-fault-keeps-stale-entry': { runs: 3000, maxSteps: 24 },
  // Found in a 1,024-step trace of size large (the QEMU benchmark's 32nd); its page must end in a safe byte.
  'qemu-tcg-abort-at-4gib-wrap': { runs: 2000, maxSteps: 64 },
};

const qemu = new QemuMachine({ processes: 1 });

async function shows(id: string, original: Trace): Promise<Trace | null> {
  const trace = qemu.adapt(original).trace;
  // checkTrace, not runBatch: a boot QEMU aborts is a machine-error divergence, which a deviation may be.
  const { divergence } = await checkTrace(qemu, trace);
  return divergence !== null && knownDeviationOf(trace, divergence)?.id === id ? trace : null;
}

async function example(id: string): Promise<Trace | null> {
  const family = FAMILY[id] ?? 'translation';
  let found: Trace | null = null;
  const search = SEARCH[id] ?? { runs: 400, maxSteps: 16 };
  const property = fc.asyncProperty(familyTraceArbitraries[family]({ maxSteps: search.maxSteps }), async (t) => {
    const shown = await shows(id, t);
    if (shown !== null) found = shown;
    return shown === null;
  });
  await fc.check(property, { seed: 20261121, numRuns: search.runs, endOnFailure: false });
  return found === null ? null : deleteSteps(id, found);
}

/** Deletes steps, then memory words, one at a time, last first, while the deviation still shows. */
async function deleteSteps(id: string, trace: Trace): Promise<Trace> {
  let current = trace;
  // At least one step stays: an example shows what a step of the trace does on QEMU.
  for (let i = current.steps.length - 1; i >= 0 && current.steps.length > 1; i--) {
    const shown = await shows(id, { ...current, steps: current.steps.filter((_, k) => k !== i) });
    if (shown !== null) current = shown;
  }
  // The guest's own walks set bit 5 in the window's PDPTE: pruning would leave an example without a trace walk.
  if (id === 'qemu-pdpte-accessed') return current;
  for (let i = current.memory.length - 1; i >= 0; i--) {
    const shown = await shows(id, { ...current, memory: current.memory.filter((_, k) => k !== i) });
    if (shown !== null && shown.memory.length < current.memory.length) current = shown;
  }
  return current;
}

const OUT = dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
if (args[0] === '--from') {
  const [file, id] = [args[1] as string, args[2] as string];
  const start = await shows(id, JSON.parse(readFileSync(file, 'utf8')) as Trace);
  if (start === null) throw new Error(`${file} does not show ${id} on QEMU`);
  const trace = await deleteSteps(id, start);
  writeFileSync(join(OUT, `${id}.json`), JSON.stringify(trace, null, 1) + '\n');
  console.log(`${id}: ${trace.steps.length} steps, ${trace.memory.length} words`);
  process.exit(0);
}
const wanted = args;
for (const k of KNOWN_QEMU_DEVIATIONS) {
  if (wanted.length > 0 && !wanted.includes(k.id)) continue;
  const trace = await example(k.id);
  if (trace === null) {
    console.log(`${k.id}: no example found`);
    continue;
  }
  writeFileSync(join(OUT, `${k.id}.json`), JSON.stringify(trace, null, 1) + '\n');
  console.log(`${k.id}: ${trace.steps.length} steps, ${trace.memory.length} words`);
}
