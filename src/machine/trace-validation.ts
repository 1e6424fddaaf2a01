/**
 * Validation of traces read from outside (finding files, user machines' inputs, campaign files). A bad
 * trace is a user error: one clear line, never a stack trace. Generated traces pass it by construction.
 */
import { MAX_MAXPHYADDR, MIN_MAXPHYADDR, PAGE_4K } from '../arch/entry-layout.ts';
import { isHex64 } from '../arch/word.ts';
import { ACCESS_SIZES, type Trace, TRACE_FORMAT, TRACE_VERSION } from './trace.ts';

export class TraceFormatError extends Error {}

const isUint32 = (v: unknown): v is number => Number.isInteger(v) && (v as number) >= 0 && (v as number) <= 0xffffffff;
const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function fail(message: string): never {
  throw new TraceFormatError(message);
}

function physicalAddress(v: unknown, maxPhyAddr: number, where: string): number {
  if (!Number.isSafeInteger(v) || (v as number) < 0 || (v as number) >= 2 ** maxPhyAddr)
    fail(`${where}: physical address must be an integer in [0, 2^${maxPhyAddr})`);
  if ((v as number) % 8 !== 0) fail(`${where}: physical address must be 8-byte aligned`);
  return v as number;
}

function checkFrame(v: unknown, limit: number, where: string): number {
  if (!Number.isSafeInteger(v) || (v as number) < 0 || (v as number) >= limit || (v as number) % PAGE_4K !== 0)
    fail(`${where}: must be a 4 KiB-aligned address below 2^${Math.log2(limit)}`);
  return v as number;
}

function checkStage2(value: unknown, maxPhyAddr: number): void {
  if (value === undefined) return;
  if (!Array.isArray(value)) fail('stage2 must be an array of {ipa, pa}');
  let previous = -1;
  value.forEach((m: unknown, i: number) => {
    if (!isRecord(m)) fail(`stage2[${i}] must be an object`);
    const ipa = checkFrame(m.ipa, 2 ** maxPhyAddr, `stage2[${i}].ipa`);
    checkFrame(m.pa, 2 ** maxPhyAddr, `stage2[${i}].pa`);
    if (ipa <= previous) fail(`stage2[${i}]: mappings must be sorted by ipa without duplicates`);
    previous = ipa;
  });
}

function checkStep(step: unknown, i: number, maxPhyAddr: number): void {
  const where = `steps[${i}]`;
  if (!isRecord(step)) fail(`${where}: must be an object`);
  switch (step.op) {
    case 'load':
    case 'fetch':
    case 'store':
      if (!isUint32(step.va)) fail(`${where}: va must be an unsigned 32-bit integer`);
      if (!ACCESS_SIZES.includes(step.size as 1)) fail(`${where}: size must be 1, 2, 4 or 8`);
      if (typeof step.user !== 'boolean') fail(`${where}: user must be true or false`);
      if (step.op === 'store' && !isHex64(step.value)) fail(`${where}: value must be a hex string like "0x1f"`);
      return;
    case 'mov-cr0':
    case 'mov-cr3':
    case 'mov-cr4':
      if (!isUint32(step.value)) fail(`${where}: value must be an unsigned 32-bit integer`);
      return;
    case 'map-stage2':
      checkFrame(step.ipa, 2 ** maxPhyAddr, `${where}.ipa`);
      checkFrame(step.pa, 2 ** maxPhyAddr, `${where}.pa`);
      return;
    case 'invlpg':
      if (!isUint32(step.va)) fail(`${where}: va must be an unsigned 32-bit integer`);
      return;
    case 'write-phys':
      physicalAddress(step.pa, maxPhyAddr, where);
      if (!isHex64(step.value)) fail(`${where}: value must be a hex string like "0x1f"`);
      return;
    default:
      fail(`${where}: unknown op ${JSON.stringify(step.op)}`);
  }
}

/** Returns the value typed as a Trace, or throws TraceFormatError naming the first problem. */
export function validateTrace(value: unknown): Trace {
  if (!isRecord(value)) fail('trace must be a JSON object');
  if (value.format !== TRACE_FORMAT) fail(`trace format must be "${TRACE_FORMAT}"`);
  if (value.version !== TRACE_VERSION) fail(`trace version ${String(value.version)} is not supported (this xlatcheck reads version ${TRACE_VERSION})`);
  const m = value.maxPhyAddr;
  if (!Number.isInteger(m) || (m as number) < MIN_MAXPHYADDR || (m as number) > MAX_MAXPHYADDR)
    fail(`maxPhyAddr must be an integer from ${MIN_MAXPHYADDR} to ${MAX_MAXPHYADDR}`);
  const maxPhyAddr = m as number;
  const r = value.registers;
  if (!isRecord(r)) fail('registers must be an object with cr0, cr3, cr4 and efer');
  for (const name of ['cr0', 'cr3', 'cr4', 'efer'] as const)
    if (!isUint32(r[name])) fail(`registers.${name} must be an unsigned 32-bit integer`);
  if (!Array.isArray(value.memory)) fail('memory must be an array of {pa, value}');
  let previous = -1;
  value.memory.forEach((w: unknown, i: number) => {
    if (!isRecord(w)) fail(`memory[${i}] must be an object`);
    const pa = physicalAddress(w.pa, maxPhyAddr, `memory[${i}]`);
    if (pa <= previous) fail(`memory[${i}]: words must be sorted by pa without duplicates`);
    previous = pa;
    if (!isHex64(w.value)) fail(`memory[${i}]: value must be a hex string like "0x1f"`);
  });
  if (!Array.isArray(value.steps)) fail('steps must be an array');
  value.steps.forEach((step: unknown, i: number) => checkStep(step, i, maxPhyAddr));
  checkStage2(value.stage2, maxPhyAddr);
  return value as unknown as Trace;
}
