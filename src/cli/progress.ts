/**
 * Campaign progress on stderr: a bar on a terminal (cases, cases per second, findings, time left), plain
 * lines every few seconds otherwise (CI logs). Notes (a finding saved, a family skipped) go above the bar.
 */
import cliProgress from 'cli-progress';
import type { CampaignProgress } from '../campaign/campaign-options.ts';
import type { Io } from './io.ts';

export interface ProgressView {
  update(p: CampaignProgress): void;
  note(line: string): void;
  stop(): void;
}

const PLAIN_EVERY_MS = 5000;

function timeLeft(p: CampaignProgress): string {
  if (p.remainingMs !== null) return `${Math.ceil(p.remainingMs / 1000)}s left`;
  if (p.fraction > 0 && p.fraction < 1) return `~${Math.ceil(((1 - p.fraction) / p.fraction) * (p.elapsedMs / 1000))}s left`;
  return '';
}

export function describeProgress(p: CampaignProgress): string {
  return `${p.cases} cases, ${p.casesPerSecond.toFixed(0)}/s, ${p.findings} finding(s) in ${p.buckets} bucket(s)${timeLeft(p) === '' ? '' : ', ' + timeLeft(p)}`;
}

function plainView(io: Io): ProgressView {
  let last = 0;
  return {
    update(p) {
      if (p.elapsedMs - last < PLAIN_EVERY_MS) return;
      last = p.elapsedMs;
      io.err(`xlatcheck: ${describeProgress(p)}\n`);
    },
    note: (line) => io.err(`xlatcheck: ${line}\n`),
    stop: () => undefined,
  };
}

function barView(io: Io): ProgressView {
  const bars = new cliProgress.MultiBar(
    {
      stream: io.stderr,
      format: ' {bar} {percentage}% | {cases} cases | {rate}/s | {findings} finding(s) | {left}',
      hideCursor: true,
      clearOnComplete: false,
      barsize: 24,
    },
    cliProgress.Presets.shades_classic,
  );
  const bar = bars.create(1000, 0, { cases: 0, rate: '0', findings: 0, left: '' });
  return {
    update(p) {
      bar.update(Math.round(p.fraction * 1000), { cases: p.cases, rate: p.casesPerSecond.toFixed(0), findings: p.findings, left: timeLeft(p) });
    },
    note: (line) => bars.log(`${line}\n`),
    stop: () => bars.stop(),
  };
}

export function progressView(io: Io): ProgressView {
  return io.tty ? barView(io) : plainView(io);
}
