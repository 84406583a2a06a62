/**
 * What the console's pages share: times and durations as people read them, the run's plan in words, the
 * names an operator knows orgs and integrations by (never bare ids), and the previous/next links of a page.
 */
import type { Account } from '../store/accounts.js';
import { isFinished, type RunRecord } from '../store/runs.js';
import type { ScheduledIntegration } from '../store/schedules.js';
import { escapeHtml as e } from './html.js';
import type { Operator } from './operator-auth.js';

export const when = (d: Date | null | undefined) =>
  d ? d.toISOString().replace('T', ' ').slice(0, 19) + ' UTC' : '—';

/** `1 h 4 min`, `2 min 5 s`, `12 s`, `0.4 s`. */
export function duration(ms: number): string {
  if (ms < 10_000) return `${Math.max(0, Math.round(ms / 100) / 10)} s`;
  const seconds = Math.round(ms / 1000);
  if (seconds < 60) return `${seconds} s`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)} min ${seconds % 60} s`;
  return `${Math.floor(seconds / 3600)} h ${Math.floor((seconds % 3600) / 60)} min`;
}

/** The run's duration: ended − started, or so far while it runs. */
export function runDuration(run: RunRecord, now: Date): string {
  if (!run.startedAt) return '—';
  const end = run.endedAt ?? (run.status === 'Running' ? now : null);
  if (!end) return '—';
  return `${duration(end.getTime() - run.startedAt.getTime())}${run.endedAt ? '' : ' so far'}`;
}

const MATCH_PLAN: Record<string, string> = {
  soql: 'SOQL queries, one per call',
  'soql-composite': 'SOQL queries, five to a /composite call',
  'bulk-query': 'one Bulk API 2.0 query job'
};
const WRITE_PLAN: Record<string, string> = {
  collections: 'sObject Collections, one per call',
  'collections-composite': 'sObject Collections, five to a /composite call',
  'bulk-ingest': 'one Bulk API 2.0 ingest job',
  none: 'nothing written'
};

/** The plan the run followed, in words. */
export function planText(run: RunRecord): string {
  if (!run.strategy) return isFinished(run) ? '—' : 'not chosen yet';
  const { match, write, forecast } = run.strategy;
  const calls = (n: number) => `${n} call${n === 1 ? '' : 's'}`;
  const planned = forecast
    ? ` (forecast: ${calls(forecast.match)} to match${forecast.write === undefined ? '' : `, ${forecast.write} to write`})`
    : '';
  return `match with ${MATCH_PLAN[match] ?? match}; write with ${WRITE_PLAN[write] ?? write}${planned}`;
}

export function scheduleText(s: ScheduledIntegration): string {
  const { type, hourUtc, intervalHours } = s.definition.schedule;
  if (type === 'Manual') return 'Manual';
  if (type === 'Daily') return `Daily at ${String(hourUtc).padStart(2, '0')}:00 UTC`;
  return `Every ${intervalHours ?? 24} h`;
}

/** The class a status is coloured by (html.ts). */
export const statusClass = (status: string) => `status-${status.replaceAll(' ', '-')}`;

/** `<orgId>/<integrationId>`: integration ids repeat across orgs (a sandbox copied from production keeps them). */
export const integrationKey = (orgId: string, integrationId: string) => `${orgId}/${integrationId}`;

/** How the console names what the operator may see: orgs by name and environment, integrations by name. */
export class ConsoleNames {
  readonly #orgs = new Map<string, string>();
  readonly #integrations = new Map<string, string>();

  constructor(operator: Operator, accounts: Account[], integrations: ScheduledIntegration[]) {
    for (const g of operator.grants) this.#orgs.set(g.orgId, `${g.orgName} (${g.environment})`);
    for (const a of accounts) this.#orgs.set(a.orgId, `${a.orgName} (${a.environment})`);
    for (const i of integrations)
      this.#integrations.set(integrationKey(i.orgId, i.integrationId), i.integrationName);
  }

  org(orgId: string): string {
    return this.#orgs.get(orgId) ?? 'An org no longer connected';
  }

  /** The name the run was requested under, else the integration's current one. */
  integration(orgId: string, integrationId: string, recorded = ''): string {
    return recorded || this.#integrations.get(integrationKey(orgId, integrationId)) || 'Unnamed integration';
  }

  ofRun(run: RunRecord): string {
    return this.integration(run.orgId, run.integrationId, run.integrationName);
  }
}

/** The counts of a run in one line. */
export function countsText(run: RunRecord): string {
  const c = run.counts;
  if (!c) return '';
  return `read ${c.read}, updated ${c.updated}, unchanged ${c.unchanged}, unmatched ${c.unmatched}, ambiguous ${c.ambiguous}, invalid ${c.invalid}, failed ${c.failed}`;
}

/** `?page=N` read as a page number from 1. */
export function pageNumber(value: unknown): number {
  const n = Number(typeof value === 'string' ? value : 1);
  return Number.isInteger(n) && n >= 1 ? n : 1;
}

/**
 * "Rows 101–200 of 460" with previous and next links; `href(page)` builds a page's address (escaped here).
 */
export function pager(p: {
  page: number;
  perPage: number;
  total: number;
  noun: string;
  href: (page: number) => string;
}): string {
  if (p.total === 0) return '';
  const first = (p.page - 1) * p.perPage + 1;
  const last = Math.min(p.total, p.page * p.perPage);
  const shown =
    first > p.total
      ? `No ${p.noun} on page ${p.page} of ${p.total}`
      : `${p.noun} ${first}–${last} of ${p.total}`;
  const links = [
    p.page > 1 ? `<a rel="prev" href="${e(p.href(p.page - 1))}">← Previous ${p.perPage}</a>` : '',
    last < p.total ? `<a rel="next" href="${e(p.href(p.page + 1))}">Next ${p.perPage} →</a>` : ''
  ].filter(Boolean);
  return `<nav class="pager" aria-label="${e(p.noun)} pages"><span>${e(shown.charAt(0).toUpperCase() + shown.slice(1))}</span> ${links.join(' · ')}</nav>`;
}
