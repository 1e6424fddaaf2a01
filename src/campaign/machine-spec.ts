/**
 * Which machine a campaign checks: a built-in name (`reference`, `broken:no-invlpg`, ...) or the path of a
 * user's module (anything starting with `.` or `/`, or ending in .js/.mjs/.cjs/.ts) whose default export,
 * or `machine` export, implements the walk-level contract { name, run(trace) }. A module that does not is
 * a usage error, one line, exit 2.
 */
import { existsSync } from 'node:fs';
import { isAbsolute, relative, resolve, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import { findMachine } from '../../models/registry.ts';
import { UsageError } from '../config/run-config.ts';
import type { Machine } from '../machine/machine.ts';
import type { MachineUnderTest } from '../properties/family.ts';

export const DEFAULT_MACHINE = 'reference';

export function isModuleSpec(spec: string): boolean {
  return spec.startsWith('.') || isAbsolute(spec) || /\.(m|c)?[jt]s$/.test(spec);
}

/**
 * The spec as findings record it: built-in names as they are, module paths relative to `cwd` with forward
 * slashes (so findings made in the same checkout name the same file on any machine).
 */
export function normalizeSpec(spec: string, cwd: string): string {
  if (!isModuleSpec(spec)) return spec;
  const rel = relative(cwd, resolve(cwd, spec)).split(sep).join('/');
  return rel.startsWith('../') || isAbsolute(rel) ? rel : `./${rel}`;
}

function describe(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.split('\n')[0] ?? text;
}

/** Checks that a module's export implements the Machine contract; returns it typed. */
export function machineFromExports(exports: Record<string, unknown>, where: string): Machine {
  const candidate = exports.default ?? exports.machine;
  if (candidate === undefined || candidate === null)
    throw new UsageError(`${where} exports no machine: give it a default export (or a "machine" export) { name, run(trace) }`);
  if (typeof candidate !== 'object') throw new UsageError(`${where}: the exported machine must be an object { name, run(trace) }, got a ${typeof candidate}`);
  const m = candidate as Partial<Machine>;
  if (typeof m.name !== 'string' || m.name.trim() === '') throw new UsageError(`${where}: the machine's name must be a non-empty string`);
  if (typeof m.run !== 'function') throw new UsageError(`${where}: the machine ${JSON.stringify(m.name)} has no run(trace) function`);
  return m as Machine;
}

async function loadModule(spec: string, cwd: string): Promise<MachineUnderTest> {
  const file = resolve(cwd, spec);
  if (!existsSync(file)) throw new UsageError(`no machine module at ${spec}`);
  let exports: Record<string, unknown>;
  try {
    exports = (await import(pathToFileURL(file).href)) as Record<string, unknown>;
  } catch (error) {
    throw new UsageError(`could not load the machine module ${spec}: ${describe(error)}`);
  }
  const machine = machineFromExports(exports, spec);
  return { name: machine.name, walk: machine, system: null };
}

export async function resolveMachine(spec: string, cwd: string): Promise<MachineUnderTest> {
  if (isModuleSpec(spec)) return loadModule(spec, cwd);
  const entry = findMachine(spec);
  if (entry === undefined) throw new UsageError(`unknown machine ${JSON.stringify(spec)} (see "xlatcheck list machines"; a module path starts with ./)`);
  if (entry.unavailable !== null) throw new UsageError(`machine ${spec} cannot run here: ${entry.unavailable}`);
  return entry.machine;
}
