/**
 * Access rights (SDM 4.6). One function decides whether an access is allowed by a set of combined
 * permissions; the walk and a TLB hit both call it, so the rule exists once (STYLE.md, sail-riscv).
 *
 * Combined permissions are what a translation grants over all its levels: R/W and U/S ANDed over the PDE
 * and PTE (PAE PDPTEs have neither), XD ORed over every level. CR0.WP and EFER.NXE are read at access time,
 * so a cached translation stores the combined bits, not a decision.
 */

/** The kind of access, as the page-fault error code sees it. */
export const Access = {
  Read: 0,
  Write: 1,
  Fetch: 2,
} as const;
export type Access = (typeof Access)[keyof typeof Access];

/** Bits of a combined-permission word (also the low bits of a TLB entry's flags). */
export const PERMISSION = {
  /** R/W = 1 at every level */
  WRITABLE: 1 << 0,
  /** U/S = 1 at every level */
  USER: 1 << 1,
  /** XD = 1 at some level */
  NO_EXECUTE: 1 << 2,
} as const;

export function accessAllowed(permissions: number, access: Access, user: boolean, wp: boolean, nxe: boolean): boolean {
  if (user && (permissions & PERMISSION.USER) === 0) return false;
  // SDM 4.6.1: supervisor writes to read-only pages are allowed when CR0.WP = 0.
  if (access === Access.Write && (permissions & PERMISSION.WRITABLE) === 0 && (user || wp)) return false;
  if (access === Access.Fetch && nxe && (permissions & PERMISSION.NO_EXECUTE) !== 0) return false;
  return true;
}
