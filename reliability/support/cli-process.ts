/**
 * The xlatcheck command line as a child process, the way a shell or CI starts it (node bin/xlatcheck.js),
 * with its output read line by line as it streams, so a test can act on what the campaign says (a header,
 * a saved finding) and then kill it.
 */
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { join } from 'node:path';

export const REPO = join(import.meta.dirname, '..', '..');
export const BIN = join(REPO, 'bin', 'xlatcheck.js');

export interface Line {
  readonly stream: 'stdout' | 'stderr';
  readonly text: string;
  /** Milliseconds since the process was started. */
  readonly at: number;
}

export interface Exit {
  /** null when the process was ended by a signal. */
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly lines: readonly Line[];
  readonly ms: number;
}

export interface SpawnOptions {
  readonly cwd?: string;
  readonly env?: NodeJS.ProcessEnv;
  /** The script to run instead of bin/xlatcheck.js, with node's own flags before it. */
  readonly entry?: readonly string[];
}

type Waiter = { readonly test: (line: Line) => boolean; readonly resolve: (line: Line | null) => void };

export class CliProcess {
  readonly child: ChildProcessWithoutNullStreams;
  readonly started = Date.now();
  readonly lines: Line[] = [];
  readonly exited: Promise<Exit>;
  private waiters: Waiter[] = [];
  private done = false;

  constructor(args: readonly string[], options: SpawnOptions = {}) {
    this.child = spawn(process.execPath, [...(options.entry ?? [BIN]), ...args], { cwd: options.cwd ?? REPO, env: options.env ?? process.env });
    const text = { stdout: '', stderr: '' };
    const closed = (['stdout', 'stderr'] as const).map((stream) => {
      let partial = '';
      this.child[stream].setEncoding('utf8');
      this.child[stream].on('data', (chunk: string) => {
        text[stream] += chunk;
        const parts = (partial + chunk).split('\n');
        partial = parts.pop() ?? '';
        for (const part of parts) this.push({ stream, text: part, at: Date.now() - this.started });
      });
      return new Promise<void>((resolve) =>
        this.child[stream].on('close', () => {
          if (partial !== '') this.push({ stream, text: partial, at: Date.now() - this.started });
          resolve();
        }),
      );
    });
    const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => this.child.on('exit', (code, signal) => resolve({ code, signal })));
    // 'exit' can come before the pipes are drained: what the child wrote before it died is still in them.
    this.exited = Promise.all([exit, ...closed]).then(([status]) => {
      this.done = true;
      for (const w of this.waiters) w.resolve(null);
      this.waiters = [];
      return { ...status, stdout: text.stdout, stderr: text.stderr, lines: this.lines, ms: Date.now() - this.started };
    });
  }

  private push(line: Line): void {
    this.lines.push(line);
    this.waiters = this.waiters.filter((w) => {
      if (!w.test(line)) return true;
      w.resolve(line);
      return false;
    });
  }

  /** The first line (already seen or still to come) that passes `test`; null if the process ends first. */
  waitForLine(test: (line: Line) => boolean): Promise<Line | null> {
    const seen = this.lines.find(test);
    if (seen !== undefined) return Promise.resolve(seen);
    if (this.done) return Promise.resolve(null);
    return new Promise((resolve) => this.waiters.push({ test, resolve }));
  }

  kill(signal: NodeJS.Signals): void {
    this.child.kill(signal);
  }
}

/** Runs the command line to its end. */
export function runCli(args: readonly string[], options: SpawnOptions = {}): Promise<Exit> {
  return new CliProcess(args, options).exited;
}

/** Runs `tasks` with at most `limit` at a time (two cores: more children only slow each other down). */
export async function inBatches<T, R>(items: readonly T[], limit: number, task: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const lane = async (): Promise<void> => {
    for (let i = next++; i < items.length; i = next++) results[i] = await task(items[i] as T, i);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, lane));
  return results;
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** The ids of the findings a campaign said it saved ("finding <id> saved: ..."), in order. */
export function reportedFindings(lines: readonly Line[]): string[] {
  return lines.flatMap((l) => /^xlatcheck: finding ([0-9a-f]{16}) saved: /.exec(l.text)?.[1] ?? []);
}
