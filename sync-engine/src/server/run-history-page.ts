/**
 * `/runs`: the run history of the operator's orgs, newest first, filtered by integration and by status,
 * a page at a time; each run links to its page.
 */
import type { RunRecord, StoredRunStatus } from '../store/runs.js';
import type { ScheduledIntegration } from '../store/schedules.js';
import {
  integrationKey,
  pager,
  runDuration,
  statusClass,
  when,
  type ConsoleNames
} from './console-format.js';
import { escapeHtml as e, page } from './html.js';
import { runHref } from './run-page.js';

export const RUNS_PER_PAGE = 50;

/** The status filter's choices: one status each, and the runs that need a look. */
export const STATUS_FILTERS: Record<string, { label: string; statuses: StoredRunStatus[] }> = {
  Completed: { label: 'Completed', statuses: ['Completed'] },
  'Completed with errors': { label: 'Completed with errors', statuses: ['Completed with errors'] },
  Failed: { label: 'Failed', statuses: ['Failed'] },
  problems: { label: 'Failed or with errors', statuses: ['Failed', 'Completed with errors'] },
  Running: { label: 'Running', statuses: ['Running'] },
  Queued: { label: 'Queued', statuses: ['Queued'] }
};

export interface RunHistoryFilter {
  /** `<orgId>/<integrationId>` */
  integration?: string;
  /** A key of STATUS_FILTERS. */
  status?: string;
}

export interface RunHistoryData {
  runs: RunRecord[];
  total: number;
  page: number;
  filter: RunHistoryFilter;
  integrations: ScheduledIntegration[];
  names: ConsoleNames;
  now: Date;
}

/** The history's address for a filter and page. */
export function historyHref(filter: RunHistoryFilter, pageNo = 1): string {
  const query = new URLSearchParams();
  if (filter.integration) query.set('integration', filter.integration);
  if (filter.status) query.set('status', filter.status);
  if (pageNo > 1) query.set('page', String(pageNo));
  const q = query.toString();
  return q ? `/runs?${q}` : '/runs';
}

const option = (value: string, label: string, selected: boolean) =>
  `<option value="${e(value)}"${selected ? ' selected' : ''}>${e(label)}</option>`;

function filterForm(data: RunHistoryData): string {
  const { filter, names } = data;
  const known = data.integrations.map((i) => integrationKey(i.orgId, i.integrationId));
  const integrationOptions = data.integrations.map((i) =>
    option(
      integrationKey(i.orgId, i.integrationId),
      `${i.integrationName} — ${names.org(i.orgId)}`,
      filter.integration === integrationKey(i.orgId, i.integrationId)
    )
  );
  // An integration gone from its org still has its history: keep it selectable while it is filtered on.
  if (filter.integration && !known.includes(filter.integration)) {
    const [orgId = '', integrationId = ''] = filter.integration.split('/');
    const recorded = data.runs[0]?.integrationName ?? '';
    integrationOptions.push(
      option(
        filter.integration,
        `${names.integration(orgId, integrationId, recorded)} (no longer in the org)`,
        true
      )
    );
  }
  return `<form method="get" action="/runs" class="filters">
<label for="integration">Integration</label>
<select id="integration" name="integration">${option('', 'All integrations', !filter.integration)}${integrationOptions.join('')}</select>
<label for="status">Status</label>
<select id="status" name="status">${option('', 'Any status', !filter.status)}${Object.entries(STATUS_FILTERS)
    .map(([value, f]) => option(value, f.label, filter.status === value))
    .join('')}</select>
<button type="submit">Show runs</button>
</form>`;
}

function runRows(data: RunHistoryData): string {
  if (!data.runs.length) return '<tr><td colspan="8">No run matches.</td></tr>';
  return data.runs
    .map((r) => {
      const c = r.counts;
      const rejected = c ? c.unmatched + c.ambiguous + c.invalid + c.failed : null;
      return `<tr><td><a href="${e(runHref(r.id))}">${e(when(r.startedAt ?? r.requestedAt))}</a></td>
<td>${e(data.names.ofRun(r))}</td><td>${e(data.names.org(r.orgId))}</td>
<td>${e(r.trigger)}${r.dryRun ? ' (dry run)' : ''}</td><td class="${e(statusClass(r.status))}">${e(r.status)}${
        r.error ? `<br><small>${e(r.error)}</small>` : ''
      }</td><td>${c ? `${c.read} read, ${c.updated} updated, ${rejected} rejected` : ''}</td>
<td>${e(r.apiCalls ?? '')}</td><td>${e(runDuration(r, data.now))}</td></tr>`;
    })
    .join('\n');
}

export function renderRunHistory(data: RunHistoryData): string {
  const nav = pager({
    page: data.page,
    perPage: RUNS_PER_PAGE,
    total: data.total,
    noun: 'runs',
    href: (n) => historyHref(data.filter, n)
  });
  return page(
    'Run history',
    `<nav><a href="/">Console</a></nav>
<h1>Run history</h1>
${filterForm(data)}
${nav}
<table><thead><tr><th scope="col">Started</th><th scope="col">Integration</th><th scope="col">Org</th><th scope="col">Trigger</th><th scope="col">Status</th><th scope="col">Rows</th><th scope="col">API calls</th><th scope="col">Duration</th></tr></thead>
<tbody>${runRows(data)}</tbody></table>
${nav}`
  );
}
