/**
 * The page-fault error code (SDM 4.7): one table from the way a walk failed to the P and RSVD bits, plus
 * the bits the access itself contributes (W/R, U/S, I/D).
 */
import { PF_ERROR } from '../../src/arch/entry-layout.ts';
import { Access } from './permissions.ts';

/** How a translation failed. `None` is a success. */
export const WalkError = {
  None: 0,
  /** P = 0 in the PDPTE register, PDE or PTE */
  NotPresent: 1,
  /** a present PDE or PTE sets a reserved bit */
  Reserved: 2,
  /** the translation exists but does not allow the access */
  Protection: 3,
} as const;
export type WalkError = (typeof WalkError)[keyof typeof WalkError];
export type WalkFailure = Exclude<WalkError, typeof WalkError.None>;

const ERROR_BITS: Readonly<Record<WalkFailure, number>> = {
  [WalkError.NotPresent]: 0,
  [WalkError.Reserved]: PF_ERROR.P | PF_ERROR.RSVD,
  [WalkError.Protection]: PF_ERROR.P,
};

/**
 * The error code of the #PF raised when `access` fails with `error`. I/D is reported for instruction
 * fetches only when PAE paging is on and EFER.NXE = 1 (SDM 4.7); this machine pages only with PAE.
 */
export function pageFaultErrorCode(error: WalkFailure, access: Access, user: boolean, nxe: boolean): number {
  let code = ERROR_BITS[error];
  if (access === Access.Write) code |= PF_ERROR.WR;
  if (user) code |= PF_ERROR.US;
  if (access === Access.Fetch && nxe) code |= PF_ERROR.ID;
  return code;
}
