/**
 * How translation must switch between spaces (claims 5, 6, 15, 16):
 *
 *   space 0 -> paged space k   turn paging on, with CR3 holding k's PDPT (claims 6, 16)
 *   paged space k -> space 0   turn paging off (claims 6, 16)
 *   paged k -> paged j         load j's CR3, paging stays on (module-to-module calls)
 *
 * `observedTransitions` reads these out of a log of control-register moves (ControlRecorder): a MOV to
 * CR0 that sets PG enters the space whose root CR3 holds, one that clears PG returns to space 0, a MOV to
 * CR3 with paging on switches to the space of the new root, a MOV to CR3 with paging off only prepares the
 * next entry. A reload of the current space's root changes nothing and is left out.
 */
import { CR0, PAE_CR3_PDPT_MASK } from '../../arch/entry-layout.ts';
import type { ControlEvent } from '../../machine/system.ts';

export type SwitchHow = 'paging-on' | 'paging-off' | 'cr3';

export interface Transition {
  /** The space entered; -1 when the root is no space's. */
  readonly to: number;
  readonly how: SwitchHow;
}

export function expectedSwitch(from: number, to: number): Transition[] {
  if (from === to) return [];
  if (from === 0) return [{ to, how: 'paging-on' }];
  if (to === 0) return [{ to, how: 'paging-off' }];
  return [{ to, how: 'cr3' }];
}

/**
 * A call from the application (space 0) to `target`, whose module calls into `nested` spaces in turn:
 * in, out and back for each nested call, then back to the application.
 */
export function expectedCallTransitions(target: number, nested: readonly number[]): Transition[] {
  const out = expectedSwitch(0, target);
  for (const n of nested) out.push(...expectedSwitch(target, n), ...expectedSwitch(n, target));
  out.push(...expectedSwitch(target, 0));
  return out;
}

export const pagingOf = (cr0: number): boolean => ((cr0 >>> CR0.PG_BIT) & 1) === 1;
export const rootOf = (cr3: number): number => (cr3 & PAE_CR3_PDPT_MASK) >>> 0;

export interface TranslationState {
  readonly paging: boolean;
  readonly cr3: number;
}

export interface ObservedTransitions {
  readonly transitions: Transition[];
  /** A control-register move the processor refused (#GP), if any. */
  readonly refused: ControlEvent | null;
  readonly end: TranslationState;
}

export function observedTransitions(
  log: readonly ControlEvent[],
  start: TranslationState,
  spaceOfRoot: ReadonlyMap<number, number>,
): ObservedTransitions {
  const transitions: Transition[] = [];
  let { paging, cr3 } = start;
  let current = paging ? (spaceOfRoot.get(rootOf(cr3)) ?? -1) : 0;
  const enter = (to: number, how: SwitchHow): void => {
    if (to !== current) transitions.push({ to, how });
    current = to;
  };
  for (const event of log) {
    if (!event.ok) return { transitions, refused: event, end: { paging, cr3 } };
    if (event.reg === 'cr3') {
      cr3 = event.value;
      if (paging) enter(spaceOfRoot.get(rootOf(cr3)) ?? -1, 'cr3');
    } else if (event.reg === 'cr0') {
      const on = pagingOf(event.value);
      if (on && !paging) enter(spaceOfRoot.get(rootOf(cr3)) ?? -1, 'paging-on');
      if (!on && paging) enter(0, 'paging-off');
      paging = on;
    }
  }
  return { transitions, refused: null, end: { paging, cr3 } };
}

export function formatTransitions(ts: readonly Transition[]): string {
  if (ts.length === 0) return '(none)';
  return ts.map((t) => `${t.how} -> ${t.to < 0 ? 'unknown space' : `space ${t.to}`}`).join(', ');
}

export function sameTransitions(a: readonly Transition[], b: readonly Transition[]): boolean {
  return a.length === b.length && a.every((t, i) => t.to === b[i]!.to && t.how === b[i]!.how);
}
