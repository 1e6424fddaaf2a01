/**
 * QEMU as a process: a boot that hangs, triple-faults or exits oddly becomes a machine-error divergence
 * with its reason (never a harness crash); traces QEMU cannot run as they are get a machine error naming
 * the adapter; no RAM file is ever left behind, and no QEMU outlives an interrupted xlatcheck.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { QemuMachine, qemuUnavailableReason } from '../models/qemu/index.ts';
import { RAM_FILE_PREFIX, ramDirectory } from '../models/qemu/ram-file.ts';
import { familyTraceArbitraries } from '../src/arbitraries/index.ts';
import { checkTrace } from '../src/machine/check.ts';
import type { Trace } from '../src/machine/trace.ts';

const unavailable = qemuUnavailableReason();
const skipped = unavailable === null ? '' : ` (skipped: ${unavailable})`;
const work = mkdtempSync(join(tmpdir(), 'xlatcheck-qemu-test-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** A multiboot image (loaded at 1 MiB) whose entry runs `code`. */
function kernel(name: string, code: number[]): string {
  const base = 0x100000;
  const entry = base + 32;
  const header = [0x1badb002, 0x00010000, -(0x1badb002 + 0x00010000) >>> 0, base, base, 0, 0, entry];
  const image = Buffer.alloc(64 + code.length);
  header.forEach((v, i) => image.writeUInt32LE(v >>> 0, i * 4));
  Buffer.from(code).copy(image, 32);
  const path = join(work, `${name}.bin`);
  writeFileSync(path, image);
  return path;
}

const le32 = (v: number): number[] => [v & 0xff, (v >>> 8) & 0xff, (v >>> 16) & 0xff, v >>> 24];
/** jmp $ */
const HANG = [0xeb, 0xfe];
/** lidt [zero IDTR at 1 MiB + 56]; ud2: #UD cannot be delivered, #DF neither, so the CPU resets. */
const TRIPLE_FAULT = [0x0f, 0x01, 0x1d, ...le32(0x100000 + 56), 0x0f, 0x0b];
/** mov al, 0x7f; out 0xf4, al: exit status 255, which no guest of ours gives. */
const ODD_EXIT = [0xb0, 0x7f, 0xe6, 0xf4, 0xeb, 0xfe];

const [sample] = fc.sample(familyTraceArbitraries.translation(), { seed: 3, numRuns: 1 });
const original = sample as Trace;

function ramFiles(): string[] {
  return readdirSync(ramDirectory()).filter((f) => f.startsWith(RAM_FILE_PREFIX));
}

describe.skipIf(unavailable !== null)(`QEMU misbehaving${skipped}`, () => {
  it('a hanging guest is a machine error that says QEMU hung', async () => {
    const machine = new QemuMachine({ kernel: kernel('hang', HANG), bootTimeoutMs: 1500 });
    const { divergence } = await checkTrace(machine, machine.adapt(original).trace);
    expect(divergence?.kind).toBe('machine-error');
    expect(divergence?.explanation).toMatch(/QEMU hung/);
  });

  it('a triple fault is a machine error that says so', async () => {
    const machine = new QemuMachine({ kernel: kernel('triple', TRIPLE_FAULT) });
    const { divergence } = await checkTrace(machine, machine.adapt(original).trace);
    expect(divergence?.kind).toBe('machine-error');
    expect(divergence?.explanation).toMatch(/triple-faulted/);
  });

  it('an unexpected exit is a machine error with its status', async () => {
    const machine = new QemuMachine({ kernel: kernel('odd-exit', ODD_EXIT) });
    const { divergence } = await checkTrace(machine, machine.adapt(original).trace);
    expect(divergence?.kind).toBe('machine-error');
    expect(divergence?.explanation).toMatch(/status 255/);
  });

  it('every trace of a failed batch gets the error, and the batch call itself resolves', async () => {
    const machine = new QemuMachine({ kernel: kernel('hang2', HANG), bootTimeoutMs: 1000 });
    const outcomes = await machine.runBatch([machine.adapt(original).trace, machine.adapt(original).trace]);
    expect(outcomes.map((o) => o.error !== null)).toEqual([true, true]);
  });

  it('leaves no RAM file behind, not even while QEMU runs', async () => {
    const before = ramFiles();
    const machine = new QemuMachine({ kernel: kernel('hang3', HANG), bootTimeoutMs: 1500 });
    const running = machine.run(machine.adapt(original).trace).catch(() => null);
    await new Promise((r) => setTimeout(r, 500));
    expect(ramFiles()).toEqual(before);
    await running;
    expect(ramFiles()).toEqual(before);
  });

  it('kills its QEMU when interrupted (SIGINT), leaving neither process nor file', async () => {
    const hang = kernel('hang-sigint', HANG);
    const script = join(work, 'interrupted.ts');
    writeFileSync(
      script,
      [
        `import { QemuMachine } from ${JSON.stringify(join(process.cwd(), 'models/qemu/index.ts'))};`,
        `import { liveChildren } from ${JSON.stringify(join(process.cwd(), 'models/qemu/child-registry.ts'))};`,
        `const machine = new QemuMachine({ kernel: ${JSON.stringify(hang)}, bootTimeoutMs: 60000 });`,
        `const trace = JSON.parse(${JSON.stringify(JSON.stringify(original))});`,
        `void machine.run(machine.adapt(trace).trace);`,
        `const poll = setInterval(() => { if (liveChildren() > 0) { clearInterval(poll); console.log('running'); } }, 20);`,
      ].join('\n'),
    );
    const child = spawn(process.execPath, ['--import', 'tsx', script], { stdio: ['ignore', 'pipe', 'inherit'] });
    await new Promise<void>((resolve) => child.stdout.on('data', (d: Buffer) => d.toString().includes('running') && resolve()));
    // The child registered is the timeout wrapper; QEMU starts a moment later (it failed once under load).
    for (let waited = 0; qemuProcessesFor(hang).length === 0 && waited < 10_000; waited += 20) await new Promise((r) => setTimeout(r, 20));
    expect(qemuProcessesFor(hang)).toHaveLength(1);
    child.kill('SIGINT');
    await new Promise((r) => child.once('exit', r));
    await new Promise((r) => setTimeout(r, 300));
    expect(qemuProcessesFor(hang)).toEqual([]);
    expect(ramFiles()).toEqual([]);
  });
});

/** Live processes whose command line names the kernel file (QEMU, or the timeout wrapper around it). */
function qemuProcessesFor(kernelPath: string): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const cmdline = readFileSync(`/proc/${entry}/cmdline`, 'utf8');
      if (cmdline.includes(kernelPath) && cmdline.includes('qemu-system-i386') && !cmdline.startsWith('/usr/bin/timeout')) pids.push(Number(entry));
    } catch {
      // gone already
    }
  }
  return pids;
}

describe('QEMU machine errors that need no QEMU', () => {
  it('refuses a trace that needs adapting, naming the adapter', async () => {
    const machine = new QemuMachine({ qemu: '/bin/true' });
    const { divergence } = await checkTrace(machine, original);
    expect(divergence?.kind).toBe('machine-error');
    expect(divergence?.explanation).toMatch(/machine\.adapt\(trace\)/);
  });

  it('refuses a PAE trace that switches to 32-bit paging, with a reason', async () => {
    const machine = new QemuMachine({ qemu: '/bin/true' });
    const switching = { ...original, steps: [{ op: 'mov-cr4' as const, value: 0 }] };
    const [outcome] = await machine.runBatch([switching]);
    expect(outcome?.error).toMatch(/one paging mode/);
  });

  it('says how to install QEMU when it is missing', () => {
    expect(qemuUnavailableReason({ PATH: '/nonexistent' }, [])).toMatch(/apt-get install -y --no-install-recommends qemu-system-x86/);
  });
});
