/**
 * Test support, not the specification: replays a trace over its own memory (no TLB, no A/D updates)
 * just far enough to say which situations it reaches, so the statistics tests can check that each
 * family exercises what it must. Independent of the generator's own bookkeeping on purpose.
 */
import type { Trace } from '../../machine/trace.ts';
import { overlapsTablePool } from '../_internals/physical-layout.ts';

const bitRange = (low: number, high: number): bigint => ((1n << BigInt(high - low + 1)) - 1n) << BigInt(low);
const has = (e: bigint, n: number): boolean => ((e >> BigInt(n)) & 1n) === 1n;
const TWO_M = 2 * 1024 * 1024;

type Walk =
  | {
      kind: 'ok';
      pa: number;
      frame: number;
      frameBytes: number;
      leafPa: number;
      leaf: bigint;
      writable: boolean;
      user: boolean;
      xd: boolean;
      global: boolean;
    }
  | { kind: 'not-present'; level: 'pdpte' | 'pde' | 'pte' }
  | { kind: 'reserved'; level: 'pde-table' | 'pde-large' | 'pte'; why: 'above-maxphyaddr' | 'xd-nxe0' | 'large-13-20' };

export function censusOf(trace: Trace): Set<string> {
  const f = new Set<string>();
  const M = trace.maxPhyAddr;
  const mem = new Map(trace.memory.map((w) => [w.pa, BigInt(w.value)] as const));
  const read = (pa: number): bigint => mem.get(pa) ?? 0n;
  const addressBits = bitRange(0, M - 1);
  const addr = (e: bigint, low: number): number => Number(e & addressBits & ~((1n << BigInt(low)) - 1n));
  let { cr0, cr3, cr4 } = trace.registers;
  const nxe = ((trace.registers.efer >>> 11) & 1) === 1;
  const pg = (): boolean => cr0 >>> 31 === 1;
  const wp = (): boolean => ((cr0 >>> 16) & 1) === 1;
  const pge = (): boolean => ((cr4 >>> 7) & 1) === 1;
  f.add(pg() ? 'paging-initially-on' : 'paging-initially-off');
  f.add(nxe ? 'nxe-on' : 'nxe-off');

  const pdpteReserved = bitRange(M, 63) | [1, 2, 5, 6, 7, 8].reduce((m, b) => m | (1n << BigInt(b)), 0n);
  const loadPdptes = (from: number): bigint[] | null => {
    const base = (from & 0xffffffe0) >>> 0;
    const e = [0, 1, 2, 3].map((i) => read(base + i * 8));
    return e.some((x) => has(x, 0) && (x & pdpteReserved) !== 0n) ? null : e;
  };
  let pdptes = pg() ? (loadPdptes(cr3) ?? [0n, 0n, 0n, 0n]) : [0n, 0n, 0n, 0n];

  const reservedWhy = (e: bigint, large: boolean): 'above-maxphyaddr' | 'xd-nxe0' | 'large-13-20' | null => {
    if ((e & bitRange(M, 62)) !== 0n) return 'above-maxphyaddr';
    if (!nxe && has(e, 63)) return 'xd-nxe0';
    if (large && (e & bitRange(13, 20)) !== 0n) return 'large-13-20';
    return null;
  };

  const walk = (va: number): Walk => {
    const pdpte = pdptes[Math.floor(va / 2 ** 30)] ?? 0n;
    if (!has(pdpte, 0)) return { kind: 'not-present', level: 'pdpte' };
    const pdeAddr = addr(pdpte, 12) + ((va >>> 21) & 511) * 8;
    const pde = read(pdeAddr);
    if (!has(pde, 0)) return { kind: 'not-present', level: 'pde' };
    const large = has(pde, 7);
    const whyPde = reservedWhy(pde, large);
    if (whyPde !== null) return { kind: 'reserved', level: large ? 'pde-large' : 'pde-table', why: whyPde };
    if (large) {
      const frame = addr(pde, 21);
      return { kind: 'ok', pa: frame + (va % TWO_M), frame, frameBytes: TWO_M, leafPa: pdeAddr, leaf: pde, writable: has(pde, 1), user: has(pde, 2), xd: has(pde, 63), global: has(pde, 8) };
    }
    const pteAddr = addr(pde, 12) + ((va >>> 12) & 511) * 8;
    const pte = read(pteAddr);
    if (!has(pte, 0)) return { kind: 'not-present', level: 'pte' };
    const whyPte = reservedWhy(pte, false);
    if (whyPte !== null) return { kind: 'reserved', level: 'pte', why: whyPte };
    const frame = addr(pte, 12);
    return {
      kind: 'ok',
      pa: frame + (va % 4096),
      frame,
      frameBytes: 4096,
      leafPa: pteAddr,
      leaf: pte,
      writable: has(pde, 1) && has(pte, 1),
      user: has(pde, 2) && has(pte, 2),
      xd: has(pde, 63) || has(pte, 63),
      global: has(pte, 8),
    };
  };

  const reload = (): void => {
    const loaded = loadPdptes(cr3);
    if (loaded === null) f.add('pdpte-reserved-gp');
    else pdptes = loaded;
  };

  let cr3Writes = 0;
  const globalPages = new Map<number, number>();
  const stores = new Map<number, { va: number; cr3: number }>();
  const byLow32 = new Map<number, number>();
  const usedLeaves = new Set<number>();
  let pendingEdit: { invalidation: string; remapOf: number | null; invlpgVa: number | null } | null = null;

  for (const s of trace.steps) {
    switch (s.op) {
      case 'mov-cr0': {
        const was = pg();
        const old = cr0;
        cr0 = s.value;
        if (((old ^ cr0) >>> 16) & 1) f.add('wp-toggle');
        if (!was && pg()) {
          f.add('paging-enable');
          const loaded = loadPdptes(cr3);
          if (loaded === null) {
            f.add('pdpte-reserved-gp');
            cr0 = old;
          } else pdptes = loaded;
        }
        if (was && !pg()) f.add('paging-disable');
        if (pendingEdit !== null && was !== pg()) pendingEdit.invalidation = 'pg';
        break;
      }
      case 'mov-cr3': {
        f.add(s.value === cr3 ? 'cr3-reload' : 'cr3-switch');
        const old = cr3;
        cr3 = s.value;
        cr3Writes++;
        if (pg()) {
          const loaded = loadPdptes(cr3);
          if (loaded === null) {
            f.add('pdpte-reserved-gp');
            cr3 = old;
          } else pdptes = loaded;
        }
        if (pendingEdit !== null) pendingEdit.invalidation = 'cr3';
        break;
      }
      case 'mov-cr4': {
        if (((cr4 ^ s.value) >>> 7) & 1) f.add('pge-toggle');
        cr4 = s.value;
        if (pg()) reload();
        break;
      }
      case 'invlpg':
        if (pendingEdit !== null && pendingEdit.invalidation === 'none') {
          pendingEdit.invalidation = 'invlpg';
          pendingEdit.invlpgVa = s.va;
        }
        break;
      case 'write-phys': {
        const old = read(s.pa);
        const value = BigInt(s.value);
        mem.set(s.pa, value);
        f.add('edit');
        if (has(old, 0) && has(value, 0) && has(old, 7) !== has(value, 7) && !usedLeaves.has(s.pa)) f.add('pde-size-swap');
        if (has(old, 0) && has(value, 0) && has(old, 7) !== has(value, 7)) f.add('ps-change');
        const remap = has(old, 0) && has(value, 0) && addr(old, 12) !== addr(value, 12) && usedLeaves.has(s.pa);
        if (pendingEdit !== null && pendingEdit.invalidation === 'none') f.add('edit-then-edit');
        pendingEdit = { invalidation: 'none', remapOf: remap ? s.pa : null, invlpgVa: null };
        break;
      }
      case 'load':
      case 'fetch':
      case 'store': {
        f.add(s.op);
        f.add(s.user ? 'user' : 'supervisor');
        if (pendingEdit !== null) f.add(pendingEdit.invalidation === 'none' ? 'edit-without-invalidation' : `edit-then-${pendingEdit.invalidation}`);
        const edit = pendingEdit;
        if (edit?.invlpgVa != null) {
          const sameRegion = Math.floor(edit.invlpgVa / TWO_M) === Math.floor(s.va / TWO_M);
          if (sameRegion && Math.floor(edit.invlpgVa / 4096) !== Math.floor(s.va / 4096)) f.add('edit-then-invlpg-other-page-in-2m');
        }
        pendingEdit = null;
        if (!pg()) {
          f.add('physical-access');
          break;
        }
        const w = walk(s.va);
        const straddles = (s.va % 4096) + s.size > 4096;
        if (straddles) f.add('straddle');
        if (w.kind === 'not-present') {
          f.add(`not-present-${w.level}`);
          break;
        }
        if (w.kind === 'reserved') {
          f.add(`reserved-${w.level}`);
          f.add(`reserved-${w.why}`);
          break;
        }
        if (straddles) {
          const second = walk(s.va + s.size - 1);
          if (second.kind !== 'ok') f.add('straddle-second-faults');
        }
        if (edit !== null && edit.remapOf === w.leafPa) f.add(`remap-${edit.invalidation}-reaccess`);
        usedLeaves.add(w.leafPa);
        f.add(w.frameBytes === TWO_M ? '2m-page' : '4k-page');
        if (w.frameBytes === TWO_M && s.va % TWO_M >= TWO_M / 2) f.add('2m-offset-bit20');
        if (w.pa >= 2 ** 32) f.add('frame-above-4g').add(`frame-above-4g-${w.frameBytes === TWO_M ? '2m' : '4k'}`);
        if (w.pa >= 2 ** 40) f.add('frame-above-2^40');
        if (w.pa >= 2 ** M - 64 * 1024 * 1024) f.add('frame-near-top');
        if (overlapsTablePool(w.frame, w.frameBytes)) f.add('FRAME-IN-TABLE-POOL');
        if (!has(w.leaf, 5)) f.add('touch-accessed-clear');
        if (s.op === 'store' && !has(w.leaf, 6)) f.add('store-dirty-clear');
        if (s.op === 'fetch' && nxe) f.add(w.xd ? 'fetch-xd-nxe' : 'fetch-nxe');
        if (s.op === 'store' && !w.writable && !s.user) f.add(wp() ? 'store-readonly-wp1' : 'store-readonly-wp0');
        if (s.user && !w.user) f.add('user-to-supervisor-page');
        const page = Math.floor(s.va / 4096);
        if (w.global && pge()) {
          f.add('global-access');
          const seen = globalPages.get(page);
          if (seen !== undefined && seen < cr3Writes) f.add('global-across-cr3');
          globalPages.set(page, cr3Writes);
        }
        if (s.op === 'store') stores.set(w.pa, { va: s.va, cr3 });
        else {
          const st = stores.get(w.pa);
          if (st !== undefined && (st.va !== s.va || st.cr3 !== cr3)) f.add('store-load-alias');
        }
        const low = w.pa % 2 ** 32;
        const other = byLow32.get(low);
        if (other !== undefined && other !== w.pa) f.add('twin-frames');
        byLow32.set(low, w.pa);
        break;
      }
    }
  }
  return f;
}
