/** Runs as the local API answers them (JSON: dates as text), read back for the CLI's summaries. */
import type { RowOutcome, RowOutcomeKind } from '../domain/run-result.js';
import type { RowResult, RunRecord } from '../store/runs.js';
import type { RunView } from './run-summary.js';

export interface RunAnswer {
  run: RunRecord;
  rows: RowResult[];
}

const FINISHED = new Set(['Completed', 'Completed with errors', 'Failed']);

export const isFinished = (run: Pick<RunRecord, 'status'>): boolean => FINISHED.has(run.status);

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

/** Kept rows in the shape the rejected-rows CSV takes. */
export function rowOutcomes(rows: RowResult[]): RowOutcome[] {
  return rows.map((row) => ({
    row: row.row,
    key: row.key,
    outcome: row.outcome as RowOutcomeKind,
    recordIds: row.recordIds,
    ...(row.reason ? { reason: row.reason } : {}),
    ...(row.statusCode ? { statusCode: row.statusCode } : {})
  }));
}

/** The exit code a finished run answers: 0 Completed, 3 Completed with errors, 1 Failed. */
export function exitCodeOf(run: Pick<RunRecord, 'status'>): number {
  return run.status === 'Completed' ? 0 : run.status === 'Completed with errors' ? 3 : 1;
}
