/**
 * Access rights (SDM 4.6) and the page-fault error code (SDM 4.7, Figure 4-12).
 */
import { PF_ERROR } from '../arch/entry-layout.ts';
import type { Translation } from './walk.ts';

export interface Access {
  readonly write: boolean;
  readonly user: boolean;
  readonly fetch: boolean;
}

export interface RightsContext {
  readonly wp: boolean;
  readonly nxe: boolean;
}

/** Null when the translation permits the access, else the rule that forbids it. */
export function deniedBy(t: Translation, access: Access, ctx: RightsContext): string | null {
  if (access.user && !t.user) return 'SDM 4.6: user-mode access needs U/S=1 in every entry';
  if (access.write && access.user && !t.writable) return 'SDM 4.6: user-mode write needs R/W=1 in every entry';
  if (access.write && !access.user && ctx.wp && !t.writable)
    return 'SDM 4.6: with CR0.WP=1 a supervisor write needs R/W=1 in every entry';
  if (access.fetch && t.executeDisabled) return 'SDM 4.6: with EFER.NXE=1 no fetch where XD=1 in any entry';
  return null;
}

export type FaultCause = 'not-present' | 'reserved' | 'protection';

/** I/D is reported only for a fetch under PAE paging with EFER.NXE = 1 (no SMEP here; SDM 4.7). */
export function pageFaultErrorCode(cause: FaultCause, access: Access, paeAndNxe: boolean): number {
  let code = 0;
  if (cause !== 'not-present') code |= PF_ERROR.P;
  if (cause === 'reserved') code |= PF_ERROR.RSVD;
  if (access.write) code |= PF_ERROR.WR;
  if (access.user) code |= PF_ERROR.US;
  if (access.fetch && paeAndNxe) code |= PF_ERROR.ID;
  return code;
}
