/**
 * The cases of the four space-level families, as plain JSON, and their validation: a saved finding
 * replays without the generator, and a malformed one is refused with a one-line error naming the field.
 */
import {
  CALL_OPS,
  type Call,
  callsPerStack,
  MAX_THREADS,
  MODULE_OF_OP,
  NAME_PATTERN,
  PAGE_SIZE_CHOICES,
  PAGED_MODULE_KINDS,
  type PagedSpace,
  type Program,
  type SystemLayout,
} from '../../machine/system.ts';
import { moduleOfSpace, spaceCount } from './chunks.ts';
import { describeViolations, layoutViolations } from './layout-rules.ts';
import { PROBE_REGIONS, type ProbeTarget } from './probe.ts';

export interface IsolationCase {
  readonly layout: SystemLayout;
  /** Extra probes beyond the systematic ones (first and last word of every other chunk and window). */
  readonly probes: readonly ProbeTarget[];
}

export interface IntegrityCase {
  readonly layout: SystemLayout;
  readonly program: Program;
}

export interface LayoutCase {
  readonly layout: SystemLayout;
  readonly threads: number;
  /** The defect the generator put in the layout, for the reader; null for a layout meant to be valid. */
  readonly defect: string | null;
}

export type SwitchOp =
  | { readonly op: 'enter'; readonly space: number }
  | { readonly op: 'probe'; readonly target: ProbeTarget }
  /** Remap, in the current space, window page `page` (among its 2 MiB pages) to chunk frame `frame`. */
  | { readonly op: 'remap'; readonly page: number; readonly frame: number }
  | { readonly op: 'call'; readonly call: Call };

export interface SwitchCase {
  readonly layout: SystemLayout;
  readonly ops: readonly SwitchOp[];
}

// ---- validation -------------------------------------------------------------------------------------------

class CaseError extends Error {}

function fail(path: string, what: string): never {
  throw new CaseError(`malformed case: ${path} ${what}`);
}

function object(v: unknown, path: string): Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) fail(path, 'must be an object');
  return v as Record<string, unknown>;
}

function array(v: unknown, path: string, max = 10_000): unknown[] {
  if (!Array.isArray(v)) fail(path, 'must be an array');
  if (v.length > max) fail(path, `has more than ${max} elements`);
  return v;
}

function integer(v: unknown, path: string, min = 0, max = Number.MAX_SAFE_INTEGER): number {
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < min || v > max) fail(path, `must be an integer in [${min}, ${max}]`);
  return v;
}

const u32 = (v: unknown, path: string): number => integer(v, path, 0, 0xffffffff);

function oneOf<T extends string>(v: unknown, path: string, options: readonly T[]): T {
  if (typeof v !== 'string' || !(options as readonly string[]).includes(v)) fail(path, `must be one of ${options.join(', ')}`);
  return v as T;
}

function chunk(v: unknown, path: string): { base: number; size: number } {
  const o = object(v, path);
  return { base: integer(o.base, `${path}.base`), size: integer(o.size, `${path}.size`) };
}

/** A layout's shape (types and enums); its validity is judged by layout-rules.ts. */
export function layoutFromJson(v: unknown, path = 'layout'): SystemLayout {
  const o = object(v, path);
  const common = object(o.common, `${path}.common`);
  const bios = object(o.bios, `${path}.bios`);
  const spaces = array(o.spaces, `${path}.spaces`, 64).map((s, i): PagedSpace => {
    const p = `${path}.spaces[${i}]`;
    const so = object(s, p);
    const w = object(so.window, `${p}.window`);
    return {
      module: oneOf(so.module, `${p}.module`, PAGED_MODULE_KINDS),
      chunk: chunk(so.chunk, `${p}.chunk`),
      window: { va: integer(w.va, `${p}.window.va`), size: integer(w.size, `${p}.window.size`) },
      pages: oneOf(so.pages, `${p}.pages`, PAGE_SIZE_CHOICES),
    };
  });
  return {
    maxPhyAddr: integer(o.maxPhyAddr, `${path}.maxPhyAddr`, 0, 64),
    common: { size: integer(common.size, `${path}.common.size`), pages: oneOf(common.pages, `${path}.common.pages`, PAGE_SIZE_CHOICES) },
    stackBytes: integer(o.stackBytes, `${path}.stackBytes`),
    bios: { size: integer(bios.size, `${path}.bios.size`), pages: oneOf(bios.pages, `${path}.bios.pages`, PAGE_SIZE_CHOICES) },
    pageTables: chunk(o.pageTables, `${path}.pageTables`),
    bufferCache: chunk(o.bufferCache, `${path}.bufferCache`),
    spaces,
  };
}

function validLayout(v: unknown, threads: number): SystemLayout {
  const layout = layoutFromJson(v);
  const violations = layoutViolations(layout, threads);
  if (violations.length > 0) fail('layout', `is invalid: ${describeViolations(violations)}`);
  return layout;
}

export function callFromJson(v: unknown, path: string, layout: SystemLayout): Call {
  const o = object(v, path);
  const op = oneOf(o.op, `${path}.op`, CALL_OPS);
  const space = integer(o.space, `${path}.space`, 0, spaceCount(layout) - 1);
  if (moduleOfSpace(layout, space) !== MODULE_OF_OP[op]) fail(`${path}.op`, `${op} is not an operation of space ${space}'s ${moduleOfSpace(layout, space)}`);
  const name = (): string => {
    if (typeof o.name !== 'string' || !NAME_PATTERN.test(o.name)) fail(`${path}.name`, `must match ${NAME_PATTERN}`);
    return o.name;
  };
  switch (op) {
    case 'bc.read':
      return { op, space, block: u32(o.block, `${path}.block`) };
    case 'bc.write':
    case 'snap.write':
      return { op, space, block: u32(o.block, `${path}.block`), value: u32(o.value, `${path}.value`) };
    case 'ic.get':
    case 'ic.fetch':
      return { op, space, ino: u32(o.ino, `${path}.ino`) };
    case 'ic.set':
      return { op, space, ino: u32(o.ino, `${path}.ino`), size: u32(o.size, `${path}.size`) };
    case 'nc.lookup':
    case 'nc.remove':
    case 'nc.stat':
      return { op, space, dir: u32(o.dir, `${path}.dir`), name: name() };
    case 'nc.enter':
      return { op, space, dir: u32(o.dir, `${path}.dir`), name: name(), ino: u32(o.ino, `${path}.ino`) };
    case 'snap.take':
      return { op, space };
    case 'snap.read':
      return { op, space, snapshot: u32(o.snapshot, `${path}.snapshot`), block: u32(o.block, `${path}.block`) };
  }
}

function probeFromJson(v: unknown, path: string): ProbeTarget {
  const o = object(v, path);
  return {
    region: oneOf(o.region, `${path}.region`, PROBE_REGIONS),
    space: integer(o.space, `${path}.space`, 0, 255),
    slot: integer(o.slot, `${path}.slot`, 0, 2 ** 40),
  };
}

export function isolationCaseFromJson(v: unknown): IsolationCase {
  const o = object(v, 'case');
  return { layout: validLayout(o.layout, 1), probes: array(o.probes, 'probes', 256).map((p, i) => probeFromJson(p, `probes[${i}]`)) };
}

export function integrityCaseFromJson(v: unknown): IntegrityCase {
  const o = object(v, 'case');
  const p = object(o.program, 'program');
  const threads = array(p.threads, 'program.threads', MAX_THREADS);
  const layout = validLayout(o.layout, Math.max(1, threads.length));
  const program: Program = {
    threads: threads.map((calls, t) =>
      array(calls, `program.threads[${t}]`, callsPerStack(layout.stackBytes)).map((c, i) => callFromJson(c, `program.threads[${t}][${i}]`, layout)),
    ),
    schedule: array(p.schedule, 'program.schedule').map((d, i) => integer(d, `program.schedule[${i}]`, 0, MAX_THREADS)),
  };
  return { layout, program };
}

export function layoutCaseFromJson(v: unknown): LayoutCase {
  const o = object(v, 'case');
  const defect = o.defect === null ? null : typeof o.defect === 'string' ? o.defect : fail('defect', 'must be a string or null');
  return { layout: layoutFromJson(o.layout), threads: integer(o.threads, 'threads', 0, 64), defect };
}

function switchOpFromJson(v: unknown, path: string, layout: SystemLayout): SwitchOp {
  const o = object(v, path);
  const op = oneOf(o.op, `${path}.op`, ['enter', 'probe', 'remap', 'call'] as const);
  switch (op) {
    case 'enter':
      return { op, space: integer(o.space, `${path}.space`, 0, spaceCount(layout) - 1) };
    case 'probe':
      return { op, target: probeFromJson(o.target, `${path}.target`) };
    case 'remap':
      return { op, page: integer(o.page, `${path}.page`, 0, 2 ** 20), frame: integer(o.frame, `${path}.frame`, 0, 2 ** 20) };
    case 'call':
      return { op, call: callFromJson(o.call, `${path}.call`, layout) };
  }
}

export function switchCaseFromJson(v: unknown): SwitchCase {
  const o = object(v, 'case');
  const layout = validLayout(o.layout, 1);
  return { layout, ops: array(o.ops, 'ops', 1000).map((op, i) => switchOpFromJson(op, `ops[${i}]`, layout)) };
}
