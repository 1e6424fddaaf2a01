/**
 * Progress of a kill-matrix run on stderr: one line per mutant (what killed it, how fast), and on a
 * terminal a status line per cell in between, rewritten in place.
 */
import type { Io } from '../cli/io.ts';
import type { KillMatrixProgress } from './kill-matrix.ts';
import { formatMs } from './render-text.ts';

export function matrixProgress(io: Pick<Io, 'err' | 'tty'>): KillMatrixProgress {
  let status = '';
  const clear = (): void => {
    if (status !== '') io.err(`\r${' '.repeat(status.length)}\r`);
    status = '';
  };
  return {
    mutantStarted(index, total, mutant) {
      if (!io.tty) return;
      status = `[${index + 1}/${total}] ${mutant.name} ...`;
      io.err(status);
    },
    cellDone(mutant, cell) {
      if (!io.tty) return;
      clear();
      status = `  ${mutant.name}: ${cell.family} ${cell.killed ? `killed at run ${cell.runs}` : `survived ${cell.runs} runs`}`;
      io.err(status);
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
