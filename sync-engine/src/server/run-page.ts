/**
 * `/runs/:id`: one run as its operator needs it — what ran where, when and how long, the counts, the plan and
 * the API calls, the rejected rows by reason and a page of them at a time with a CSV download, and the log.
 * While it is queued or running, the page reloads itself (a meta refresh: the console runs no script).
 */
import { isFinished, type RowResult, type RunRecord } from '../store/runs.js';
import { planText, pager, runDuration, statusClass, when, type ConsoleNames } from './console-format.js';
import { escapeHtml as e, page } from './html.js';

/** Rejected rows shown per page. */
export const ROWS_PER_PAGE = 100;
/** Seconds between reloads of a run in progress. */
export const RUN_PAGE_REFRESH_SECONDS = 3;

export interface RunPageData {
  run: RunRecord;
  names: ConsoleNames;
  /** This page of the rejected rows kept. */
  rows: RowResult[];
  /** Every rejected row kept for the run. */
  rowsKept: number;
  page: number;
  now: Date;
}

export const runHref = (runId: string) => `/runs/${encodeURIComponent(runId)}`;

function progress(run: RunRecord): string {
  if (run.status === 'Queued')
    return `<p class="progress" role="status">Queued: waiting for a worker${
      run.log.length ? ` (${e(run.log[run.log.length - 1])})` : ''
    }. This page reloads every ${RUN_PAGE_REFRESH_SECONDS} seconds.</p>`;
  if (run.status !== 'Running') return '';
  const p = run.progress;
  const where = p
    ? `${e(p.phase)}: ${p.rowsRead} rows read, ${p.matched} matched, ${p.written} records written`
    : 'starting';
  return `<p class="progress" role="status">Running — ${where}. This page reloads every ${RUN_PAGE_REFRESH_SECONDS} seconds.</p>`;
}

function summary(data: RunPageData): string {
  const { run, names } = data;
  const row = (label: string, value: string) => `<tr><th scope="row">${label}</th><td>${value}</td></tr>`;
  return `<table class="summary"><caption>Summary</caption><tbody>
${row('Integration', `${e(names.ofRun(run))} <small>${e(run.integrationId)}</small>`)}
${row('Org', `${e(names.org(run.orgId))} <small>${e(run.orgId)}</small>`)}
${row('Trigger', e(run.trigger))}
${row('Dry run', run.dryRun ? 'Yes: nothing was written' : 'No')}
${row('Status', `<span class="${e(statusClass(run.status))}">${e(run.status)}</span>`)}
${row('Requested', e(when(run.requestedAt)))}
${row('Started', e(when(run.startedAt)))}
${row('Ended', e(when(run.endedAt)))}
${row('Duration', e(runDuration(run, data.now)))}
${row('Plan', e(planText(run)))}
${row('API calls', e(run.apiCalls ?? '—'))}
${row('Attempts', `${run.attempts}${run.worker ? ` <small>worker ${e(run.worker)}</small>` : ''}`)}
${run.error ? row('Error', `<strong>${e(run.error)}</strong>`) : ''}
</tbody></table>`;
}

function counts(run: RunRecord): string {
  const c = run.counts;
  if (!c) return '';
  const kinds = ['read', 'updated', 'unchanged', 'unmatched', 'ambiguous', 'invalid', 'failed'] as const;
  return `<h2>Rows</h2>
<table><thead><tr>${kinds.map((k) => `<th scope="col">${k.charAt(0).toUpperCase() + k.slice(1)}</th>`).join('')}</tr></thead>
<tbody><tr>${kinds.map((k) => `<td>${c[k]}</td>`).join('')}</tr></tbody></table>`;
}

function reasons(run: RunRecord): string {
  if (!run.rejectedByReason.length) return '';
  const omitted = run.rejectedOmitted
    ? `<p>${run.rejectedOmitted} more rows not kept: they are counted by reason here, but only the first rows are listed below and in the download.</p>`
    : '';
  return `<h2>Rejected rows by reason</h2>
<table><thead><tr><th scope="col">Reason</th><th scope="col">Rows</th></tr></thead><tbody>
${run.rejectedByReason.map((r) => `<tr><td>${e(r.reason)}</td><td>${r.rows}</td></tr>`).join('\n')}
</tbody></table>${omitted}`;
}

function rejectedRows(data: RunPageData): string {
  const { run, rows, rowsKept } = data;
  if (!rowsKept) return !isFinished(run) ? '' : '<h2>Rejected and failed rows</h2><p>None.</p>';
  const nav = pager({
    page: data.page,
    perPage: ROWS_PER_PAGE,
    total: rowsKept,
    noun: 'rows',
    href: (n) => `${runHref(run.id)}?page=${n}`
  });
  return `<h2>Rejected and failed rows</h2>
<p><a href="${e(runHref(run.id))}/rejected.csv">Download rejected rows (CSV)</a> — all ${rowsKept} rows kept.</p>
${nav}
<table><thead><tr><th scope="col">Row</th><th scope="col">Key</th><th scope="col">Outcome</th><th scope="col">Status code</th><th scope="col">Reason</th><th scope="col">Records</th></tr></thead><tbody>
${rows
  .map(
    (r) =>
      `<tr><td>${r.row}</td><td>${e(r.key)}</td><td>${e(r.outcome)}</td><td>${e(r.statusCode ?? '')}</td><td>${e(
        r.reason ?? ''
      )}</td><td>${e(r.recordIds.join(', '))}</td></tr>`
  )
  .join('\n')}
</tbody></table>
${nav}`;
}

export function renderRunPage(data: RunPageData): string {
  const { run, names } = data;
  const title = `Run of ${names.ofRun(run)}`;
  const history = `/runs?integration=${encodeURIComponent(`${run.orgId}/${run.integrationId}`)}`;
  return page(
    title,
    `<nav><a href="/">Console</a> · <a href="/runs">Run history</a> · <a href="${e(history)}">Runs of this integration</a></nav>
<h1>${e(title)}</h1>
<p>${e(names.org(run.orgId))} · <span class="${e(statusClass(run.status))}">${e(run.status)}</span></p>
${progress(run)}
${summary(data)}
${counts(run)}
${reasons(run)}
${rejectedRows(data)}
<h2>Log</h2>
<pre>${e(run.log.join('\n')) || '(empty)'}</pre>`,
    !isFinished(run) ? { refreshSeconds: RUN_PAGE_REFRESH_SECONDS } : {}
  );
}
