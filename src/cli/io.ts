/**
 * Where commands write: the process's streams in use, strings in tests. Commands never call
 * process.exit; they return an exit code.
 */
export interface Io {
  out(text: string): void;
  err(text: string): void;
  /** Whether stderr is a terminal (a progress bar instead of periodic lines). */
  readonly tty: boolean;
  readonly stderr: NodeJS.WritableStream;
  readonly cwd: string;
}

export function processIo(): Io {
  return {
    out: (text) => void process.stdout.write(text),
    err: (text) => void process.stderr.write(text),
    tty: process.stderr.isTTY === true,
    stderr: process.stderr,
    cwd: process.cwd(),
  };
}

export const EXIT = { ok: 0, found: 1, usage: 2, interrupted: 130 } as const;
