/**
 * Constraints every trace family accepts. A family adds its own fields on top (see fault-trace.ts).
 */

export type InitialChoice = 'on' | 'off' | 'either';

export interface TraceConstraints {
  /**
   * Most steps in a trace, 1 to 4096. Default 24. An action (say "access X, remap X, INVLPG X, access X")
   * is kept whole or left out, never cut, so a trace can have fewer steps than this.
   */
  readonly maxSteps?: number;
  /** Most mappings drawn per page-table root, 1 to 256. Default 8. */
  readonly maxMappings?: number;
  /** Most page-table roots (PDPTs) to switch between, 1 to 3. Default 3. */
  readonly maxRoots?: number;
  /** MAXPHYADDR range, within 36..52. Default 36 to 52. */
  readonly maxPhyAddr?: { readonly min?: number; readonly max?: number };
  /** CR0.PG at the start: on (CR3 at root 0), off (steps turn it on), or either. Default 'either'. */
  readonly initialPaging?: InitialChoice;
  /** EFER.NXE for the whole trace. Default 'either'. */
  readonly nxe?: InitialChoice;
}
