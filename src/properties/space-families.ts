/**
 * The space-level families: isolation, integrity, layout and switch. Each boots the system under test
 * (MachineUnderTest.system, a SpaceSystemFactory) on a fresh processor for every case, drives it, and
 * judges what it observes with the space-level specification (src/spec/space). A machine's misbehaviour
 * (a panic, an exception, a wrong rejection) is a divergence, never an exception of the check.
 *
 * Also exported: the reference system, the deliberately broken systems with the family meant to catch
 * each one, and `integrityCaseFacts`, the call kinds and preemptions of a case for coverage counting.
 */
import type fc from 'fast-check';
import {
  integrityCaseArbitrary,
  isolationCaseArbitrary,
  layoutCaseArbitrary,
  switchCaseArbitrary,
} from '../arbitraries/space/index.ts';
import { CR4, EFER } from '../arch/entry-layout.ts';
import type { Processor } from '../machine/processor.ts';
import {
  ABI,
  CALL_OPS,
  type Call,
  type CallOp,
  ControlRecorder,
  layoutRuleOf,
  type Program,
  regionUsesSmallPages,
  type RunReport,
  type SpaceSystem,
  type SpaceSystemFactory,
  stackBase,
  type SystemLayout,
} from '../machine/system.ts';
import {
  type IntegrityCase,
  integrityCaseFromJson,
  type IsolationCase,
  isolationCaseFromJson,
  type LayoutCase,
  layoutCaseFromJson,
  type SwitchCase,
  switchCaseFromJson,
  type SwitchOp,
} from '../spec/space/cases.ts';
import { FOUR_GIB, privateChunk, spaceCount } from '../spec/space/chunks.ts';
import { hex } from '../spec/space/format.ts';
import { compareStack, expectRun, type RunExpectation, resultName } from '../spec/space/integrity.ts';
import { isolationViolations, type SpaceReach } from '../spec/space/isolation.ts';
import { describeViolations, inodeCacheSpace, layoutViolations } from '../spec/space/layout-rules.ts';
import { mappingDifference, moduleDataViolation, reachTotalsViolation, tablesOutsideSpaceZero } from '../spec/space/layout-checks.ts';
import { AddressModel, PAGE_2M } from '../spec/space/mapping.ts';
import { probeAddress, probeLoad, probeStore, type ProbeTarget } from '../spec/space/probe.ts';
import { IDENTITY_REACH, walkSpace, type WalkedSpace } from '../spec/space/reach.ts';
import { formatCall, formatLayout, formatProgram } from '../spec/space/script.ts';
import {
  expectedCallTransitions,
  expectedSwitch,
  formatTransitions,
  observedTransitions,
  pagingOf,
  rootOf,
  sameTransitions,
  type Transition,
  type TranslationState,
} from '../spec/space/switching.ts';
import type { AnyFamily, CallTags, CoverageTag, Family, FamilyDivergence, MachineUnderTest, Verdict } from './family.ts';

// ---- shared -------------------------------------------------------------------------------------------------

export const SPACE_FAMILY_NAMES = ['isolation', 'integrity', 'layout', 'switch'] as const;
export type SpaceFamilyName = (typeof SPACE_FAMILY_NAMES)[number];

class Divergence extends Error {
  constructor(
    readonly kind: string,
    readonly explanation: string,
    readonly signature: string,
  ) {
    super(explanation);
  }
}

function diverge(kind: string, signature: string, explanation: string): never {
  throw new Divergence(kind, explanation, signature);
}

function factoryOf(machine: MachineUnderTest): SpaceSystemFactory {
  const s = machine.system as Partial<SpaceSystemFactory> | null;
  if (s === null || typeof s !== 'object' || typeof s.boot !== 'function') throw new Error(`machine ${machine.name} has no space-level system`);
  return s as SpaceSystemFactory;
}

function boot(factory: SpaceSystemFactory, layout: SystemLayout, threads: number, observe?: (cpu: Processor) => Processor): SpaceSystem {
  try {
    return factory.boot(observe === undefined ? { layout, threads } : { layout, threads, observe });
  } catch (error) {
    return diverge('rejected-valid-layout', 'boot: rejected a valid layout', `the system refused a valid layout: ${errorText(error)}`);
  }
}

function errorText(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

/** Runs a check body; a Divergence becomes the verdict, any other exception a machine-error divergence. */
async function verdictOf(body: () => readonly CoverageTag[] | void): Promise<Verdict> {
  try {
    return { divergence: null, tags: body() ?? [] };
  } catch (error) {
    const divergence: FamilyDivergence =
      error instanceof Divergence
        ? { kind: error.kind, explanation: error.explanation, signature: error.signature, details: null }
        : { kind: 'machine-error', explanation: `the system threw ${errorText(error)}`, signature: 'machine-error', details: null };
    return { divergence, tags: [] };
  }
}

function spaceFamily<C>(
  name: SpaceFamilyName,
  description: string,
  arbitrary: () => fc.Arbitrary<C>,
  check: (factory: SpaceSystemFactory, c: C) => readonly CoverageTag[] | void,
  format: (c: C) => string,
  fromJson: (json: unknown) => C,
): Family<C> {
  return {
    name,
    level: 'space',
    description,
    arbitrary,
    applies: (m) => m.system !== null,
    check: (machine, c) => verdictOf(() => check(factoryOf(machine), c)),
    format,
    toJson: (c) => JSON.parse(JSON.stringify(c)) as unknown,
    fromJson,
  };
}

/** Reads what translation follows in `space` once the system has switched there. */
function translationIn(system: SpaceSystem, space: number): { paging: boolean; pae: boolean; cr3: number } {
  system.switchTo(space);
  const cpu = system.cpu;
  return { paging: pagingOf(cpu.cr0), pae: ((cpu.cr4 >>> CR4.PAE_BIT) & 1) === 1, cr3: cpu.cr3 };
}

function nxeOf(cpu: Processor): boolean {
  return ((cpu.efer >>> EFER.NXE_BIT) & 1) === 1;
}

/** Each space's reach: the identity when paging is off, else the exhaustive walk of its page tables. */
function reachesOf(system: SpaceSystem): { reaches: SpaceReach[]; walks: (WalkedSpace | null)[] } {
  const reaches: SpaceReach[] = [];
  const walks: (WalkedSpace | null)[] = [];
  const cpu = system.cpu;
  for (let k = 0; k < spaceCount(system.layout); k++) {
    const t = translationIn(system, k);
    const walked = t.paging ? walkSpace((pa) => cpu.readPhys32(pa), t.cr3, cpu.maxPhyAddr, nxeOf(cpu)) : null;
    walks.push(walked);
    reaches.push({ space: k, paging: t.paging, runs: walked === null ? IDENTITY_REACH : walked.runs });
  }
  system.switchTo(0);
  return { reaches, walks };
}

// ---- isolation ------------------------------------------------------------------------------------------------

function windowOf(layout: SystemLayout, space: number): { va: number; size: number } {
  return space === 0 ? { va: layout.bufferCache.base, size: layout.bufferCache.size } : layout.spaces[space - 1]!.window;
}

/** The probes "module code in space k" makes at another module's data: its window, its truncated chunk. */
function attackProbes(layout: SystemLayout, victim: number, extra: readonly ProbeTarget[]): { va: number; protectedPa: number }[] {
  const chunk = privateChunk(layout, victim);
  const window = windowOf(layout, victim);
  const out: { va: number; protectedPa: number }[] = [];
  for (const offset of [0, window.size - 8]) out.push({ va: window.va + offset, protectedPa: chunk.base + offset });
  for (const offset of [0, chunk.size - 8]) out.push({ va: (chunk.base + offset) % FOUR_GIB, protectedPa: chunk.base + offset });
  for (const t of extra) {
    if (t.region !== 'window' && t.region !== 'chunk-low32') continue;
    if (t.space % spaceCount(layout) !== victim) continue;
    const va = probeAddress(layout, t);
    const offset = t.region === 'window' ? va - window.va : (t.slot * 8) % chunk.size;
    out.push({ va, protectedPa: chunk.base + offset });
  }
  return out;
}

function checkIsolation(factory: SpaceSystemFactory, c: IsolationCase): void {
  const system = boot(factory, c.layout, 1);
  const { reaches } = reachesOf(system);
  const violations = isolationViolations(c.layout, reaches);
  if (violations.length > 0) diverge('reach', `isolation: ${violations[0]!.includes('must be reached') ? 'a chunk reached from the wrong spaces' : 'a space reaches foreign memory'}`, violations.join('\n'));
  const model = new AddressModel(c.layout);
  const n = spaceCount(c.layout);
  for (let k = 0; k < n; k++) {
    system.switchTo(k);
    for (let victim = 0; victim < n; victim++) {
      if (victim === k) continue;
      for (const probe of attackProbes(c.layout, victim, c.probes)) {
        const wrong = probeLoad(system.cpu, model, k, probe.va) ?? probeStore(system.cpu, model, k, probe.va, probe.protectedPa);
        if (wrong !== null) {
          diverge('probe', `isolation: module of space ${k} touches space ${victim}'s chunk`, `module code of space ${k} aiming at space ${victim}'s private chunk: ${wrong}`);
        }
      }
    }
  }
}

// ---- integrity ------------------------------------------------------------------------------------------------

/** The call kinds of a case and its preemptions (by the specification's schedule) inside and outside calls. */
export interface CaseFacts {
  readonly callKinds: readonly CallOp[];
  readonly preemptionsOutsideCalls: number;
  readonly preemptionsInsideCalls: number;
}

/**
 * Facts for coverage counting (call kinds x preemption). Without a report they come from the
 * specification's schedule, where preemption happens only outside calls; with a run's report, the
 * preemptions are the ones the system made.
 */
export function integrityCaseFacts(c: IntegrityCase, report: RunReport | null = null): CaseFacts {
  const used = new Set(c.program.threads.flat().map((call) => call.op));
  const callKinds = CALL_OPS.filter((op) => used.has(op));
  if (report !== null) {
    const inside = report.preemptions.filter((p) => p.insideCall).length;
    return { callKinds, preemptionsInsideCalls: inside, preemptionsOutsideCalls: report.preemptions.length - inside };
  }
  const outside = expectRun(c.layout, c.program).schedule.preemptions.length;
  return { callKinds, preemptionsOutsideCalls: outside, preemptionsInsideCalls: 0 };
}

function formatExpectedOrder(program: Program, expectation: RunExpectation): string {
  const lines = ['the specification runs the calls in this order, each atomically (claim 7: no preemption inside a call):'];
  expectation.schedule.order.forEach(({ thread, index }, n) => {
    const call = program.threads[thread]![index]!;
    lines.push(`  ${n + 1}. t${thread}.${index} ${formatCall(call)} -> ${resultName(expectation.results[thread]![index]!)}`);
  });
  return lines.join('\n');
}

function formatPreemptions(report: RunReport): string {
  if (report.preemptions.length === 0) return 'the system preempted no thread';
  const list = report.preemptions.map((p) => `t${p.from} -> t${p.to}${p.insideCall ? ' INSIDE a call' : ''}`);
  return `the system preempted: ${list.join(', ')}`;
}

/** The spaces whose modules a program may run: the targets, and the spaces nested calls go to. */
function spacesRun(layout: SystemLayout, program: Program): number[] {
  const spaces = new Set<number>();
  for (const call of program.threads.flat()) {
    spaces.add(call.space);
    if (call.op === 'ic.fetch') spaces.add(0);
    const ic = inodeCacheSpace(layout);
    if (call.op === 'nc.stat' && ic !== null) spaces.add(ic);
  }
  return [...spaces].sort((a, b) => a - b);
}

/** Coverage of an integrity case: each call's kind, with whether the run preempted inside or between calls. */
function callTags(c: IntegrityCase, report: RunReport): CallTags[] {
  const facts = integrityCaseFacts(c, report);
  const preemption = facts.preemptionsInsideCalls > 0 ? 'inside-call' : facts.preemptionsOutsideCalls > 0 ? 'outside-call' : 'none';
  return c.program.threads.flat().map((call) => ({ call: call.op, preemption }));
}

function checkIntegrity(factory: SpaceSystemFactory, c: IntegrityCase): CallTags[] {
  const threads = Math.max(1, c.program.threads.length);
  const system = boot(factory, c.layout, threads);
  const cpu = system.cpu;
  const before = cpu.dumpMemory();
  const report = system.run(c.program);
  const expectation = expectRun(c.layout, c.program);
  const context = (): string => `${formatExpectedOrder(c.program, expectation)}\n${formatPreemptions(report)}`;
  if (report.panic !== null) diverge('panic', 'integrity: system panicked', `the system stopped: ${report.panic}\n${context()}`);
  for (let t = 0; t < c.program.threads.length; t++) {
    const mismatch = compareStack(c.layout, c.program, expectation, t, (pa) => cpu.readPhys32(pa));
    if (mismatch !== null) {
      const result = mismatch.word % ABI.FRAME_WORDS === ABI.RESULT_WORD;
      const kind = result ? 'wrong-result' : 'context-changed';
      diverge(kind, `integrity: ${result ? 'wrong result' : 'context changed outside the result slot'}`, `${mismatch.explanation}\n${context()}`);
    }
  }
  // The bytes that must not change: everything but common memory and the chunks of the modules run.
  const stray = moduleDataViolation(c.layout, before, cpu.dumpMemory(), spacesRun(c.layout, c.program), []);
  if (stray !== null) diverge('memory-changed', 'integrity: memory changed outside common memory and the modules run', `${stray}\n${context()}`);
  return callTags(c, report);
}

// ---- layout -------------------------------------------------------------------------------------------------

function checkRejection(factory: SpaceSystemFactory, c: LayoutCase, violations: ReturnType<typeof layoutViolations>): void {
  let error: unknown = null;
  try {
    factory.boot({ layout: c.layout, threads: c.threads });
  } catch (e) {
    error = e;
  }
  const rules = [...new Set(violations.map((v) => v.rule))].join(', ');
  if (error === null) diverge('accepted-invalid-layout', `layout: accepted an invalid layout (${rules})`, `the system booted a layout the specification rejects: ${describeViolations(violations)}`);
  const rule = layoutRuleOf(error);
  const message = error instanceof Error ? error.message : '';
  if (rule === null || message.length === 0 || message.includes('\n')) {
    diverge('unclear-rejection', 'layout: rejection without a rule', `an invalid layout (${rules}) must be rejected with a LayoutError and a one-line message, got ${errorText(error)}`);
  }
  if (!violations.some((v) => v.rule === rule)) {
    diverge('wrong-rejection', `layout: rejected for ${rule}, not ${rules}`, `the system rejected the layout for "${rule}" (${message}), but the layout breaks: ${describeViolations(violations)}`);
  }
}

/** Claims 4, 6, 9, 13: space 0 runs with paging off; the paged spaces with PAE paging. */
function checkTranslationModes(system: SpaceSystem): void {
  for (let k = 0; k < spaceCount(system.layout); k++) {
    const t = translationIn(system, k);
    if (k === 0 && t.paging) diverge('translation-mode', 'layout: space 0 is paged', 'space 0 must be directly mapped: paging off (CR0.PG = 0) while translation follows it');
    if (k > 0 && (!t.paging || !t.pae)) diverge('translation-mode', 'layout: paged space without PAE paging', `space ${k} must run with PAE paging on (CR0.PG = 1, CR4.PAE = 1)`);
  }
  system.switchTo(0);
}

/** Probes of the common chunk, stacks, mailbox and BIOS chunk from every space, and of space 0's identity. */
function checkSharedChunks(system: SpaceSystem, threads: number): void {
  const layout = system.layout;
  const model = new AddressModel(layout);
  const shared = [ABI.MAILBOX_VA, ...Array.from({ length: threads }, (_, t) => stackBase(layout, t)), layout.common.size - 8, FOUR_GIB - layout.bios.size, FOUR_GIB - 8];
  const identity = [layout.bufferCache.base, layout.pageTables.base, FOUR_GIB / 2];
  for (let k = 0; k < spaceCount(layout); k++) {
    system.switchTo(k);
    for (const va of k === 0 ? [...shared, ...identity] : shared) {
      const wrong = probeLoad(system.cpu, model, k, va);
      if (wrong !== null) diverge('shared-chunk', `layout: space ${k} does not see ${va < layout.common.size ? 'common memory' : va >= FOUR_GIB - layout.bios.size ? 'the BIOS chunk' : 'its identity'}`, wrong);
    }
  }
  system.switchTo(0);
}

/** One storing call per module: their data must land in their own chunks, nothing else may change. */
function checkModuleData(system: SpaceSystem): void {
  const layout = system.layout;
  const calls: Call[] = [{ op: 'bc.write', space: 0, block: 1, value: 0x1234 }];
  layout.spaces.forEach((s, i) => {
    const space = i + 1;
    if (s.module === 'inode-cache') calls.push({ op: 'ic.set', space, ino: 2, size: 0x5678 });
    if (s.module === 'name-cache') calls.push({ op: 'nc.enter', space, dir: 1, name: 'etc', ino: 2 });
    if (s.module === 'snapshot') calls.push({ op: 'snap.write', space, block: 3, value: 0x9abc });
  });
  const before = system.cpu.dumpMemory();
  const report = system.run({ threads: [calls], schedule: [] });
  if (report.panic !== null) diverge('panic', 'layout: system panicked', `one storing call per module stopped the system: ${report.panic}`);
  const spaces = calls.map((c) => c.space);
  const wrong = moduleDataViolation(layout, before, system.cpu.dumpMemory(), spaces, spaces);
  if (wrong !== null) diverge('module-data', 'layout: module data outside its chunk', wrong);
}

function checkLayout(factory: SpaceSystemFactory, c: LayoutCase): void {
  const violations = layoutViolations(c.layout, c.threads);
  if (violations.length > 0) return checkRejection(factory, c, violations);
  const system = boot(factory, c.layout, c.threads);
  checkTranslationModes(system);
  const { reaches, walks } = reachesOf(system);
  walks.forEach((walked, k) => {
    if (walked === null) return;
    const wrong = mappingDifference(c.layout, k, walked) ?? tablesOutsideSpaceZero(c.layout, k, walked);
    const tables = wrong?.includes('page-table region') === true;
    if (wrong !== null) diverge(tables ? 'tables' : 'mapping', `layout: space ${k} ${tables ? 'tables outside space 0' : 'maps the wrong chunks'}`, wrong);
  });
  const totals = reachTotalsViolation(reaches);
  if (totals !== null) diverge('reach-total', 'layout: physical reach', totals);
  checkSharedChunks(system, c.threads);
  checkModuleData(system);
}

// ---- switch -------------------------------------------------------------------------------------------------

interface SwitchState {
  readonly system: SpaceSystem;
  readonly recorder: ControlRecorder;
  readonly model: AddressModel;
  readonly roots: Map<number, number>;
  current: number;
}

function stateOf(cpu: Processor): TranslationState {
  return { paging: pagingOf(cpu.cr0), cr3: cpu.cr3 };
}

function requireTransitions(s: SwitchState, what: string, allowed: readonly Transition[][], start: TranslationState): void {
  const observed = observedTransitions(s.recorder.log, start, s.roots);
  if (observed.refused !== null) diverge('refused-move', `switch: ${what}: control-register move refused`, `${what}: MOV to ${observed.refused.reg} ${hex(observed.refused.value)} raised #GP`);
  if (allowed.some((a) => sameTransitions(a, observed.transitions))) return;
  diverge(
    'transitions',
    `switch: ${what}: ${formatTransitions(observed.transitions)}`,
    `${what} must switch translation by ${allowed.map(formatTransitions).join(' or by ')} (claims 6, 16: paging on to enter a paged space, off to return; CR3 between paged spaces), but it did ${formatTransitions(observed.transitions)}`,
  );
}

/** Claim 6: in a paged space CR3 holds that space's root; in space 0 paging is off. */
function requireState(s: SwitchState, space: number): void {
  const cpu = s.system.cpu;
  const paging = pagingOf(cpu.cr0);
  const root = s.roots.get(rootOf(cpu.cr3));
  if (space === 0 ? paging : !paging || root !== space) {
    diverge('state', `switch: wrong state in space ${space}`, `in space ${space}: CR0.PG = ${paging ? 1 : 0}, CR3 ${hex(cpu.cr3)} (the root of ${root === undefined ? 'no space' : `space ${root}`})`);
  }
}

/** After every switch: no translation of the space left behind survives (claims 6, 16 and SDM 4.10.4.1). */
function probeLeftovers(s: SwitchState): void {
  const layout = s.system.layout;
  const vas = [0, FOUR_GIB - 8, ...layout.spaces.flatMap((sp) => [sp.window.va, sp.window.va + sp.window.size - 8])];
  for (const va of vas) {
    const wrong = probeLoad(s.system.cpu, s.model, s.current, va);
    if (wrong !== null) diverge('stale-translation', `switch: stale translation after entering space ${s.current}`, wrong);
  }
}

function enter(s: SwitchState, space: number): void {
  const start = stateOf(s.system.cpu);
  s.recorder.clear();
  s.system.switchTo(space);
  requireTransitions(s, `switching from space ${s.current} to space ${space}`, [expectedSwitch(s.current, space)], start);
  s.current = space;
  requireState(s, space);
  probeLeftovers(s);
}

/** The 2 MiB pages of the current space's window, and its chunk's 2 MiB frames. */
function remapTargets(layout: SystemLayout, space: number): { pages: number[]; frames: number[] } {
  if (space === 0) return { pages: [], frames: [] };
  const sp = layout.spaces[space - 1]!;
  const pages: number[] = [];
  for (let r = 0; r * PAGE_2M < sp.window.size; r++) if (!regionUsesSmallPages(sp.pages, r)) pages.push(sp.window.va + r * PAGE_2M);
  const frames = Array.from({ length: Math.floor(sp.chunk.size / PAGE_2M) }, (_, i) => sp.chunk.base + i * PAGE_2M);
  return { pages, frames };
}

/** Where in a remapped 2 MiB page the probes look: an offset inside neither its first nor its last 4 KiB. */
const REMAP_PROBE_OFFSET = 0x1238;

function remap(s: SwitchState, page: number, frame: number): void {
  const { pages, frames } = remapTargets(s.system.layout, s.current);
  if (pages.length === 0 || frames.length === 0) return;
  const va = pages[page % pages.length]! + REMAP_PROBE_OFFSET;
  const pa = frames[frame % frames.length]!;
  const warm = probeLoad(s.system.cpu, s.model, s.current, va);
  if (warm !== null) diverge('probe', 'switch: window page before remap', warm);
  s.system.remapLargePage(s.current, va, pa);
  s.model.remap(s.current, va, pa);
  const wrong = probeLoad(s.system.cpu, s.model, s.current, va);
  if (wrong !== null) {
    diverge('stale-translation', 'switch: stale 2 MiB translation after a remap', `after the kernel remapped the 2 MiB page at ${hex(va - REMAP_PROBE_OFFSET)} of space ${s.current} to ${hex(pa)}: ${wrong}`);
  }
}

function call(s: SwitchState, c: Call): void {
  const layout = s.system.layout;
  const start = stateOf(s.system.cpu);
  const back = expectedSwitch(s.current, 0);
  const nested = c.op === 'ic.fetch' ? 0 : c.op === 'nc.stat' ? inodeCacheSpace(layout) : null;
  // Whether the module calls on depends on its state, which remaps may have scrambled: both are allowed.
  const allowed = [[...back, ...expectedCallTransitions(c.space, [])]];
  if (nested !== null) allowed.push([...back, ...expectedCallTransitions(c.space, [nested])]);
  s.recorder.clear();
  const report = s.system.run({ threads: [[c]], schedule: [] });
  if (report.panic !== null) diverge('panic', 'switch: system panicked', `${formatCall(c)} stopped the system: ${report.panic}`);
  requireTransitions(s, `the call ${formatCall(c)}`, allowed, start);
  s.current = 0;
  requireState(s, 0);
}

function runSwitchOp(s: SwitchState, op: SwitchOp): void {
  switch (op.op) {
    case 'enter':
      return enter(s, op.space);
    case 'probe': {
      const wrong = probeLoad(s.system.cpu, s.model, s.current, probeAddress(s.system.layout, op.target));
      if (wrong !== null) diverge('probe', `switch: probe in space ${s.current}`, wrong);
      return;
    }
    case 'remap':
      return remap(s, op.page, op.frame);
    case 'call':
      return call(s, op.call);
  }
}

function checkSwitch(factory: SpaceSystemFactory, c: SwitchCase): void {
  let recorder: ControlRecorder | null = null;
  const system = boot(factory, c.layout, 1, (cpu) => (recorder = new ControlRecorder(cpu)));
  if (recorder === null) throw new Error('the system did not run on the observed processor');
  const s: SwitchState = { system, recorder, model: new AddressModel(c.layout), roots: new Map(), current: 0 };
  if (system.currentSpace !== 0 || pagingOf(system.cpu.cr0)) diverge('state', 'switch: boot leaves paging on', 'after boot the system must be in space 0 with paging off');
  for (let k = 1; k < spaceCount(c.layout); k++) {
    system.switchTo(k);
    const root = rootOf(system.cpu.cr3);
    if (s.roots.has(root)) diverge('state', 'switch: two spaces share a root', `spaces ${s.roots.get(root)} and ${k} share the PDPT at ${hex(root)}`);
    s.roots.set(root, k);
  }
  system.switchTo(0);
  c.ops.forEach((op, i) => {
    try {
      runSwitchOp(s, op);
    } catch (error) {
      if (error instanceof Divergence) throw new Divergence(error.kind, `step ${i + 1} (${formatSwitchOp(op)}): ${error.explanation}`, error.signature);
      throw error;
    }
  });
}

function formatSwitchOp(op: SwitchOp): string {
  switch (op.op) {
    case 'enter':
      return `enter(${op.space})`;
    case 'probe':
      return `probe(${op.target.region}, space=${op.target.space}, slot=${op.target.slot})`;
    case 'remap':
      return `remap(page=${op.page}, frame=${op.frame})`;
    case 'call':
      return `call(${formatCall(op.call)})`;
  }
}

// ---- the families --------------------------------------------------------------------------------------------

export const isolationFamily: Family<IsolationCase> = spaceFamily(
  'isolation',
  'every space reaches only common, BIOS and its own private chunk (exhaustive walk); module code cannot touch another chunk',
  isolationCaseArbitrary,
  checkIsolation,
  (c) => `${formatLayout(c.layout)}\nextra probes: ${c.probes.map((p) => `${p.region}(space=${p.space}, slot=${p.slot})`).join(', ') || '(none)'}`,
  isolationCaseFromJson,
);

export const integrityFamily: Family<IntegrityCase> = spaceFamily(
  'integrity',
  'calls from several threads with preemption return the specification results; contexts change only in their result slots',
  integrityCaseArbitrary,
  checkIntegrity,
  (c) => `${formatLayout(c.layout, c.program.threads.length)}\n${formatProgram(c.program)}`,
  integrityCaseFromJson,
);

export const layoutFamily: Family<LayoutCase> = spaceFamily(
  'layout',
  'the structure of the claims: common chunk, stacks, BIOS at the top, space 0 direct, page tables in space 0, reach beyond 4 GiB',
  layoutCaseArbitrary,
  checkLayout,
  (c) => `${formatLayout(c.layout, c.threads)}\ndefect: ${c.defect ?? '(none: a valid layout)'}`,
  layoutCaseFromJson,
);

export const switchFamily: Family<SwitchCase> = spaceFamily(
  'switch',
  'paging on to enter a paged space, off to return, CR3 between paged spaces; no stale translation left behind',
  switchCaseArbitrary,
  checkSwitch,
  (c) => `${formatLayout(c.layout)}\n${c.ops.map((op, i) => `${i + 1}. ${formatSwitchOp(op)}`).join('\n')}`,
  switchCaseFromJson,
);

export const spaceFamilies: readonly AnyFamily[] = [isolationFamily, integrityFamily, layoutFamily, switchFamily];
