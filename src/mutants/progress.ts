/**
 * Progress of a kill-matrix run on stderr: one line per mutant (what killed it, how fast), and on a
 * terminal a status line in between, rewritten in place: the family running and what the families
 * before it found.
 */
import type { Io } from '../cli/io.ts';
import type { KillMatrixProgress } from './kill-matrix.ts';
import { formatMs } from './render-text.ts';

export function matrixProgress(io: Pick<Io, 'err' | 'tty'>): KillMatrixProgress {
  let status = '';
  let position = '';
  let killers: string[] = [];
  const clear = (): void => {
    if (status !== '') io.err(`\r${' '.repeat(status.length)}\r`);
    status = '';
  };
  const show = (text: string): void => {
    clear();
    status = text;
    io.err(status);
  };
  return {
    mutantStarted(index, total, mutant) {
      position = `[${index + 1}/${total}] ${mutant.name}`;
      killers = [];
    },
    cellStarted(_mutant, family, index, count) {
      if (!io.tty) return;
      const found = killers.length === 0 ? '' : `, killed by ${killers.join(', ')}`;
      show(`${position}: ${family} (${index + 1}/${count})${found} ...`);
    },
    cellDone(_mutant, cell) {
      if (cell.killed) killers.push(cell.family);
    },
    mutantDone(index, total, row) {
      clear();
      const what =
        row.killed
          ? `killed by ${row.killer} at run ${row.runsToKill} in ${formatMs(row.timeToKillMs)}, shrunk to ${row.shrunk?.steps ?? 0} steps`
          : row.equivalent !== null
            ? 'equivalent, survived'
            : 'SURVIVED';
      io.err(`[${String(index + 1).padStart(String(total).length)}/${total}] ${row.name}: ${what}\n`);
    },
  };
}
