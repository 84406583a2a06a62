/**
 * The operator's console at `/`: who is signed in, the connected accounts, integrations per org, recent runs
 * with their logs, all of the operator's orgs only.
 */
import type { Account } from '../store/accounts.js';
import type { RunRecord } from '../store/runs.js';
import type { ScheduledIntegration } from '../store/schedules.js';
import { escapeHtml as e, page } from './html.js';
import type { RunNowStatus } from './health.js';
import type { Operator } from './operator-auth.js';

export interface ConsoleData {
  operator: Operator;
  runNowStatus: (orgId: string) => RunNowStatus | undefined;
  accounts: Account[];
  integrations: ScheduledIntegration[];
  runs: RunRecord[];
  csrfToken: string;
}

const when = (d: Date | null) => (d ? d.toISOString().replace('T', ' ').slice(0, 19) + ' UTC' : '—');

function schedule(s: ScheduledIntegration): string {
  const { type, hourUtc, intervalHours } = s.definition.schedule;
  if (type === 'Manual') return 'Manual';
  if (type === 'Daily') return `Daily at ${String(hourUtc).padStart(2, '0')}:00 UTC`;
  return `Every ${intervalHours ?? 24} h`;
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

function integrationRows(data: ConsoleData): string {
  if (!data.integrations.length)
    return '<tr><td colspan="6">No integration found in the connected orgs.</td></tr>';
  const orgName = new Map(data.accounts.map((a) => [a.orgId, `${a.orgName} (${a.environment})`]));
  return data.integrations
    .map(
      (i) => `<tr><td>${e(orgName.get(i.orgId) ?? i.orgId)}</td><td>${e(i.integrationName)}</td>
<td>${e(i.definition.reportName)} → ${e(i.definition.targetObject)}</td><td>${e(schedule(i))}</td>
<td>${i.active ? 'Active' : 'Inactive'}</td><td>${e(when(i.nextDueAt))}</td></tr>`
    )
    .join('');
}

function runRows(data: ConsoleData): string {
  if (!data.runs.length) return '<tr><td colspan="7">No run yet.</td></tr>';
  return data.runs
    .map((r) => {
      const c = r.counts;
      const counts = c
        ? `read ${c.read}, updated ${c.updated}, unchanged ${c.unchanged}, unmatched ${c.unmatched}, ambiguous ${c.ambiguous}, invalid ${c.invalid}, failed ${c.failed}`
        : '';
      return `<tr><td>${e(when(r.startedAt ?? r.requestedAt))}</td><td>${e(r.integrationName || r.integrationId)}</td>
<td>${e(r.trigger)}${r.dryRun ? ' (dry run)' : ''}</td><td class="status-${e(r.status.replaceAll(' ', '-'))}">${e(r.status)}</td>
<td>${e(counts)}${r.error ? `<br><strong>${e(r.error)}</strong>` : ''}</td><td>${e(r.apiCalls ?? '')}</td>
<td><details><summary>Log</summary><pre>${e(r.log.join('\n'))}</pre></details></td></tr>`;
    })
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
  return page(
    'Console',
    `<h1>WalkMe Sync Engine</h1>
${signedInAs(data)}
<h2>Connected accounts</h2>
<p><a href="/oauth/connect?environment=sandbox">+ Add Sandbox account</a> · <a href="/oauth/connect?environment=production">+ Add Production account</a></p>
<table><thead><tr><th>Environment</th><th>Org</th><th>User</th><th>Status</th><th>Connected</th><th>Last heartbeat</th><th></th></tr></thead>
<tbody>${accountRows(data)}</tbody></table>
<h2>Integrations</h2>
<table><thead><tr><th>Org</th><th>Name</th><th>Report → object</th><th>Schedule</th><th>State</th><th>Next run</th></tr></thead>
<tbody>${integrationRows(data)}</tbody></table>
<h2>Recent runs</h2>
<table><thead><tr><th>Started</th><th>Integration</th><th>Trigger</th><th>Status</th><th>Rows</th><th>API calls</th><th></th></tr></thead>
<tbody>${runRows(data)}</tbody></table>`
  );
}
