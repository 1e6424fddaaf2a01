/**
 * Records every call of the sources a generator must never read: the clock (Date.now, new Date(),
 * performance.now, process.hrtime) and randomness outside the seed (Math.random, node:crypto, Web Crypto).
 * Calls go through to the real functions (a generator that swallowed an exception would hide a throwing
 * trap); the suite asserts that none were recorded.
 */
import crypto from 'node:crypto';
import { syncBuiltinESMExports } from 'node:module';

export interface Trap {
  /** One line per call: what was called, and from where. */
  readonly calls: readonly string[];
  release(): void;
}

type AnyFunction = (...args: unknown[]) => unknown;

function caller(): string {
  return (new Error().stack ?? '').split('\n')[3]?.trim() ?? '?';
}

export function trapNondeterminism(): Trap {
  const calls: string[] = [];
  const undo: (() => void)[] = [];
  /** Replaces target[key] with a recording spy, as an own property (some live on prototypes or are getters). */
  const wrap = (target: object, key: string, name: string): void => {
    const original = (target as Record<string, unknown>)[key];
    if (typeof original !== 'function') return;
    const own = Object.getOwnPropertyDescriptor(target, key);
    if (own !== undefined && own.configurable !== true) return;
    const spy = Object.assign(function (this: unknown, ...args: unknown[]) {
      calls.push(`${name} from ${caller()}`);
      return (original as AnyFunction).apply(this, args);
    }, original);
    Object.defineProperty(target, key, { value: spy, writable: true, configurable: true, enumerable: own?.enumerable ?? false });
    undo.push(() => (own === undefined ? delete (target as Record<string, unknown>)[key] : Object.defineProperty(target, key, own)));
  };

  wrap(Math, 'random', 'Math.random');
  wrap(Date, 'now', 'Date.now');
  wrap(performance, 'now', 'performance.now');
  wrap(process.hrtime, 'bigint', 'process.hrtime.bigint');
  wrap(process, 'hrtime', 'process.hrtime');
  for (const key of ['randomBytes', 'randomInt', 'randomUUID', 'getRandomValues', 'randomFillSync'] as const) wrap(crypto, key, `crypto.${key}`);
  for (const key of ['randomUUID', 'getRandomValues'] as const) wrap(globalThis.crypto, key, `crypto.${key} (Web Crypto)`);
  syncBuiltinESMExports();

  const RealDate = globalThis.Date;
  const TrappedDate = class extends RealDate {
    constructor(...args: unknown[]) {
      if (args.length === 0) calls.push(`new Date() from ${caller()}`);
      super(...(args as [number]));
    }
  };
  globalThis.Date = TrappedDate as DateConstructor;
  undo.push(() => (globalThis.Date = RealDate));

  return {
    calls,
    release() {
      for (const u of undo.reverse()) u();
      syncBuiltinESMExports();
    },
  };
}
