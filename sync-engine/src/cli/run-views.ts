/** Runs as the local API answers them (JSON: dates as text), read back for the CLI's summaries. */
import type { RowResult, RunRecord } from '../store/runs.js';
import type { RunView } from './run-summary.js';

export interface RunAnswer {
  run: RunRecord;
  rows: RowResult[];
}

const dateOf = (value: Date | string | null): Date | null => (value === null ? null : new Date(value));

export function runView({ run, rows }: RunAnswer): RunView {
  return {
    ...run,
    startedAt: dateOf(run.startedAt),
    endedAt: dateOf(run.endedAt),
    rejected: rows,
    ids: [['Run', run.id], ...(run.sfRunId ? ([['Run record', run.sfRunId]] as Array<[string, string]>) : [])]
  };
}

/** The exit code a finished run answers: 0 Completed, 3 Completed with errors, 1 Failed. */
export function exitCodeOf(run: Pick<RunRecord, 'status'>): number {
  return run.status === 'Completed' ? 0 : run.status === 'Completed with errors' ? 3 : 1;
}
