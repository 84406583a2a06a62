/**
 * A run as a person reads it at the end of `run` and in `runs show`: the figures, the plan, the calls, then
 * the rejected rows by reason and the first of them. Shared by the engine's CLI and the demo's.
 */
import type { ReasonCount, RowCounts, RunResult } from '../domain/run-result.js';

export interface RunView {
  integrationName: string;
  /** e.g. `Logins Review → Lead`, when known. */
  reportToObject?: string;
  status: string;
  dryRun: boolean;
  startedAt: Date | null;
  endedAt: Date | null;
  counts: RowCounts | null;
  apiCalls: number | null;
  strategy: RunResult['strategy'] | null;
  error?: string | null;
  rejectedByReason: ReasonCount[];
  rejectedOmitted: number;
  /** The first rejected rows, in row order. */
  rejected: Array<{ row: number; key: string; outcome: string; reason?: string | null }>;
  /** Ids that name the run: the engine's and the org's run record. */
  ids?: Array<[label: string, id: string]>;
}

export function runSummary(run: RunView, shownRows = 10): string {
  const c = run.counts;
  const seconds =
    run.startedAt && run.endedAt
      ? `${((run.endedAt.getTime() - run.startedAt.getTime()) / 1000).toFixed(2)} s`
      : '';
  const rows: Array<[string, string]> = [
    ['Integration', run.integrationName],
    ...(run.reportToObject ? ([['Report → object', run.reportToObject]] as Array<[string, string]>) : []),
    ['Status', `${run.status}${run.dryRun ? ' (dry run: nothing written)' : ''}`],
    ...(c
      ? ([
          ['Rows read', String(c.read)],
          [run.dryRun ? 'Would update' : 'Updated', String(c.updated)],
          ['Unchanged', String(c.unchanged)],
          ['Unmatched', String(c.unmatched)],
          ['Ambiguous', String(c.ambiguous)],
          ['Invalid', String(c.invalid)],
          ['Failed', String(c.failed)]
        ] as Array<[string, string]>)
      : []),
    ['API calls', String(run.apiCalls ?? '')],
    ['Strategy', run.strategy ? `match ${run.strategy.match}, write ${run.strategy.write}` : ''],
    ['Runtime', seconds],
    ...(run.ids ?? [])
  ];
  const width = Math.max(...rows.map(([label]) => label.length));
  const lines = rows
    .filter(([, value]) => value !== '')
    .map(([label, value]) => `  ${label.padEnd(width)}  ${value}`);
  if (run.error) lines.push('', `  Error: ${run.error}`);
  if (run.rejectedByReason.length > 0) {
    lines.push(
      '',
      '  Rejected rows by reason:',
      ...run.rejectedByReason.map((r) => `    ${r.rows} × ${r.reason}`)
    );
    if (run.rejectedOmitted > 0) {
      lines.push(`    (${run.rejectedOmitted} of them beyond the rows kept: counted, not listed)`);
    }
  }
  const sample = run.rejected.slice(0, shownRows);
  if (sample.length > 0) {
    lines.push('', `  Rejected rows${run.rejected.length > shownRows ? ` (first ${shownRows})` : ''}:`);
    for (const row of sample) lines.push(`    row ${row.row} ${row.outcome} ${row.key}: ${row.reason ?? ''}`);
  }
  return lines.join('\n');
}
