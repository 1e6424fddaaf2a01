/**
 * The architecture's fixed facts: bit positions of PAE paging-structure entries, control registers
 * and the page-fault error code. Declared once, here, and shared by the specification (src/spec) and
 * every machine; nothing else is shared between them.
 *
 * PAE paging-structure entries (Intel SDM Vol. 3A, 4.4.2, Tables 4-8 to 4-11), 64 bits each:
 *
 *   63 | 62 .. M  | M-1 .. 21 | 20 .. 13 | 12  | 11..9 | 8 | 7  | 6 | 5 | 4   | 3   | 2   | 1   | 0
 *   XD | reserved | address                      | ign   | G | PS | D | A | PCD | PWT | U/S | R/W | P    PDE, PS=1 (2 MiB)
 *      |          |  bits 20..13 reserved, bit 12 PAT
 *   XD | reserved | address of page table / 4 KiB frame | ign | G | PAT| D | A | PCD | PWT | U/S | R/W | P    PTE
 *   XD | reserved | address of page table     (PDE, PS=0: bits 8 and 6 ignored, 7 is PS=0)
 *   -- | reserved | address of page directory  | ign | reserved 8..5 | PCD | PWT | reserved 2..1 | P   PDPTE
 *
 * M is MAXPHYADDR (36 to 52). Bit 63 (XD) is reserved unless IA32_EFER.NXE = 1.
 */

/** Bit positions (0 = least significant) of the 64-bit entry. */
export const BIT = {
  /** Present: the entry maps something (SDM 4.4.2). */
  P: 0,
  /** Read/write: 0 forbids writes to the region the entry controls (SDM 4.6). */
  RW: 1,
  /** User/supervisor: 0 forbids user-mode accesses (SDM 4.6). */
  US: 2,
  PWT: 3,
  PCD: 4,
  /** Accessed: set by the walk when the entry is used for a translation (SDM 4.8). */
  A: 5,
  /** Dirty: set in the entry that maps the page when the page is written (SDM 4.8). */
  D: 6,
  /** Page size: in a PDE, 1 maps a 2 MiB page (SDM 4.4.2). In a PTE this position is PAT. */
  PS: 7,
  /** Global: with CR4.PGE = 1, the translation survives MOV to CR3 (SDM 4.10.2.4). */
  G: 8,
  /** PAT bit of a 2 MiB entry; the lowest address bit of a 4 KiB frame is bit 12 too. */
  PAT_LARGE: 12,
  /** Execute-disable: with EFER.NXE = 1 forbids instruction fetches (SDM 4.6); reserved otherwise. */
  XD: 63,
} as const;

/** Address field of a PDE/PTE that points to a table or a 4 KiB frame: bits M-1..12. */
export const TABLE_ADDRESS_LOW_BIT = 12;
/** Address field of a 2 MiB page: bits M-1..21. */
export const LARGE_ADDRESS_LOW_BIT = 21;
/** Bits 20..13 of a 2 MiB PDE are reserved (SDM Table 4-9). */
export const LARGE_RESERVED_BITS = [13, 14, 15, 16, 17, 18, 19, 20] as const;
/** Reserved bits of a PAE PDPTE below the address field (SDM Table 4-8): 2..1 and 8..5. */
export const PDPTE_LOW_RESERVED_BITS = [1, 2, 5, 6, 7, 8] as const;
/** The highest bit that may hold an address (bits M..62 are reserved; 63 is XD). */
export const HIGHEST_ADDRESS_BIT_LIMIT = 62;

/** MAXPHYADDR bounds this project supports (SDM 4.1.4: at most 52). */
export const MIN_MAXPHYADDR = 36;
export const MAX_MAXPHYADDR = 52;
export const DEFAULT_MAXPHYADDR = 36;

export const PAGE_4K = 4096;
export const PAGE_2M = 2 * 1024 * 1024;
export const PAGE_4M = 4 * 1024 * 1024;
/** Size of the linear address space of a 32-bit processor. */
export const LINEAR_SPACE = 2 ** 32;

/** Linear-address split under PAE paging (SDM 4.4.2, Figure 4-5 and 4-6). */
export const PAE_INDEX = {
  /** bits 31..30 select one of four PDPTEs */
  PDPTE_SHIFT: 30,
  /** bits 29..21 select a PDE */
  PDE_SHIFT: 21,
  /** bits 20..12 select a PTE */
  PTE_SHIFT: 12,
  /** nine index bits for PDE and PTE */
  INDEX_MASK: 0x1ff,
  ENTRIES_PER_TABLE: 512,
  ENTRY_BYTES: 8,
} as const;

/**
 * 32-bit paging (SDM 4.3, Tables 4-4 to 4-6), used when CR0.PG = 1 and CR4.PAE = 0. Entries are 32 bits:
 *
 *   31 .. 22   | 21   | 20 .. 13            | 12  | 11..9 | 8 | 7  | 6 | 5 | 4   | 3   | 2   | 1   | 0
 *   addr 31:22 | rsvd | addr 39:32 (PSE-36) | PAT | ign   | G | PS | D | A | PCD | PWT | U/S | R/W | P   PDE, 4 MiB
 *   address of page table or 4 KiB frame (31..12)    | ign   | G | PAT/PS | D | A | ...              PTE, PDE
 *
 * A 4 MiB PDE (CR4.PSE = 1 and PS = 1) gives physical bits M'-1..32 in bits 13.. (PSE-36), where
 * M' = min(MAXPHYADDR, 40); bit 21 and bits 20..(13 + M' - 32) are reserved.
 */
export const PAGING32 = {
  /** bits 31..22 select a PDE */
  PDE_SHIFT: 22,
  /** bits 21..12 select a PTE */
  PTE_SHIFT: 12,
  /** ten index bits at each level */
  INDEX_MASK: 0x3ff,
  ENTRY_BYTES: 4,
  /** lowest PDE bit holding physical address bits 32 and up in a 4 MiB PDE (PSE-36) */
  PSE36_LOW_BIT: 13,
  /** PSE-36 reaches at most 40 physical address bits */
  PSE36_MAX_PHYSICAL_BITS: 40,
  /** always reserved in a 4 MiB PDE */
  LARGE_RESERVED_BIT: 21,
  /** CR3 bits 31..12 hold the page directory address */
  CR3_DIRECTORY_MASK: 0xfffff000,
} as const;

/** Control register and MSR bits the project models (SDM 2.5 and 2.2.1). */
export const CR0 = { PG_BIT: 31, WP_BIT: 16 } as const;
export const CR4 = { PSE_BIT: 4, PAE_BIT: 5, PGE_BIT: 7 } as const;
export const EFER = { NXE_BIT: 11 } as const;
/** CR3 under PAE: bits 31..5 hold the 32-byte-aligned PDPT address (SDM 4.4.1). */
export const PAE_CR3_PDPT_MASK = 0xffffffe0;

/** Page-fault error code (SDM 4.7, Figure 4-12). */
export const PF_ERROR = {
  /** 0: not-present page; 1: protection violation (or reserved bit) */
  P: 1 << 0,
  /** 1: the access was a write */
  WR: 1 << 1,
  /** 1: the access was a user-mode access */
  US: 1 << 2,
  /** 1: a reserved bit was set in some paging-structure entry */
  RSVD: 1 << 3,
  /** 1: instruction fetch, when CR4.PAE = 1 and EFER.NXE = 1 (or SMEP) */
  ID: 1 << 4,
} as const;

export const VECTOR_PAGE_FAULT = 14;
export const VECTOR_GENERAL_PROTECTION = 13;
