/**
 * The kinds of change the adapter makes to a trace so that QEMU can run it, each with what it costs: most
 * keep every observation the specification predicts; a few lose a check, and say which.
 */
export const ADAPTATION_KINDS = {
  'maxphyaddr-lowered': 'MAXPHYADDR lowered to 36 (the emulated CPU); entries keep every reserved bit they had',
  'region-relocated': '2 MiB physical regions moved into guest RAM (offsets kept; low 32 address bits kept where possible)',
  'control-bits-cleared': 'CR4 or EFER bits the specification does not model were cleared',
  'steps-truncated': 'steps beyond what one QEMU run holds were cut off',
  'window-mapped': 'the guest window was mapped into the trace\'s page tables (no observation changes)',
  'window-pdpte-added': 'a not-present PDPTE at the window\'s index points to a directory of the window (faults stay not-present)',
  'window-pdpte-replaced': 'a PDPTE with reserved bits at the window\'s index was replaced: its #GP is not checked',
  'window-directory-lowered': 'a page directory holding the window moved below 4 GiB, where QEMU 7.2 can walk it (qemu-high-tables)',
  'window-mapping-evicted': 'the trace\'s own mapping of the window\'s slot was replaced (no window was free)',
  'window-step-dropped': 'accesses to the guest window\'s linear slot were dropped',
  'direct-access-moved': 'accesses with paging off moved with the region they address',
  'direct-access-dropped': 'accesses with paging off straddling two regions that moved apart were dropped',
  'pae-switch-dropped': 'a MOV to CR4 setting PAE in a 32-bit paging trace was dropped (QEMU checks no PDPTEs and would lose the guest window)',
  'entry-data-rewritten': 'a word that is both a paging entry and data of a mapped frame (a 4 MiB PDE read as a page-table pointer names a page of its own frame) had its address bits moved: data reads of it change',
  'pse-off-table-moved': 'a 4 MiB PDE also read with CR4.PSE = 0 names, as a page table, another page of its table\'s block (its frame\'s PSE-36 bits changed)',
} as const;

export type AdaptationKind = keyof typeof ADAPTATION_KINDS;

export class AdaptationCounts {
  private readonly counts = new Map<AdaptationKind, number>();

  add(kind: AdaptationKind, n = 1): void {
    if (n > 0) this.counts.set(kind, (this.counts.get(kind) ?? 0) + n);
  }

  get empty(): boolean {
    return this.counts.size === 0;
  }

  toRecord(): Record<string, number> {
    return Object.fromEntries([...this.counts.entries()].sort(([a], [b]) => a.localeCompare(b)));
  }
}
