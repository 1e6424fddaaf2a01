/**
 * `npm run bench`: runs every registered benchmark in one process, prints each measurement with its
 * target, and writes them all to reports/bench.json. Not a test: it asserts nothing.
 *
 * To add a benchmark, write bench/<name>.ts exporting a `Benchmark` (benchmark.ts) and add it to
 * BENCHMARKS below. The memory benchmark runs first, before the others leave garbage behind.
 */
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Benchmark, type Measurement, meetsTarget } from './benchmark.ts';
import { referenceMmuBenchmark } from './reference-mmu.ts';
import { shippedCampaignBenchmarks } from './campaign.ts';
import { runInShippedProcess } from './shipped-process.ts';
import { recordBenchmark } from './record-benchmark.ts';
import { spaceBenchmarks } from './space.ts';
import { specComparisonBenchmarks } from './spec-comparison.ts';
import { sparseMemoryBenchmark } from './sparse-memory.ts';
import { variantBenchmarks } from './variants.ts';

const spaceBenchmark = recordBenchmark('space', 'exhaustive isolation walk of the default 4-space layout; calls through the gate', spaceBenchmarks, {
  'space.isolation-walk-ms': { unit: 'ms', target: { kind: 'max', value: 2000 } },
  'space.isolation-walk-pages': { unit: 'pages' },
  'space.gate-calls-per-second': { unit: 'calls/s' },
});

const campaignBenchmark = recordBenchmark('campaign', 'campaign throughput with 1 and 2 worker threads on the reference machine, as xlatcheck runs (V8 --single-threaded), and with V8 defaults', shippedCampaignBenchmarks, {
  'campaign.cases-per-second-1-worker': { unit: 'cases/s' },
  'campaign.cases-per-second-2-workers': { unit: 'cases/s' },
  'campaign.speedup-2-workers': { unit: 'x', target: { kind: 'min', value: 1.7 } },
  'campaign.cpu-ms-per-case-1-worker': { unit: 'ms' },
  'campaign.cpu-ms-per-case-2-workers': { unit: 'ms' },
  'campaign.load-average-at-start': { unit: '' },
  'campaign.machine-ceiling-2-threads': { unit: 'x' },
  'campaign.speedup-of-ceiling': { unit: '' },
  'campaign.default-v8.cases-per-second-1-worker': { unit: 'cases/s' },
  'campaign.default-v8.cases-per-second-2-workers': { unit: 'cases/s' },
  'campaign.default-v8.speedup-2-workers': { unit: 'x' },
});

const specComparisonBenchmark = recordBenchmark(
  'spec',
  "the walk-level specification's comparison, CPU per access on 64 long traces, warm, against the reference machine running them",
  specComparisonBenchmarks,
  {
    'spec.comparison-us-per-access': { unit: 'us' },
    'spec.reference-run-us-per-access': { unit: 'us' },
    'spec.comparison-to-run': { unit: 'x' },
  },
);

const variantsBenchmark = recordBenchmark(
  'variants',
  "each patent variant's TLB-hit and TLB-miss loads/s beside the reference machine's, same streams",
  () => variantBenchmarks(),
  {},
);

const qemuBenchmark = recordBenchmark(
  'qemu',
  'QEMU as a machine: boots and accesses per second with two QEMU processes, resident memory, as xlatcheck runs (V8 --single-threaded)',
  async () => runInShippedProcess(new URL('./qemu-child.ts', import.meta.url)),
  {
    'qemu.boots-per-second': { unit: 'boots/s', target: { kind: 'min', value: 25 } },
    'qemu.accesses-per-second': { unit: 'accesses/s' },
    'qemu.checked-accesses-per-second': { unit: 'accesses/s', target: { kind: 'min', value: 200_000 } },
    'qemu.checked-executed-per-second': { unit: 'accesses/s' },
    'qemu.checked-cpu-us-per-access': { unit: 'us CPU' },
    'qemu.checked-node-cpu-us-per-access': { unit: 'us CPU' },
    'qemu.traces-per-second': { unit: 'traces/s' },
    'qemu.campaign-cases-per-second': { unit: 'cases/s' },
    'qemu.resident-mb': { unit: 'MB', target: { kind: 'max', value: 100 } },
  },
);

const BENCHMARKS: readonly Benchmark[] = [
  sparseMemoryBenchmark,
  referenceMmuBenchmark,
  spaceBenchmark,
  campaignBenchmark,
  specComparisonBenchmark,
  variantsBenchmark,
  qemuBenchmark,
];

const REPORT = join(dirname(fileURLToPath(import.meta.url)), '..', 'reports', 'bench.json');

function formatValue(m: Measurement): string {
  const v = m.value;
  const text = Math.abs(v) >= 1e5 ? `${(v / 1e6).toFixed(2)}M` : Number.isInteger(v) ? String(v) : v.toFixed(3);
  return `${text} ${m.unit}`;
}

function formatTarget(m: Measurement): string {
  if (m.target === null) return '';
  const goal = `${m.target.kind === 'min' ? '>=' : '<='} ${m.target.value}`;
  return `  (target ${goal}: ${meetsTarget(m) ? 'met' : 'MISSED'})`;
}

async function main(): Promise<void> {
  const results: { name: string; description: string; measurements: Measurement[] }[] = [];
  for (const benchmark of BENCHMARKS) {
    console.log(`${benchmark.name}: ${benchmark.description}`);
    const measurements = await benchmark.run();
    for (const m of measurements) console.log(`  ${m.name.padEnd(36)} ${formatValue(m)}${formatTarget(m)}`);
    results.push({ name: benchmark.name, description: benchmark.description, measurements });
  }
  const report = { node: process.version, platform: `${process.platform}-${process.arch}`, benchmarks: results };
  mkdirSync(dirname(REPORT), { recursive: true });
  const temporary = `${REPORT}.tmp`;
  writeFileSync(temporary, JSON.stringify(report, null, 2) + '\n');
  renameSync(temporary, REPORT);
  console.log(`written ${REPORT}`);
}

await main();
