/**
 * CR0, CR3, CR4 and IA32_EFER, as unsigned 32-bit numbers, with named views of the bits the MMU reads
 * (SDM 2.5, 2.2.1): CR0.PG (31) and CR0.WP (16), CR4.PAE (5), CR4.PGE (7) and CR4.PSE (4: 4 MiB pages
 * under 32-bit paging, and a flush when it changes), EFER.NXE (11).
 *
 * The register file only holds values: what a MOV to a control register loads, flushes or faults on is
 * decided by the processor (cpu.ts).
 */
import { CR0, CR4, EFER } from '../../src/arch/entry-layout.ts';

const bit = (value: number, position: number): boolean => ((value >>> position) & 1) === 1;

/** True when `position` differs between two register values. */
export function bitChanged(before: number, after: number, position: number): boolean {
  return bit((before ^ after) >>> 0, position);
}

export class ControlRegisters {
  cr0 = 0;
  cr3 = 0;
  cr4 = 0;
  efer = 0;

  /** CR0.PG: paging enabled. */
  get paging(): boolean {
    return bit(this.cr0, CR0.PG_BIT);
  }

  /** CR0.WP: supervisor writes honour R/W (SDM 4.6.1). */
  get writeProtect(): boolean {
    return bit(this.cr0, CR0.WP_BIT);
  }

  /** CR4.PAE: PAE paging when paging is on. */
  get pae(): boolean {
    return bit(this.cr4, CR4.PAE_BIT);
  }

  /** CR4.PSE: under 32-bit paging, a PDE with PS = 1 maps a 4 MiB page (SDM 4.3). */
  get pageSizeExtensions(): boolean {
    return bit(this.cr4, CR4.PSE_BIT);
  }

  /** CR4.PGE: global translations survive MOV to CR3 (SDM 4.10.2.4). */
  get globalPages(): boolean {
    return bit(this.cr4, CR4.PGE_BIT);
  }

  /** EFER.NXE: XD is honoured and is no longer a reserved bit (SDM 4.6, Table 4-11). */
  get noExecute(): boolean {
    return bit(this.efer, EFER.NXE_BIT);
  }

  /**
   * The CR4 bits whose change reloads the PDPTEs (SDM 4.4.1 lists PAE, PGE, PSE and SMEP; SMEP is not
   * modelled) and flushes the whole TLB, global entries included (SDM 4.10.4.1).
   */
  static pagingModeBitsChanged(before: number, after: number): boolean {
    return (
      bitChanged(before, after, CR4.PAE_BIT) ||
      bitChanged(before, after, CR4.PGE_BIT) ||
      bitChanged(before, after, CR4.PSE_BIT)
    );
  }
}
