/**
 * Steps that change translation state rather than access memory through it: MOV to CR0/CR3/CR4,
 * INVLPG and physical writes. Each has exactly one outcome; the invalidations follow SDM 4.10.4.1.
 */
import { CR0, CR4, PAGE_4K } from '../arch/entry-layout.ts';
import { bigIntFromHex } from '../arch/word.ts';
import type { InvlpgStep, MapStage2Step, MovCrStep, Registers, WritePhysStep } from '../machine/trace.ts';
import type { Invalidation } from './invalidation.ts';
import { controlEffects, type Effects, NO_EFFECTS, type Outcome, type OutcomeTags } from './outcome.ts';
import { bitOf, loadPdptes, pagingContext, pagingEnabled, type SpecState } from './state.ts';
import { knownWalk } from './walk-memo.ts';

function tags(s: SpecState, fault: OutcomeTags['fault'] = 'none'): OutcomeTags {
  return { pageSize: 'none', tlb: 'none', fault, space: pagingEnabled(s.registers) ? 'paged' : 'direct', access: 'control' };
}

function done(s: SpecState, effects: Effects): Outcome {
  return { observation: { kind: 'done' }, effects, reads: [], walks: [], tags: tags(s) };
}

function generalProtection(s: SpecState): Outcome {
  return { observation: { kind: 'general-protection' }, effects: NO_EFFECTS, reads: [], walks: [], tags: tags(s, 'general-protection') };
}

/**
 * A register write that may load the PDPTE registers (SDM 4.4.1). If a present PDPTE sets a reserved
 * bit the MOV raises #GP(0) and changes nothing.
 */
function movWithPdpteLoad(s: SpecState, registers: Registers, loads: boolean, invalidations: Invalidation[]): Outcome {
  if (!loads) return done(s, controlEffects({ registers, invalidations }));
  const loaded = loadPdptes(s.memory, s.stage2, registers.cr3, s.maxPhyAddr);
  if (loaded === null) return generalProtection(s);
  return done(s, controlEffects({ registers, invalidations, pdptes: loaded }));
}

function paePaging(r: Registers): boolean {
  return pagingEnabled(r) && bitOf(r.cr4, CR4.PAE_BIT);
}

export function movCrOutcome(s: SpecState, step: MovCrStep): Outcome {
  const old = s.registers;
  const value = step.value >>> 0;
  switch (step.op) {
    case 'mov-cr3': {
      // MOV to CR3 invalidates every non-global translation (SDM 4.10.4.1) and, with PAE paging on,
      // loads the PDPTE registers (SDM 4.4.1).
      const next = { cr0: old.cr0, cr3: value, cr4: old.cr4, efer: old.efer };
      return movWithPdpteLoad(s, next, paePaging(next), [{ kind: 'non-global' }]);
    }
    case 'mov-cr0': {
      const next = { cr0: value, cr3: old.cr3, cr4: old.cr4, efer: old.efer };
      const pgChanged = bitOf(old.cr0, CR0.PG_BIT) !== bitOf(value, CR0.PG_BIT);
      // Changing PG invalidates everything, global entries included (SDM 4.10.4.1); a change of WP alone
      // invalidates nothing, since the TLB caches R/W, not the decision (SDM 4.10.2.2).
      return movWithPdpteLoad(s, next, pgChanged && paePaging(next), pgChanged ? [{ kind: 'all' }] : []);
    }
    case 'mov-cr4': {
      const next = { cr0: old.cr0, cr3: old.cr3, cr4: value, efer: old.efer };
      const relevant = (1 << CR4.PGE_BIT) | (1 << CR4.PAE_BIT) | (1 << CR4.PSE_BIT);
      const changed = ((old.cr4 ^ value) & relevant) !== 0;
      // Changing PGE or PAE invalidates everything (SDM 4.10.4.1) and reloads the PDPTEs (SDM 4.4.1).
      return movWithPdpteLoad(s, next, changed && paePaging(next), changed ? [{ kind: 'all' }] : []);
    }
  }
}

/**
 * INVLPG invalidates the translations of the page containing va, of any size; if the current structures
 * map va with a 2 or 4 MiB page, it invalidates every TLB entry within that page (SDM 4.10.4.1).
 */
export function invlpgOutcome(s: SpecState, step: InvlpgStep): Outcome {
  const invalidations: Invalidation[] = [{ kind: 'page', va: step.va >>> 0 }];
  const ctx = pagingContext(s);
  if (ctx !== null) {
    const current = knownWalk(s.structures.walks, s.memory, ctx, step.va >>> 0).result;
    if (current.kind === 'translation' && current.pageSize > PAGE_4K)
      invalidations.push({ kind: 'region', base: current.pageBase, size: current.pageSize });
  }
  return done(s, controlEffects({ invalidations }));
}

/** A physical write changes memory only; it invalidates nothing, so stale translations may remain. */
export function writePhysOutcome(s: SpecState, step: WritePhysStep): Outcome {
  const value = bigIntFromHex(step.value);
  const pas = Array.from({ length: 8 }, (_, i) => step.pa + i);
  const bytes = pas.map((_, i) => Number((value >> BigInt(8 * i)) & 0xffn));
  return done(s, controlEffects({ writes: { pas, bytes } }));
}

/** A second-stage change takes effect at once and invalidates every cached translation (trace.ts). */
export function mapStage2Outcome(s: SpecState, step: MapStage2Step): Outcome {
  return done(s, controlEffects({ stage2: { ipa: step.ipa, pa: step.pa }, invalidations: [{ kind: 'all' }] }));
}
