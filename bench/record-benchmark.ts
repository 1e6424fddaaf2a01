/**
 * Adapts a benchmark written as `() => Promise<Record<string, number>>` (space, campaign, QEMU, variants)
 * to the `Benchmark` shape of main.ts, attaching units and targets by measurement name.
 */
import { type Benchmark, measurement, type Target } from './benchmark.ts';

export interface MeasurementSpec {
  readonly unit: string;
  readonly target?: Target;
}

export function recordBenchmark(
  name: string,
  description: string,
  run: () => Promise<Record<string, number>>,
  specs: Record<string, MeasurementSpec>,
): Benchmark {
  return {
    name,
    description,
    async run() {
      const record = await run();
      return Object.keys(record)
        .sort()
        .map((key) => {
          const spec = specs[key];
          return measurement(key, record[key] ?? NaN, spec?.unit ?? '', spec?.target ?? null);
        });
    },
  };
}
