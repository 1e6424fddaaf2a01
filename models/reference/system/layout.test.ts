/**
 * The kernel's layout check (layout.ts), case by case: every rule at its boundary (the last accepted
 * value and the first rejected one), and the exact one-line message and rule of each rejection, so that a
 * user reading "invalid layout: ..." is told which chunk breaks what, at which addresses.
 *
 * The base layout is the default 4-space layout of the arbitraries, written out here so that the
 * addresses the messages quote are fixed by this file: common 4 MiB (4K pages) at 0, BIOS 16 MiB (mixed)
 * at 0xff000000, page tables at 16 MiB, buffer cache [64 MiB, 128 MiB), three 256 MiB private chunks from
 * 4 GiB up, each with a window at 1 GiB.
 */
import { describe, expect, it } from 'vitest';
import {
  LayoutError,
  type LayoutRule,
  type PagedModuleKind,
  type PagedSpace,
  type PageSizeChoice,
  pageTableBytesRequired,
  type SystemLayout,
} from '../../../src/machine/system.ts';
import { checkLayout } from './layout.ts';

const KiB = 1024;
const MiB = 2 ** 20;
const GiB = 2 ** 30;
const FOUR_GIB = 2 ** 32;
const CHUNK = 256 * MiB;

function space(i: number, pages: PageSizeChoice, module: PagedModuleKind = 'inode-cache'): PagedSpace {
  return { module, chunk: { base: FOUR_GIB + i * CHUNK, size: CHUNK }, window: { va: GiB, size: CHUNK }, pages };
}

/** The layout with its page-table region sized to exactly what it needs. */
function withTables(layout: SystemLayout): SystemLayout {
  return { ...layout, pageTables: { base: layout.pageTables.base, size: pageTableBytesRequired(layout) } };
}

function baseLayout(): SystemLayout {
  return withTables({
    maxPhyAddr: 36,
    common: { size: 4 * MiB, pages: '4K' },
    stackBytes: 4 * KiB,
    bios: { size: 16 * MiB, pages: 'mixed' },
    pageTables: { base: 16 * MiB, size: 0 },
    bufferCache: { base: 64 * MiB, size: 64 * MiB },
    spaces: [space(0, 'mixed', 'inode-cache'), space(1, '2M', 'name-cache'), space(2, '4K', 'snapshot')],
  });
}

/** The base layout with some fields replaced (page tables resized unless `pageTables` is given). */
function layoutWith(changes: Partial<SystemLayout>): SystemLayout {
  const layout = { ...baseLayout(), ...changes };
  return changes.pageTables === undefined ? withTables(layout) : layout;
}

/** The base layout with space `k` (1-based) changed. */
function spaceWith(k: number, changes: Partial<PagedSpace>): SystemLayout {
  const spaces = baseLayout().spaces.map((s, i) => (i === k - 1 ? { ...s, ...changes } : s));
  return layoutWith({ spaces });
}

/** The rule and message checkLayout throws, or null when it accepts the layout. */
function rejection(layout: SystemLayout, threads = 4): { rule: LayoutRule; message: string } | null {
  try {
    checkLayout(layout, threads);
    return null;
  } catch (e) {
    expect(e).toBeInstanceOf(LayoutError);
    const error = e as LayoutError;
    expect(error.name).toBe('LayoutError');
    return { rule: error.rule, message: error.message };
  }
}

function rejected(rule: LayoutRule, message: string): { rule: LayoutRule; message: string } {
  return { rule, message: `invalid layout: ${message}` };
}

describe('checkLayout accepts', () => {
  it('the base layout, whose page-table region is exactly its budget of 225 pages', () => {
    expect(baseLayout().pageTables).toEqual({ base: 16 * MiB, size: 225 * 4096 });
    expect(rejection(baseLayout())).toBeNull();
  });

  it('1 to 8 threads', () => {
    for (const threads of [1, 2, 7, 8]) expect(rejection(baseLayout(), threads)).toBeNull();
  });

  it('MAXPHYADDR 36 and 52', () => {
    expect(rejection(layoutWith({ maxPhyAddr: 36 }))).toBeNull();
    expect(rejection(layoutWith({ maxPhyAddr: 52 }))).toBeNull();
  });

  it('3 and 8 spaces (2 and 7 paged ones)', () => {
    const paged = (n: number): PagedSpace[] => Array.from({ length: n }, (_, i) => space(i, '2M'));
    expect(rejection(layoutWith({ spaces: paged(2) }))).toBeNull();
    expect(rejection(layoutWith({ spaces: paged(7) }))).toBeNull();
  });

  it('4 KiB-aligned chunks and windows mapped with 4 KiB pages, which need no 2 MiB alignment', () => {
    expect(rejection(layoutWith({ common: { size: 4 * MiB + 4 * KiB, pages: '4K' } }))).toBeNull();
    expect(rejection(layoutWith({ bios: { size: 16 * MiB + 4 * KiB, pages: '4K' } }))).toBeNull();
    expect(
      rejection(spaceWith(3, { chunk: { base: FOUR_GIB + 2 * CHUNK + 4 * KiB, size: 2 * MiB + 4 * KiB }, window: { va: GiB, size: 2 * MiB + 4 * KiB } })),
    ).toBeNull();
    expect(rejection(spaceWith(3, { window: { va: GiB + 4 * KiB, size: 2 * MiB + 4 * KiB } }))).toBeNull();
  });

  it('the smallest stack (one 64-byte frame)', () => {
    expect(rejection(layoutWith({ stackBytes: 64 }))).toBeNull();
  });

  it('stacks that fill the common chunk to its last byte', () => {
    // 0x2000 + 4 * 1046528 = 4 MiB
    expect(rejection(layoutWith({ stackBytes: 1046528 }), 4)).toBeNull();
  });

  it('a private chunk ending exactly at 2^MAXPHYADDR', () => {
    expect(rejection(spaceWith(3, { chunk: { base: 2 ** 36 - CHUNK, size: CHUNK } }))).toBeNull();
  });

  it('windows touching the common chunk and the BIOS chunk', () => {
    expect(rejection(spaceWith(1, { window: { va: 4 * MiB, size: CHUNK } }))).toBeNull();
    expect(rejection(spaceWith(2, { window: { va: 0xff000000 - CHUNK, size: CHUNK } }))).toBeNull();
  });

  it('a window smaller than its chunk', () => {
    expect(rejection(spaceWith(2, { window: { va: GiB, size: 2 * MiB } }))).toBeNull();
  });
});

describe('checkLayout rejects, naming the rule and the chunk', () => {
  it('MAXPHYADDR outside 36..52', () => {
    expect(rejection(layoutWith({ maxPhyAddr: 35 }))).toEqual(rejected('maxphyaddr', 'MAXPHYADDR 35 is not between 36 and 52'));
    expect(rejection(layoutWith({ maxPhyAddr: 53 }))).toEqual(rejected('maxphyaddr', 'MAXPHYADDR 53 is not between 36 and 52'));
    expect(rejection(layoutWith({ maxPhyAddr: 36.5 }))).toEqual(rejected('maxphyaddr', 'MAXPHYADDR 36.5 is not between 36 and 52'));
  });

  it('fewer than 3 or more than 8 spaces', () => {
    const paged = (n: number): PagedSpace[] => Array.from({ length: n }, (_, i) => space(i, '2M'));
    expect(rejection(layoutWith({ spaces: paged(1) }))).toEqual(rejected('space-count', '2 spaces; the kernel builds 3 to 8'));
    expect(rejection(layoutWith({ spaces: paged(8) }))).toEqual(rejected('space-count', '9 spaces; the kernel builds 3 to 8'));
  });

  it('thread counts outside 1..8', () => {
    expect(rejection(baseLayout(), 0)).toEqual(rejected('threads', '0 threads; 1 to 8 allowed'));
    expect(rejection(baseLayout(), -1)).toEqual(rejected('threads', '-1 threads; 1 to 8 allowed'));
    expect(rejection(baseLayout(), 9)).toEqual(rejected('threads', '9 threads; 1 to 8 allowed'));
    expect(rejection(baseLayout(), 1.5)).toEqual(rejected('threads', '1.5 threads; 1 to 8 allowed'));
  });

  it('a common or BIOS chunk not sized to its 2 MiB pages', () => {
    expect(rejection(layoutWith({ common: { size: 4 * MiB + 4 * KiB, pages: '2M' } }))).toEqual(
      rejected('alignment', 'common chunk at 0x0 of 4198400 bytes must be non-empty and 2097152-byte aligned'),
    );
    expect(rejection(layoutWith({ bios: { size: 16 * MiB + 4 * KiB, pages: 'mixed' } }))).toEqual(
      rejected('alignment', 'BIOS chunk at 0xfefff000 of 16781312 bytes must be non-empty and 2097152-byte aligned'),
    );
  });

  it('a misaligned page-table region', () => {
    const size = baseLayout().pageTables.size;
    expect(rejection(layoutWith({ pageTables: { base: 16 * MiB + 1, size } }))).toEqual(
      rejected('alignment', `page-table region at 0x1000001 of ${size} bytes must be non-empty and 4096-byte aligned`),
    );
  });

  it('an empty buffer-cache chunk', () => {
    expect(rejection(layoutWith({ bufferCache: { base: 64 * MiB, size: 0 } }))).toEqual(
      rejected('alignment', 'buffer-cache chunk at 0x4000000 of 0 bytes must be non-empty and 4096-byte aligned'),
    );
  });

  it('a negative base, even a multiple of the page size', () => {
    expect(rejection(layoutWith({ bufferCache: { base: -4096, size: 4096 } }))).toEqual(
      rejected('alignment', 'buffer-cache chunk at 0x-1000 of 4096 bytes must be non-empty and 4096-byte aligned'),
    );
  });

  it('a base beyond the safe integers, even a multiple of the page size', () => {
    const size = baseLayout().pageTables.size;
    expect(rejection(layoutWith({ pageTables: { base: 2 ** 60, size } }))).toEqual(
      rejected('alignment', `page-table region at 0x1000000000000000 of ${size} bytes must be non-empty and 4096-byte aligned`),
    );
  });

  it('a private chunk or window not aligned to its pages, numbering the space from 1', () => {
    expect(rejection(spaceWith(2, { chunk: { base: FOUR_GIB + CHUNK + 4 * KiB, size: CHUNK } }))).toEqual(
      rejected('alignment', 'chunk of space 2 at 0x110001000 of 268435456 bytes must be non-empty and 2097152-byte aligned'),
    );
    expect(rejection(spaceWith(1, { window: { va: GiB + 4 * KiB, size: CHUNK } }))).toEqual(
      rejected('alignment', 'window of space 1 at 0x40001000 of 268435456 bytes must be non-empty and 2097152-byte aligned'),
    );
    expect(rejection(spaceWith(3, { window: { va: GiB + 1, size: CHUNK } }))).toEqual(
      rejected('alignment', 'window of space 3 at 0x40000001 of 268435456 bytes must be non-empty and 4096-byte aligned'),
    );
  });

  it('a buffer-cache chunk or page-table region reaching above 4 GiB', () => {
    expect(rejection(layoutWith({ bufferCache: { base: 5 * GiB, size: 64 * MiB } }))).toEqual(
      rejected('below-4g', "buffer-cache chunk ends at 0x144000000, above space 0's 4 GiB"),
    );
    // Starting below 4 GiB is not enough: the end counts.
    expect(rejection(layoutWith({ bufferCache: { base: FOUR_GIB - 128 * MiB, size: 256 * MiB } }))).toEqual(
      rejected('below-4g', "buffer-cache chunk ends at 0x108000000, above space 0's 4 GiB"),
    );
    expect(rejection(layoutWith({ pageTables: { base: FOUR_GIB - 4 * KiB, size: 1024 * KiB } }))).toEqual(
      rejected('below-4g', "page-table region ends at 0x1000ff000, above space 0's 4 GiB"),
    );
  });

  it('a buffer-cache chunk ending at 4 GiB, which is in space 0 but on the BIOS chunk', () => {
    expect(rejection(layoutWith({ bufferCache: { base: FOUR_GIB - 64 * MiB, size: 64 * MiB } }))).toEqual(
      rejected('overlap', 'buffer-cache chunk [0xfc000000, 0x100000000) and BIOS chunk [0xff000000, 0x100000000) overlap'),
    );
  });

  it('a stack size that is not a positive multiple of the 64-byte frame', () => {
    const message = (n: number | string): string => `stack size ${n} is not a positive multiple of the 64-byte frame`;
    expect(rejection(layoutWith({ stackBytes: 0 }))).toEqual(rejected('stacks', message(0)));
    expect(rejection(layoutWith({ stackBytes: 32 }))).toEqual(rejected('stacks', message(32)));
    expect(rejection(layoutWith({ stackBytes: 100 }))).toEqual(rejected('stacks', message(100)));
    expect(rejection(layoutWith({ stackBytes: -64 }))).toEqual(rejected('stacks', message(-64)));
    expect(rejection(layoutWith({ stackBytes: 2 ** 59 }))).toEqual(rejected('stacks', message('576460752303423500')));
  });

  it('stacks that overflow the common chunk by one frame', () => {
    expect(rejection(layoutWith({ stackBytes: 1046592 }), 4)).toEqual(
      rejected('stacks', '4 stacks of 1046592 bytes after the mailbox overflow the 4194304-byte common chunk'),
    );
  });

  it('overlapping chunks of space 0, naming the lower one first', () => {
    const tables = baseLayout().pageTables.size; // 0xe1000
    expect(rejection(layoutWith({ pageTables: { base: 2 * MiB, size: tables } }))).toEqual(
      rejected('overlap', 'common chunk [0x0, 0x400000) and page-table region [0x200000, 0x2e1000) overlap'),
    );
    expect(rejection(layoutWith({ pageTables: { base: 64 * MiB - 512 * KiB, size: tables } }))).toEqual(
      rejected('overlap', 'page-table region [0x3f80000, 0x4061000) and buffer-cache chunk [0x4000000, 0x8000000) overlap'),
    );
    expect(rejection(layoutWith({ pageTables: { base: 100 * MiB, size: tables } }))).toEqual(
      rejected('overlap', 'buffer-cache chunk [0x4000000, 0x8000000) and page-table region [0x6400000, 0x64e1000) overlap'),
    );
    expect(rejection(layoutWith({ bufferCache: { base: 0xff800000, size: 4 * MiB } }))).toEqual(
      rejected('overlap', 'BIOS chunk [0xff000000, 0x100000000) and buffer-cache chunk [0xff800000, 0xffc00000) overlap'),
    );
    expect(rejection(layoutWith({ bufferCache: { base: 2 * MiB, size: 4 * MiB } }))).toEqual(
      rejected('overlap', 'common chunk [0x0, 0x400000) and buffer-cache chunk [0x200000, 0x600000) overlap'),
    );
  });

  it('overlapping private chunks, ordered by base and then by end', () => {
    expect(rejection(spaceWith(1, { chunk: { base: FOUR_GIB, size: 3 * CHUNK } }))).toEqual(
      rejected('overlap', 'chunk of space 1 [0x100000000, 0x130000000) and chunk of space 2 [0x110000000, 0x120000000) overlap'),
    );
    const sameBase = layoutWith({
      spaces: [
        { ...space(0, '2M'), chunk: { base: FOUR_GIB, size: 2 * CHUNK } },
        { ...space(0, '2M'), chunk: { base: FOUR_GIB, size: CHUNK } },
        space(2, '2M'),
      ],
    });
    expect(rejection(sameBase)).toEqual(
      rejected('overlap', 'chunk of space 2 [0x100000000, 0x110000000) and chunk of space 1 [0x100000000, 0x120000000) overlap'),
    );
  });

  it('a private chunk below 4 GiB, which space 0 reaches with paging off', () => {
    expect(rejection(spaceWith(2, { chunk: { base: 3 * GiB, size: CHUNK } }))).toEqual(
      rejected('shared-private', 'private chunk of space 2 starts at 0xc0000000, below 4 GiB, where space 0 also reaches it'),
    );
  });

  it('a private chunk ending beyond 2^MAXPHYADDR', () => {
    expect(rejection(spaceWith(3, { chunk: { base: 2 ** 36 - CHUNK / 2, size: CHUNK } }))).toEqual(
      rejected('beyond-maxphyaddr', 'private chunk of space 3 ends at 0x1008000000, beyond 2^36'),
    );
  });

  it('a window over the common chunk or the BIOS chunk', () => {
    expect(rejection(spaceWith(1, { window: { va: 2 * MiB, size: CHUNK } }))).toEqual(
      rejected('window', 'window of space 1 [0x200000, 0x10200000) leaves the gap between common and BIOS [0x400000, 0xff000000)'),
    );
    expect(rejection(spaceWith(2, { window: { va: 0xff000000 - CHUNK + 2 * MiB, size: CHUNK } }))).toEqual(
      rejected('window', 'window of space 2 [0xef200000, 0xff200000) leaves the gap between common and BIOS [0x400000, 0xff000000)'),
    );
  });

  it('a window larger than its chunk', () => {
    expect(rejection(spaceWith(2, { window: { va: GiB, size: 2 * CHUNK } }))).toEqual(
      rejected('window', 'window of space 2 is larger than its chunk'),
    );
  });

  it('a page-table region one page short of the budget', () => {
    const { base, size } = baseLayout().pageTables;
    expect(rejection(layoutWith({ pageTables: { base, size: size - 4096 } }))).toEqual(
      rejected('page-tables', 'page-table region holds 917504 bytes, the spaces need 921600'),
    );
  });

  it('a name cache without an inode cache', () => {
    const spaces = [space(0, '2M', 'name-cache'), space(1, '2M', 'snapshot'), space(2, '2M', 'snapshot')];
    expect(rejection(layoutWith({ spaces }))).toEqual(rejected('module', 'name cache without an inode cache to stat through'));
  });
});
