/**
 * Argument parsing on node:util parseArgs, strict: an unknown flag, a missing value or a stray argument
 * is a UsageError with one line that names it and the command.
 */
import { parseArgs } from 'node:util';
import { UsageError } from '../config/run-config.ts';

export type OptionSpec = Record<string, { type: 'string' | 'boolean'; multiple?: boolean; short?: string }>;

export interface Parsed {
  readonly values: Record<string, string | boolean | string[] | undefined>;
  readonly positionals: string[];
}

function explain(command: string, error: unknown): string {
  const e = error as { code?: string; message?: string };
  const message = e.message ?? String(error);
  const quoted = /'(-*[^' ]*)/.exec(message)?.[1] ?? '';
  switch (e.code) {
    case 'ERR_PARSE_ARGS_UNKNOWN_OPTION':
      return `unknown option ${quoted} for "xlatcheck ${command}" (see "xlatcheck help")`;
    case 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE':
      if (/ambiguous/.test(message)) return `option ${quoted} needs a value; write one that starts with "-" as ${quoted}=VALUE`;
      return /argument missing/.test(message) ? `option ${quoted} needs a value` : `option ${quoted} takes no value`;
    case 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL':
      return `"xlatcheck ${command}" takes no argument ${JSON.stringify(quoted)}`;
    default:
      return message.split('\n')[0] ?? message;
  }
}

export function parseCommand(command: string, args: readonly string[], options: OptionSpec, allowPositionals: boolean): Parsed {
  try {
    const { values, positionals } = parseArgs({ args: [...args], options, allowPositionals, strict: true });
    return { values: values as Parsed['values'], positionals };
  } catch (error) {
    throw new UsageError(explain(command, error));
  }
}

export function stringOption(p: Parsed, name: string): string | undefined {
  const v = p.values[name];
  if (v === undefined) return undefined;
  if (typeof v !== 'string') throw new UsageError(`option --${name} needs a value`);
  if (v.trim() === '') throw new UsageError(`option --${name} needs a value`);
  return v;
}

export function flag(p: Parsed, name: string): boolean {
  return p.values[name] === true;
}

export function integerOption(p: Parsed, name: string, min: number, max: number): number | undefined {
  const text = stringOption(p, name);
  if (text === undefined) return undefined;
  if (!/^\d+$/.test(text.trim())) throw new UsageError(`--${name} must be a whole number, got ${JSON.stringify(text)}`);
  const n = Number(text.trim());
  if (n < min || n > max) throw new UsageError(`--${name} must be from ${min} to ${max}, got ${n}`);
  return n;
}
