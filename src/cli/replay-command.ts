/**
 * `xlatcheck replay FINDING|DIR...`: re-runs each saved finding's case on a machine (--machine, default the
 * one the finding records) and says, for each, reproduced, not reproduced or inconclusive. Exit 1 when any reproduced
 * (the bug is still there), 0 when none did.
 */
import { resolve } from 'node:path';
import { DEFAULT_CASE_TIMEOUT_MS } from '../campaign/campaign-options.ts';
import { normalizeSpec, resolveMachine } from '../campaign/machine-spec.ts';
import { UsageError } from '../config/run-config.ts';
import type { FindingMachine } from '../findings/finding.ts';
import { UNDECIDED } from '../machine/check.ts';
import { type ReplayResult, replayFinding } from '../findings/replay.ts';
import { findingsAt, type StoredFinding } from '../findings/store.ts';
import type { MachineUnderTest } from '../properties/family.ts';
import { findFamily } from '../properties/registry.ts';
import { flag, type OptionSpec, parseCommand, stringOption } from './args.ts';
import { EXIT, type Io } from './io.ts';

const OPTIONS: OptionSpec = { machine: { type: 'string' }, json: { type: 'boolean' } };

interface Verdict {
  readonly id: string;
  readonly file: string;
  readonly property: string;
  readonly bucket: string;
  readonly machine: string;
  readonly status: 'reproduced' | 'not-reproduced' | 'inconclusive' | 'timeout';
  readonly signature: string | null;
  readonly explanation: string | null;
}

function withTimeout(work: Promise<ReplayResult>, ms: number): Promise<ReplayResult | 'timeout'> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), ms)));
  return Promise.race([work, late]).finally(() => clearTimeout(timer));
}

async function replayOne(stored: StoredFinding, machine: MachineUnderTest, record: FindingMachine): Promise<Verdict> {
  const f = stored.finding;
  const family = findFamily(f.property);
  if (family === undefined) throw new UsageError(`${stored.file}: this xlatcheck has no property family ${JSON.stringify(f.property)}`);
  if (!family.applies(machine)) throw new UsageError(`${stored.file}: property family ${f.property} does not apply to machine ${machine.name}`);
  const head = { id: stored.id, file: stored.file, property: f.property, bucket: f.bucket, machine: record.spec };
  const r = await withTimeout(replayFinding(stored, family, machine, record), DEFAULT_CASE_TIMEOUT_MS);
  if (r === 'timeout') return { ...head, status: 'timeout', signature: null, explanation: `no answer within ${DEFAULT_CASE_TIMEOUT_MS} ms` };
  return { ...head, status: r.outcome, signature: r.divergence?.signature ?? null, explanation: r.divergence?.explanation ?? null };
}

const STATUS_TEXT: Record<Verdict['status'], string> = {
  reproduced: 'reproduced',
  'not-reproduced': 'not reproduced',
  // Not a fix: past the bound of followed states a mismatch is neither a pass nor a finding.
  inconclusive: `inconclusive (${UNDECIDED})`,
  timeout: 'reproduced (timed out)',
};

function describe(v: Verdict): string {
  const status = STATUS_TEXT[v.status];
  const lines = [`${v.id}  ${status}  on ${v.machine}  ${v.bucket}`];
  if (v.status === 'reproduced' && v.explanation !== null) lines.push(...v.explanation.split('\n').map((l) => `    ${l}`));
  return lines.join('\n') + '\n';
}

export async function replayCommand(args: readonly string[], io: Io): Promise<number> {
  const p = parseCommand('replay', args, OPTIONS, true);
  if (p.positionals.length === 0) throw new UsageError('replay needs a finding file or a folder of findings');
  const findings = p.positionals.flatMap((path) => findingsAt(resolve(io.cwd, path)));
  if (findings.length === 0) throw new UsageError(`no finding files in ${p.positionals.join(', ')}`);
  const override = stringOption(p, 'machine');
  const machines = new Map<string, { machine: MachineUnderTest; record: FindingMachine }>();
  const verdicts: Verdict[] = [];
  for (const stored of findings) {
    const spec = override ?? stored.finding.machine.spec;
    if (!machines.has(spec)) {
      const machine = await resolveMachine(spec, io.cwd);
      machines.set(spec, { machine, record: { spec: normalizeSpec(spec, io.cwd), name: machine.name } });
    }
    const m = machines.get(spec) as { machine: MachineUnderTest; record: FindingMachine };
    const v = await replayOne(stored, m.machine, m.record);
    verdicts.push(v);
    if (!flag(p, 'json')) io.out(describe(v));
  }
  const reproduced = verdicts.filter((v) => v.status === 'reproduced' || v.status === 'timeout').length;
  const inconclusive = verdicts.filter((v) => v.status === 'inconclusive').length;
  if (flag(p, 'json')) io.out(JSON.stringify({ reproduced, inconclusive, total: verdicts.length, findings: verdicts }, null, 2) + '\n');
  else io.out(`${reproduced} of ${verdicts.length} finding(s) reproduced${inconclusive > 0 ? `, ${inconclusive} inconclusive` : ''}\n`);
  return reproduced > 0 ? EXIT.found : EXIT.ok;
}
