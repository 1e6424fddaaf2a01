/**
 * Cases as short scripts a person can read and run again (Hypothesis style): the layout as a table, each
 * thread's calls by name with their arguments, the schedule, and the order the specification runs them.
 */
import type { Call, Program, SystemLayout } from '../../machine/system.ts';
import { FOUR_GIB } from './chunks.ts';
import { bytes, hex, range } from './format.ts';

export function formatCall(call: Call): string {
  const at = `${call.op}@${call.space}`;
  switch (call.op) {
    case 'bc.read':
      return `${at}(block=${call.block})`;
    case 'bc.write':
    case 'snap.write':
      return `${at}(block=${call.block}, value=${hex(call.value)})`;
    case 'ic.get':
    case 'ic.fetch':
      return `${at}(ino=${call.ino})`;
    case 'ic.set':
      return `${at}(ino=${call.ino}, size=${call.size})`;
    case 'nc.lookup':
    case 'nc.remove':
    case 'nc.stat':
      return `${at}(dir=${call.dir}, name=${JSON.stringify(call.name)})`;
    case 'nc.enter':
      return `${at}(dir=${call.dir}, name=${JSON.stringify(call.name)}, ino=${call.ino})`;
    case 'snap.take':
      return `${at}()`;
    case 'snap.read':
      return `${at}(snapshot=${call.snapshot}, block=${call.block})`;
  }
}

export function formatLayout(layout: SystemLayout, threads: number | null = null): string {
  const lines = [`layout (MAXPHYADDR ${layout.maxPhyAddr}${threads === null ? '' : `, ${threads} thread(s)`}):`];
  lines.push(`  common       ${range(0, layout.common.size)} ${bytes(layout.common.size)}, ${layout.common.pages} pages, stacks of ${bytes(layout.stackBytes)}`);
  const biosBase = FOUR_GIB - layout.bios.size;
  lines.push(`  bios         ${range(biosBase, layout.bios.size)} ${bytes(layout.bios.size)}, ${layout.bios.pages} pages`);
  lines.push(`  page tables  ${range(layout.pageTables.base, layout.pageTables.size)} ${bytes(layout.pageTables.size)}`);
  lines.push(`  space 0      buffer-cache  ${range(layout.bufferCache.base, layout.bufferCache.size)} ${bytes(layout.bufferCache.size)}, paging off`);
  layout.spaces.forEach((s, i) => {
    lines.push(
      `  space ${i + 1}      ${s.module.padEnd(12)}  ${range(s.chunk.base, s.chunk.size)} ${bytes(s.chunk.size)}, window ${range(s.window.va, s.window.size)}, ${s.pages} pages`,
    );
  });
  return lines.join('\n');
}

export function formatSchedule(schedule: readonly number[]): string {
  return `schedule = [${schedule.join(', ')}]`;
}

export function formatProgram(program: Program): string {
  const lines = [formatSchedule(program.schedule)];
  program.threads.forEach((calls, t) => {
    if (calls.length === 0) lines.push(`t${t}: (no calls)`);
    calls.forEach((call, i) => lines.push(`t${t}.${i} = ${formatCall(call)}`));
  });
  return lines.join('\n');
}
