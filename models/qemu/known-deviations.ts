/**
 * The known disagreements between QEMU 7.2 (TCG, qemu-system-i386) and the walk-level specification, each
 * with the Intel SDM rule at stake, which side departs from it, how to recognise it in a divergence
 * (deviation-signatures.ts), and a shrunk adapted trace that shows it (deviations/<id>.json). Campaigns
 * bucket matching divergences apart, so that these do not drown new findings;
 * properties/qemu-deviations.test.ts replays every example on QEMU (it must still deviate) and on the
 * reference machine (it must agree with the specification), so the list stays true.
 *
 * Where QEMU departs from the SDM, the specification stays as it is: it is the authority.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Divergence, MemoryDifference } from '../../src/machine/check.ts';
import type { Trace } from '../../src/machine/trace.ts';
import { validateTrace } from '../../src/machine/trace-validation.ts';
import {
  dirtyWithoutWriteWord,
  highStructureWord,
  invlpgElsewhereInLargePage,
  invlpgElsewhereWord,
  movWithoutPdpteCheck,
  pdpteAccessedWord,
  pdpteRegisterStale,
  pse36BeyondMaxPhyAddr,
  pse36BeyondMaxPhyAddrWord,
  readsHighStructure,
  reservedFaultWithoutP,
  staleAfterFault,
  storeAfterStaleFaultWord,
  TraceFacts,
} from './deviation-signatures.ts';

/** Which side departs from the SDM: QEMU, the specification (stricter than the SDM), or unclear. */
export type Departure = 'qemu' | 'specification' | 'unclear';

export interface KnownDeviation {
  readonly id: string;
  readonly title: string;
  /** The SDM rule at stake (Intel SDM Vol. 3A). */
  readonly rule: string;
  readonly departs: Departure;
  /** What QEMU does instead, and why. */
  readonly qemu: string;
  /** Recognises a diverging step; null when the deviation shows in final memory only. */
  readonly step: ((d: Divergence, facts: TraceFacts) => boolean) | null;
  /** Recognises a final-memory word; null when the deviation shows in steps only. */
  readonly word: ((m: MemoryDifference, facts: TraceFacts) => boolean) | null;
  /** Recognises QEMU's own last words in a machine error (QEMU aborted); null for deviations in results. */
  readonly crash: RegExp | null;
}

/** Most specific first: a divergence is bucketed under the first deviation that matches it. */
export const KNOWN_QEMU_DEVIATIONS: readonly KnownDeviation[] = [
  {
    id: 'qemu-high-tables',
    title: 'page directories and page tables above 4 GiB are read at their address modulo 4 GiB',
    rule: 'SDM 4.4.2, Tables 4-8 and 4-10: a PDPTE holds the physical address of its page directory, and a PDE the address of its page table, in bits MAXPHYADDR-1:12 (35:12 here)',
    departs: 'qemu',
    qemu:
      'qemu-system-i386 7.2 computes the address of a paging-structure entry in target-address width (32 bits on this target), so a walk through a directory or table above 4 GiB reads, and sets accessed flags in, the entry at that address modulo 4 GiB. Frames above 4 GiB are reached correctly; later QEMU releases compute these addresses in 64 bits.',
    step: (d) => readsHighStructure(d),
    word: (m, facts) => highStructureWord(m, facts),
    crash: null,
  },
  {
    id: 'qemu-pse36-beyond-maxphyaddr',
    title: 'a 4 MiB PDE with PSE-36 address bits beyond MAXPHYADDR maps a page instead of faulting',
    rule: 'SDM 4.3, Table 4-4: in a PDE that maps a 4 MiB page (32-bit paging, CR4.PSE = 1), bits 20:(M-19) are reserved (must be 0), M = min(MAXPHYADDR, 40): bits 20:17 at MAXPHYADDR 36; SDM 4.7: a reserved bit set in a paging-structure entry makes the access a page fault with RSVD = 1',
    departs: 'qemu',
    qemu:
      "QEMU 7.2's walker checks only bit 21 of a 4 MiB PDE under 32-bit paging (its reserved mask there is 0x200000, not the MAXPHYADDR mask it applies to every other entry), so PDE bits 20:17 are taken as physical address bits 39:36: the access goes on, with the rights of the PDE, to an address beyond the emulated CPU's 36-bit physical space, which reads as 0 and drops writes.",
    step: (d, facts) => pse36BeyondMaxPhyAddr(d, facts),
    word: (m, facts) => pse36BeyondMaxPhyAddrWord(m, facts),
    crash: null,
  },
  {
    id: 'qemu-no-pdpte-check',
    title: 'MOV to CR3 (or to CR0 or CR4) with a bad PDPTE completes instead of raising #GP',
    rule: 'SDM 4.4.1: with PAE paging, a MOV to CR3 (and a MOV to CR0 or CR4 that enables or changes paging) loads the four PDPTEs into the PDPTE registers, and raises #GP(0) if one is present with a reserved bit set',
    departs: 'qemu',
    qemu: 'QEMU has no PDPTE registers: a MOV to a control register never looks at the PDPTEs; a bad PDPTE shows only later, as a reserved-bit #PF of an access through it.',
    step: (d) => movWithoutPdpteCheck(d),
    word: null,
    crash: null,
  },
  {
    id: 'qemu-pdpte-from-memory',
    title: 'a PDPTE edited in memory takes effect without a MOV to CR3',
    rule: 'SDM 4.4.1: PAE paging translates through the PDPTE registers, loaded only by MOV to CR3 (or a MOV to CR0/CR4 that loads them); a later write to the PDPT in memory is not used until the next such MOV',
    departs: 'qemu',
    qemu: 'QEMU reads the PDPTE from memory at every page walk ("XXX: load them when cr3 is loaded?" in its walker), so an edit of the PDPT is visible at the next TLB miss.',
    step: (d, facts) => pdpteRegisterStale(d, facts),
    word: null,
    crash: null,
  },
  {
    id: 'qemu-reserved-fault-without-p',
    title: 'a reserved-bit page fault reports P = 0 in its error code',
    rule: 'SDM 4.7 (Figure 4-12): RSVD = 1 means a reserved bit was set in a present entry; "bit 3 of the error code can be set only if bit 0 is also set"',
    departs: 'qemu',
    qemu: 'QEMU 7.2 builds the error code of a reserved-bit fault from the RSVD flag alone and never adds P.',
    step: (d) => reservedFaultWithoutP(d),
    word: null,
    crash: null,
  },
  {
    id: 'qemu-fault-keeps-stale-entry',
    title: 'a page fault does not invalidate the stale TLB entry of the faulting page',
    rule: 'SDM 4.10.4.1: "a page-fault exception resulting from an attempt to use a linear address will invalidate any TLB entries that are for a page number corresponding to that linear address"',
    departs: 'qemu',
    qemu: 'QEMU raises the fault from a fresh walk made for the access type or privilege its TLB entry lacked (a store through an entry filled for loads, a user access through a supervisor entry) and leaves the entry in place, so a later access of the other kind still uses the stale translation; a store made that way puts its bytes in the stale frame, which shows in any later load of the page or in final memory.',
    step: (d, facts) => staleAfterFault(d, facts),
    word: (m, facts) => storeAfterStaleFaultWord(m, facts),
    crash: null,
  },
  {
    id: 'qemu-invlpg-inside-large-page',
    title: 'INVLPG of one 4 KiB page inside a 2 MiB (or 4 MiB) page leaves a 4 KiB translation of another of its pages',
    rule: 'SDM 4.10.4.1, INVLPG, footnote: if the paging structures map the linear address with a page larger than 4 KiB and there are several TLB entries for that page, all of them are invalidated',
    departs: 'specification',
    qemu:
      'QEMU invalidates the 4 KiB page INVLPG names (and everything, when the address falls in a large page it filled from). A 4 KiB translation cached before the directory entry became a 2 MiB page (a 4 MiB page under 32-bit paging) survives. The specification counts it among the entries "for that page"; the SDM ties the footnote to entries for the large page, so this reading is stricter than the SDM requires.',
    step: (d, facts) => invlpgElsewhereInLargePage(d, facts),
    word: (m, facts) => invlpgElsewhereWord(m, facts),
    crash: null,
  },
  {
    id: 'qemu-dirty-on-faulting-store',
    title: 'a store straddling two pages that faults on the second sets the dirty flag of the first',
    rule: 'SDM 4.8: the processor sets the dirty flag when there is a write to a linear address; a store that faults writes nothing (the specification expects no dirty flag)',
    departs: 'unclear',
    qemu: 'QEMU translates the first page for writing (setting its accessed and dirty flags) before it translates the second, and does not undo it when the second faults. The SDM does not say whether a processor may do the same.',
    step: null,
    word: (m, facts) => dirtyWithoutWriteWord(m, facts),
    crash: null,
  },
  {
    id: 'qemu-pdpte-accessed',
    title: 'QEMU sets bit 5 (an accessed flag) in PAE PDPTEs',
    rule: 'SDM 4.8, footnote: with PAE paging the PDPTEs are not used in linear-address translation, "the PDPTEs do not contain accessed flags with PAE paging"; Table 4-8: PDPTE bits 8:5 are reserved',
    departs: 'qemu',
    qemu: 'QEMU\'s walker reads the PDPTE like any other level and sets its bit 5 when it uses it; on real hardware the next MOV to CR3 would then raise #GP.',
    step: null,
    word: (m, facts) => pdpteAccessedWord(m, facts),
    crash: null,
  },
  {
    id: 'qemu-tcg-abort-at-4gib-wrap',
    title: 'single-stepping an instruction that ends at linear address 0xFFFFFFFF aborts QEMU',
    rule: 'SDM 3A, Single-Step Exception Condition (in the chapter on debug features): with EFLAGS.TF = 1 the processor raises a trap-class debug exception (#DB) after the instruction executes; here the instruction is the last byte of a flat 4 GiB code segment (SDM 1, 3.5: EIP holds the offset of the next instruction)',
    departs: 'qemu',
    qemu:
      "The guest probes a fetch by jumping, with EFLAGS.TF set, to a one-byte instruction of the fetched page (guest.asm, probe_piece). When that byte is the last of the linear space (0xFFFFFFFF), QEMU 7.2's translator aborts with the assertion `s->pc_save != -1' in gen_update_eip_cur (target/i386/tcg/translate.c) instead of delivering the #DB with EIP = 0, for AAA, NOP and CLC alike; the same instruction one byte lower runs. The boot dies with SIGABRT: a machine-error finding, the trace's other steps unobserved.",
    step: null,
    word: null,
    crash: /gen_update_eip_cur: Assertion `s->pc_save != -1' failed/,
  },
];

/** The known deviation a divergence of QEMU on `trace` (an adapted trace) shows, or null. */
export function knownDeviationOf(trace: Trace, divergence: Divergence): KnownDeviation | null {
  if (divergence.kind === 'machine-error') return KNOWN_QEMU_DEVIATIONS.find((k) => k.crash?.test(divergence.explanation) === true) ?? null;
  const facts = new TraceFacts(trace);
  if (divergence.kind === 'observation') return KNOWN_QEMU_DEVIATIONS.find((k) => k.step?.(divergence, facts) === true) ?? null;
  if (divergence.kind !== 'final-memory' || divergence.memory.length === 0) return null;
  const used = new Set<KnownDeviation>();
  for (const word of divergence.memory) {
    const k = KNOWN_QEMU_DEVIATIONS.find((candidate) => candidate.word?.(word, facts) === true);
    if (k === undefined) return null;
    used.add(k);
  }
  return KNOWN_QEMU_DEVIATIONS.find((k) => used.has(k)) ?? null;
}

const EXAMPLES = join(dirname(fileURLToPath(import.meta.url)), 'deviations');

/** The shrunk adapted trace that shows a deviation. */
export function deviationExample(id: string): Trace {
  return validateTrace(JSON.parse(readFileSync(join(EXAMPLES, `${id}.json`), 'utf8')));
}

/**
 * Further adapted traces that show a deviation in another shape than its example (found by campaigns
 * after the example was shrunk): deviations/<id>.more.json, an array; none when there is no such file.
 */
export function furtherExamples(id: string): Trace[] {
  const file = join(EXAMPLES, `${id}.more.json`);
  if (!existsSync(file)) return [];
  return (JSON.parse(readFileSync(file, 'utf8')) as unknown[]).map((t) => validateTrace(t));
}
