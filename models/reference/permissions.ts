/**
 * Access rights (SDM 4.6). One function decides whether an access is allowed by a set of combined
 * permissions; the walk and a TLB hit both call it, so the rule exists once (STYLE.md, sail-riscv).
 *
 * Combined permissions are what a translation grants over all its levels: R/W and U/S ANDed over the PDE
 * and PTE (PAE PDPTEs have neither), XD ORed over every level. CR0.WP and EFER.NXE are read at access time,
 * so a cached translation stores the combined bits, not a decision.
 *
 * The rule is written as two masks (bits required set, bits required clear) so that a TLB hit can check
 * it with one AND and one compare against masks precomputed when CR0 or EFER change.
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

/**
 * The permission bits an access needs set (SDM 4.6): U/S for a user access; R/W for a user write, and for
 * a supervisor write when CR0.WP = 1 (SDM 4.6.1: otherwise supervisor writes ignore R/W).
 */
export function requiredPermissions(access: Access, user: boolean, wp: boolean): number {
  let required = user ? PERMISSION.USER : 0;
  if (access === Access.Write && (user || wp)) required |= PERMISSION.WRITABLE;
  return required;
}

/** The permission bits an access needs clear: XD for an instruction fetch when EFER.NXE = 1 (SDM 4.6). */
export function forbiddenPermissions(access: Access, nxe: boolean): number {
  return access === Access.Fetch && nxe ? PERMISSION.NO_EXECUTE : 0;
}

export function accessAllowed(permissions: number, access: Access, user: boolean, wp: boolean, nxe: boolean): boolean {
  const required = requiredPermissions(access, user, wp);
  return (permissions & required) === required && (permissions & forbiddenPermissions(access, nxe)) === 0;
}
