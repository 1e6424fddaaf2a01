/**
 * MemoryPort: a module's 32-bit loads and stores through the reference processor, supervisor mode, with
 * the translation in force; a fault becomes a ModuleFault naming the access, the address and the #PF error
 * code.
 */
import { describe, expect, it } from 'vitest';
import { createReferenceProcessor, PaeTableBuilder, type ReferenceProcessor } from '../index.ts';
import { MemoryPort, ModuleFault } from './memory-port.ts';

const PG = 0x80000000;
const WP = 1 << 16;
const PAE = 1 << 5;

/** PAE paging on, WP set: 0x400000 -> 0x500000 read-only, 0x401000 -> 0x501000 writable, nothing else. */
function paged(): ReferenceProcessor {
  const cpu = createReferenceProcessor({});
  const b = new PaeTableBuilder({ pdpt: 0x1000, tables: 0x10000 });
  b.map4k(0x400000, 0x500000, { writable: false });
  b.map4k(0x401000, 0x501000);
  b.writeTo(cpu);
  expect(cpu.movCr4(PAE)).toBe(true);
  expect(cpu.movCr3(b.cr3)).toBe(true);
  expect(cpu.movCr0(PG | WP)).toBe(true);
  return cpu;
}

function faultOf(run: () => unknown): ModuleFault {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(ModuleFault);
    return error as ModuleFault;
  }
  throw new Error('expected a ModuleFault');
}

describe('MemoryPort with paging off', () => {
  it('stores and loads 32-bit little-endian words at physical addresses, unsigned', () => {
    const cpu = createReferenceProcessor({});
    const port = new MemoryPort(cpu);
    port.store32(0x3000, -1);
    expect(cpu.readPhys32(0x3000)).toBe(0xffffffff);
    expect(port.load32(0x3000)).toBe(0xffffffff);
    port.store32(0x3004, 0x11223344);
    expect(cpu.readPhys32(0x3004)).toBe(0x11223344);
    expect(port.load32(0x3002)).toBe(0x3344ffff);
    expect(port.cpu).toBe(cpu);
  });

  it('takes a negative address as its unsigned 32-bit value', () => {
    const cpu = createReferenceProcessor({});
    const port = new MemoryPort(cpu);
    port.store32(-4, 0x12345678);
    expect(cpu.readPhys32(0xfffffffc)).toBe(0x12345678);
    expect(port.load32(-4)).toBe(0x12345678);
  });
});

describe('MemoryPort with paging on', () => {
  it('loads and stores through the translation', () => {
    const cpu = paged();
    const port = new MemoryPort(cpu);
    cpu.writePhys32(0x500010, 0xcafebabe);
    expect(port.load32(0x400010)).toBe(0xcafebabe);
    port.store32(0x401020, 0x0badf00d);
    expect(cpu.readPhys32(0x501020)).toBe(0x0badf00d);
  });

  it('turns a faulting load into a ModuleFault with the address and the #PF error code', () => {
    const cpu = paged();
    const port = new MemoryPort(cpu);
    const fault = faultOf(() => port.load32(0x7ffff000));
    expect(fault.name).toBe('ModuleFault');
    expect(fault).toBeInstanceOf(Error);
    expect(fault.message).toBe('load at 0x7ffff000 faulted: #PF error code 0x0');
    expect(faultOf(() => port.load32(-8)).message).toBe('load at 0xfffffff8 faulted: #PF error code 0x0');
  });

  it('turns a faulting store into a ModuleFault and writes nothing', () => {
    const cpu = paged();
    const port = new MemoryPort(cpu);
    const readOnly = faultOf(() => port.store32(0x400abc, 0x5a5a5a5a));
    expect(readOnly.name).toBe('ModuleFault');
    expect(readOnly.message).toBe('store at 0x400abc faulted: #PF error code 0x3');
    expect(cpu.readPhys32(0x500abc)).toBe(0);
    const notPresent = faultOf(() => port.store32(0x402000, 1));
    expect(notPresent.message).toBe('store at 0x402000 faulted: #PF error code 0x2');
    expect(cpu.dumpMemory().filter((w) => w.pa >= 0x500000)).toEqual([]);
  });
});
