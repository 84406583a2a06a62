/**
 * The operator's console at `/`: who is signed in, the connected accounts, the integrations per org with Run
 * now and pause, and the latest runs (each links to its page; the whole history is at `/runs`), all of the
 * operator's orgs only.
 */
import type { Account } from '../store/accounts.js';
import type { RunRecord } from '../store/runs.js';
import type { ScheduledIntegration } from '../store/schedules.js';
import {
  ConsoleNames,
  countsText,
  integrationKey,
  scheduleText,
  statusClass,
  when
} from './console-format.js';
import { escapeHtml as e, page } from './html.js';
import type { RunNowStatus } from './health.js';
import type { Operator } from './operator-auth.js';
import { historyHref } from './run-history-page.js';
import { runHref } from './run-page.js';

export interface ConsoleData {
  operator: Operator;
  runNowStatus: (orgId: string) => RunNowStatus | undefined;
  accounts: Account[];
  integrations: ScheduledIntegration[];
  /** The latest runs, and how many the operator's orgs have in all. */
  runs: RunRecord[];
  runsTotal: number;
  csrfToken: string;
}

function accountRows(data: ConsoleData): string {
  if (!data.accounts.length) return '<tr><td colspan="7">No account connected yet.</td></tr>';
  return data.accounts
    .map(
      (a) => `<tr><td>${e(a.environment)}</td><td>${e(a.orgName)}<br><small>${e(a.orgId)}</small></td>
<td>${e(a.username)}</td><td class="status-${e(a.status)}">${e(a.status === 'connected' ? 'Connected' : 'Needs reconnection')}${
        a.statusMessage ? `<br><small>${e(a.statusMessage)}</small>` : ''
      }${
        data.runNowStatus(a.orgId) ? `<br><small>Run Now: ${e(data.runNowStatus(a.orgId)!.text)}</small>` : ''
      }</td><td>${e(when(a.connectedAt))}</td><td>${e(when(a.lastHeartbeatAt))}</td>
<td><a href="/oauth/connect?environment=${e(a.environment)}&amp;loginUrl=${e(encodeURIComponent(a.loginUrl))}">Reconnect</a>
<form method="post" action="/accounts/${e(encodeURIComponent(a.orgId))}/disconnect"><input type="hidden" name="csrf" value="${e(
        data.csrfToken
      )}"><button type="submit">Disconnect</button></form></td></tr>`
    )
    .join('');
}

/** A POST form of one button (CSRF token included): actions are buttons, never links. */
function actionForm(
  data: ConsoleData,
  action: string,
  text: string,
  label: string,
  disabled = false
): string {
  return `<form method="post" action="${e(action)}"><input type="hidden" name="csrf" value="${e(
    data.csrfToken
  )}"><button type="submit" aria-label="${e(label)}"${disabled ? ' disabled' : ''}>${e(text)}</button></form>`;
}

function integrationRows(data: ConsoleData, names: ConsoleNames): string {
  if (!data.integrations.length)
    return '<tr><td colspan="7">No integration found in the connected orgs.</td></tr>';
  const accounts = new Map(data.accounts.map((a) => [a.orgId, a]));
  return data.integrations
    .map((i) => {
      const base = `/integrations/${encodeURIComponent(i.orgId)}/${encodeURIComponent(i.integrationId)}`;
      const needsReconnection = accounts.get(i.orgId)?.status !== 'connected';
      const paused = i.pausedAt
        ? `<br><span class="paused">Paused by ${e(i.pausedBy ?? 'an operator')} since ${e(when(i.pausedAt))}</span>`
        : '';
      const next = i.nextDueAt
        ? `${e(when(i.nextDueAt))}${i.pausedAt ? '<br><small>skipped while paused</small>' : ''}`
        : '—';
      const actions = [
        actionForm(data, `${base}/run`, 'Run now', `Run now: ${i.integrationName}`, needsReconnection),
        i.pausedAt
          ? actionForm(data, `${base}/resume`, 'Resume', `Resume: ${i.integrationName}`)
          : actionForm(data, `${base}/pause`, 'Pause', `Pause: ${i.integrationName}`),
        needsReconnection ? '<br><small>Reconnect the account to run it.</small>' : '',
        `<br><a href="${e(historyHref({ integration: integrationKey(i.orgId, i.integrationId) }))}">Runs</a>`
      ];
      return `<tr><td>${e(names.org(i.orgId))}</td><td>${e(i.integrationName)}</td>
<td>${e(i.definition.reportName)} → ${e(i.definition.targetObject)}</td><td>${e(scheduleText(i))}</td>
<td>${i.active ? 'Active' : 'Inactive'}${paused}</td><td>${next}</td><td>${actions.join(' ')}</td></tr>`;
    })
    .join('');
}

function runRows(data: ConsoleData, names: ConsoleNames): string {
  if (!data.runs.length) return '<tr><td colspan="6">No run yet.</td></tr>';
  return data.runs
    .map(
      (r) => `<tr><td><a href="${e(runHref(r.id))}">${e(when(r.startedAt ?? r.requestedAt))}</a></td>
<td>${e(names.ofRun(r))}<br><small>${e(names.org(r.orgId))}</small></td>
<td>${e(r.trigger)}${r.dryRun ? ' (dry run)' : ''}</td><td class="${e(statusClass(r.status))}">${e(r.status)}</td>
<td>${e(countsText(r))}${r.error ? `<br><strong>${e(r.error)}</strong>` : ''}</td><td>${e(r.apiCalls ?? '')}</td></tr>`
    )
    .join('');
}

function signedInAs(data: ConsoleData): string {
  const signOut = `<form method="post" action="/signout"><input type="hidden" name="csrf" value="${e(
    data.csrfToken
  )}"><button type="submit">Sign out</button></form>`;
  if (data.operator.demo) {
    return `<p class="demo"><strong>Demo:</strong> <code>npm start</code> signed you in automatically, to every connected org,
because it listens on this machine only. A hosted engine asks each operator to sign in with Salesforce.</p>`;
  }
  const connected = new Set(data.accounts.map((a) => a.orgId));
  const orgs = data.operator.grants
    .map(
      (g) =>
        `${e(g.orgName)} (${e(g.environment)}) as ${e(g.username)}${
          connected.has(g.orgId)
            ? ''
            : ` · not connected yet: <a href="/oauth/connect?environment=${e(g.environment)}&amp;loginUrl=${e(
                encodeURIComponent(g.loginUrl)
              )}">connect it</a>`
        }`
    )
    .join('<br>');
  return `<p>Signed in to ${orgs}</p><p><a href="/signin">Sign in to another org</a> ${signOut}</p>`;
}

export function renderConsole(data: ConsoleData): string {
  const names = new ConsoleNames(data.operator, data.accounts, data.integrations);
  return page(
    'Console',
    `<h1>WalkMe Sync Engine</h1>
${signedInAs(data)}
<h2>Connected accounts</h2>
<p><a href="/oauth/connect?environment=sandbox">+ Add Sandbox account</a> · <a href="/oauth/connect?environment=production">+ Add Production account</a></p>
<table><thead><tr><th scope="col">Environment</th><th scope="col">Org</th><th scope="col">User</th><th scope="col">Status</th><th scope="col">Connected</th><th scope="col">Last heartbeat</th><th scope="col">Actions</th></tr></thead>
<tbody>${accountRows(data)}</tbody></table>
<h2>Integrations</h2>
<table><thead><tr><th scope="col">Org</th><th scope="col">Name</th><th scope="col">Report → object</th><th scope="col">Schedule</th><th scope="col">State</th><th scope="col">Next run</th><th scope="col">Actions</th></tr></thead>
<tbody>${integrationRows(data, names)}</tbody></table>
<h2>Recent runs</h2>
<table><thead><tr><th scope="col">Started</th><th scope="col">Integration</th><th scope="col">Trigger</th><th scope="col">Status</th><th scope="col">Rows</th><th scope="col">API calls</th></tr></thead>
<tbody>${runRows(data, names)}</tbody></table>
<p><a href="/runs">All ${data.runsTotal} runs</a> · <a href="${e(historyHref({ status: 'problems' }))}">Failed or with errors</a></p>`
  );
}
