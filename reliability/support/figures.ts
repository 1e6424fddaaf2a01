/**
 * The figures a reliability suite measured (kills survived, inputs tried, findings lost, its time), printed
 * and written to reports/reliability/<suite>.json, so docs/guarantees.md can quote what a run measured and
 * a CI log shows it. One file per suite: vitest runs the suites in parallel processes.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO } from './cli-process.ts';

export type Figures = Record<string, number | string>;

export class SuiteFigures {
  private readonly started = Date.now();
  private readonly figures: Figures = {};

  constructor(private readonly suite: string) {}

  set(name: string, value: number | string): void {
    this.figures[name] = value;
  }

  add(name: string, by = 1): void {
    this.figures[name] = Number(this.figures[name] ?? 0) + by;
  }

  get(name: string): number {
    return Number(this.figures[name] ?? 0);
  }

  /** Writes the figures with the suite's time so far; call from afterAll. */
  write(): Figures {
    const all = { ...this.figures, seconds: Number(((Date.now() - this.started) / 1000).toFixed(1)) };
    const dir = join(REPO, 'reports', 'reliability');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, `${this.suite}.json`), JSON.stringify(all, null, 2) + '\n');
    process.stdout.write(`reliability ${this.suite}: ${JSON.stringify(all)}\n`);
    return all;
  }
}
