/**
 * Layouts with one deliberate defect, for the property that a kernel rejects exactly the invalid layouts
 * (src/spec/space/layout-rules.ts). Each defect breaks one rule of the list: overlapping chunks, a
 * private chunk reachable from two spaces, a layout beyond MAXPHYADDR, and the other structural rules.
 */
import fc from 'fast-check';
import { MAX_THREADS, type PagedSpace, type SystemLayout } from '../../machine/system.ts';

const MiB = 1024 * 1024;
const FOUR_GIB = 2 ** 32;

export const LAYOUT_DEFECTS = [
  'overlap',
  'shared-private',
  'beyond-maxphyaddr',
  'misaligned',
  'window-over-common',
  'window-over-bios',
  'page-tables-too-small',
  'stacks-overflow-common',
  'too-few-spaces',
  'name-cache-alone',
  'maxphyaddr',
  'tables-above-4g',
  'too-many-threads',
] as const;
export type LayoutDefect = (typeof LAYOUT_DEFECTS)[number];

function withSpace(layout: SystemLayout, index: number, change: (s: PagedSpace) => PagedSpace): SystemLayout {
  return { ...layout, spaces: layout.spaces.map((s, i) => (i === index ? change(s) : s)) };
}

/** The layout and thread count with the defect applied; `which` picks the space a defect concerns. */
export function applyLayoutDefect(layout: SystemLayout, threads: number, defect: LayoutDefect, which: number): { layout: SystemLayout; threads: number } {
  const i = which % layout.spaces.length;
  const other = (i + 1) % layout.spaces.length;
  const space = layout.spaces[i]!;
  switch (defect) {
    case 'overlap':
      // Space i's chunk moved onto the next space's chunk (both above 4 GiB).
      return { layout: withSpace(layout, i, (s) => ({ ...s, chunk: { ...s.chunk, base: layout.spaces[other]!.chunk.base } })), threads };
    case 'shared-private':
      // A paged chunk below 4 GiB: space 0 (paging off) reaches it too.
      return { layout: withSpace(layout, i, (s) => ({ ...s, chunk: { ...s.chunk, base: 2 * 1024 * MiB } })), threads };
    case 'beyond-maxphyaddr':
      return { layout: withSpace(layout, i, (s) => ({ ...s, chunk: { ...s.chunk, base: 2 ** layout.maxPhyAddr - 2 * MiB } })), threads };
    case 'misaligned':
      return { layout: withSpace(layout, i, (s) => ({ ...s, pages: '2M', chunk: { ...s.chunk, base: s.chunk.base + 4096 } })), threads };
    case 'window-over-common':
      return { layout: withSpace(layout, i, (s) => ({ ...s, window: { ...s.window, va: 0 } })), threads };
    case 'window-over-bios':
      return { layout: withSpace(layout, i, (s) => ({ ...s, window: { ...s.window, va: FOUR_GIB - s.window.size } })), threads };
    case 'page-tables-too-small':
      return { layout: { ...layout, pageTables: { ...layout.pageTables, size: 4096 } }, threads };
    case 'stacks-overflow-common':
      return { layout: { ...layout, stackBytes: layout.common.size }, threads: Math.max(threads, 1) };
    case 'too-few-spaces':
      return { layout: { ...layout, spaces: [{ ...space, module: 'inode-cache' }] }, threads };
    case 'name-cache-alone':
      return { layout: { ...layout, spaces: layout.spaces.map((s) => ({ ...s, module: 'name-cache' })) }, threads };
    case 'maxphyaddr':
      return { layout: { ...layout, maxPhyAddr: which % 2 === 0 ? 35 : 53 }, threads };
    case 'tables-above-4g': {
      const last = layout.spaces.reduce((end, s) => Math.max(end, s.chunk.base + s.chunk.size), FOUR_GIB);
      return { layout: { ...layout, pageTables: { ...layout.pageTables, base: last } }, threads };
    }
    case 'too-many-threads':
      return { layout, threads: MAX_THREADS + 1 };
  }
}

export function layoutDefectArbitrary(): fc.Arbitrary<{ defect: LayoutDefect; which: number }> {
  return fc.record({ defect: fc.constantFrom(...LAYOUT_DEFECTS), which: fc.nat({ max: 7 }) });
}
