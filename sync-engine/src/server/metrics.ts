/** `GET /metrics` in Prometheus's text format, from the shared database, so every worker's runs count. */
import type { RunMetrics } from '../store/runs.js';

const label = (value: string) => value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');

export function renderMetrics(m: RunMetrics, accounts: Record<string, number>): string {
  const lines = [
    '# HELP walkme_sync_runs Runs recorded, by status.',
    '# TYPE walkme_sync_runs gauge',
    ...Object.entries(m.runsByStatus).map(([s, n]) => `walkme_sync_runs{status="${label(s)}"} ${n}`),
    '# HELP walkme_sync_rejected_rows Rejected rows kept with their reason, by outcome.',
    '# TYPE walkme_sync_rejected_rows gauge',
    ...Object.entries(m.rowsByOutcome).map(
      ([o, n]) => `walkme_sync_rejected_rows{outcome="${label(o)}"} ${n}`
    ),
    '# HELP walkme_sync_rows_total Rows of finished runs, by outcome.',
    '# TYPE walkme_sync_rows_total counter',
    ...Object.entries(m.rowCounts).map(([o, n]) => `walkme_sync_rows_total{outcome="${label(o)}"} ${n}`),
    '# HELP walkme_sync_api_calls_total Salesforce API calls spent by runs.',
    '# TYPE walkme_sync_api_calls_total counter',
    `walkme_sync_api_calls_total ${m.apiCalls}`,
    '# HELP walkme_sync_run_duration_seconds Duration of finished runs.',
    '# TYPE walkme_sync_run_duration_seconds summary',
    `walkme_sync_run_duration_seconds_sum ${m.durationSeconds.sum}`,
    `walkme_sync_run_duration_seconds_count ${m.durationSeconds.count}`,
    '# HELP walkme_sync_accounts Connected Salesforce accounts, by status.',
    '# TYPE walkme_sync_accounts gauge',
    ...Object.entries(accounts).map(([s, n]) => `walkme_sync_accounts{status="${label(s)}"} ${n}`)
  ];
  return lines.join('\n') + '\n';
}
