/** An Io that keeps what a command writes, for tests that call the command line in-process. */
import { PassThrough } from 'node:stream';
import type { Io } from './io.ts';

export interface MemoryIo extends Io {
  readonly stdout: () => string;
  readonly stderrText: () => string;
}

export function memoryIo(cwd: string): MemoryIo {
  let out = '';
  let err = '';
  return {
    out: (t) => void (out += t),
    err: (t) => void (err += t),
    tty: false,
    stderr: new PassThrough(),
    cwd,
    stdout: () => out,
    stderrText: () => err,
  };
}
