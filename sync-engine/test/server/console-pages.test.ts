/**
 * The console over HTTP (issue 13): the integrations listed as soon as an org connects; Run now, pause and
 * resume from the integrations table; a run's page with its counts, plan, calls, duration, rejected rows by
 * reason and a page of them at a time, the CSV download, and progress while it runs; the history filtered and
 * paged. Everything of the operator's orgs only, and every action behind the form's token.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { parse } from 'csv-parse/sync';
import { connectThroughBrowser } from '../../demo/browser-oauth.js';
import { SAMPLE_REPORT_IDS } from '../../emulators/insights/sample-reports.js';
import { noRows, type RunResult } from '../../src/domain/run-result.js';
import { sourceFor } from '../../src/engine/start-engine.js';
import { escapeHtml } from '../../src/server/html.js';
import type { ReportSource } from '../../src/sources/report-source.js';
import {
  COMPLETED,
  createIntegration,
  endedRun,
  startSchedulerHarness,
  type SchedulerHarness
} from '../scheduler/scheduler-harness.js';
import { waitFor } from '../wait-for.js';

const request = (url: string, cookie?: string, init: RequestInit = {}) =>
  fetch(url, { redirect: 'manual', ...init, headers: { ...(cookie ? { cookie } : {}), ...init.headers } });

const post = (url: string, cookie: string | undefined, body: string) =>
  request(url, cookie, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body
  });

const csrfOf = (html: string) => /name="csrf" value="([^"]+)"/.exec(html)![1]!;
/** The body of the page's last table (the listing on the history and run pages). */
const lastTableBody = (html: string) => html.slice(html.lastIndexOf('<tbody>'), html.lastIndexOf('</tbody>'));
const runLinks = (html: string) =>
  [...lastTableBody(html).matchAll(/href="\/runs\/([^"/?]+)"/g)].map((m) => m[1]);

/** A key a spreadsheet would run as a formula. */
const FORMULA_KEY = "=cmd|' /C calc'!A0";

/** A finished run's result as the pipeline hands it to the store. */
function resultOf(over: Partial<RunResult>): RunResult {
  const at = new Date();
  return {
    integrationName: 'Console logins',
    reportName: 'Logins Review',
    targetObject: 'Lead',
    status: 'Completed',
    dryRun: false,
    startedAt: new Date(at.getTime() - 65_000),
    endedAt: at,
    counts: noRows(),
    apiCalls: 3,
    strategy: { match: 'soql', write: 'collections' },
    rejected: [],
    rejectedOmitted: 0,
    rejectedByReason: [],
    changesSample: [],
    log: ['done'],
    ...over
  };
}

describe('the console', () => {
  let h: SchedulerHarness;
  let now = new Date();
  let cookie: string;
  let loginsId: string;
  let consoleRunId: string;
  // The catalog push at connect waits until the test lets it go: a report source that is slow to list.
  let releaseCatalog!: () => void;
  const catalogHeld = new Promise<void>((resolve) => (releaseCatalog = resolve));
  let real: ReportSource | undefined;
  const inner = () => (real ??= sourceFor(h.config));
  const source: ReportSource = {
    listReports: async () => {
      await catalogHeld;
      return await inner().listReports();
    },
    getReport: (id) => inner().getReport(id),
    readRows: (id) => inner().readRows(id)
  };
  const csrf = async (who = cookie) => csrfOf(await (await request(`${h.engine.url}/`, who)).text());
  const integrationPath = (id: string, action: string, orgId = h.orgId) =>
    `${h.engine.url}/integrations/${orgId}/${id}/${action}`;

  before(async () => {
    h = await startSchedulerHarness({ connect: false, engine: { runNow: false, clock: () => now, source } });
    // The Logins Review export gets one more row, whose email a spreadsheet would take for a formula.
    const logins = h.insights.reports.find((r) => r.info.id === SAMPLE_REPORT_IDS.loginsReview)!;
    const rows = logins.rows.bind(logins);
    logins.rows = function* () {
      yield* rows();
      yield logins.info.columns.map((c) => (c.name === 'Email' ? FORMULA_KEY : ''));
    };
    loginsId = await createIntegration(h, 'Console logins');
  });
  after(async () => {
    releaseCatalog();
    await h?.stop();
  });

  test('lists the org’s integrations as soon as the connect completes', async () => {
    try {
      const flow = await connectThroughBrowser(h.engine.url!, 'sandbox');
      assert.equal(flow.status, 200, flow.body);
      cookie = flow.cookie!;
      const home = await (await request(`${h.engine.url}/`, cookie)).text();
      assert.doesNotMatch(home, /No integration found/);
      assert.match(home, /<td>Console logins<\/td>/);
      assert.match(home, /aria-label="Run now: Console logins"/);
      assert.match(flow.body, /Integrations found: Console logins\./);
    } finally {
      releaseCatalog();
      await h.engine.scheduler.setups.get(h.orgId);
    }
  });

  test('Run now starts a run that completes; its page shows counts, plan, calls, duration and reasons', async () => {
    const res = await post(
      integrationPath(loginsId, 'run'),
      cookie,
      `csrf=${encodeURIComponent(await csrf())}`
    );
    assert.equal(res.status, 303);
    const location = res.headers.get('location')!;
    consoleRunId = /^\/runs\/([0-9a-f-]{36})$/.exec(location)![1]!;
    const run = await endedRun(h, consoleRunId);
    assert.ok(COMPLETED.includes(run.status), run.error ?? run.status);
    assert.equal(run.trigger, 'Manual');
    assert.match(run.requestKey, /^console:/);
    const c = run.counts!;
    assert.ok(c.updated > 0 && c.unmatched > 100, JSON.stringify(c));

    const html = await (await request(`${h.engine.url}${location}`, cookie)).text();
    assert.match(html, /<h1>Run of Console logins<\/h1>/);
    assert.match(html, /<th scope="row">Org<\/th><td>Acme \(Sandbox\) \(sandbox\) <small>/);
    assert.match(html, /<th scope="row">Trigger<\/th><td>Manual<\/td>/);
    assert.match(html, /<th scope="row">Dry run<\/th><td>No<\/td>/);
    assert.ok(html.includes(`<span class="status-${run.status.replaceAll(' ', '-')}">${run.status}</span>`));
    const cells = [c.read, c.updated, c.unchanged, c.unmatched, c.ambiguous, c.invalid, c.failed];
    assert.ok(html.includes(`<tr>${cells.map((n) => `<td>${n}</td>`).join('')}</tr>`), 'the counts');
    assert.match(
      html,
      /<th scope="row">Plan<\/th><td>match with SOQL queries, five to a \/composite call; write with sObject Collections, one per call \(forecast: 1 call to match, 1 to write\)<\/td>/
    );
    assert.ok(html.includes(`<th scope="row">API calls</th><td>${run.apiCalls}</td>`));
    assert.match(html, /<th scope="row">Duration<\/th><td>[\d.]+ s<\/td>/);
    assert.match(html, /<th scope="row">Started<\/th><td>\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC<\/td>/);
    assert.ok(run.rejectedByReason.length > 1);
    for (const { reason, rows } of run.rejectedByReason)
      assert.ok(html.includes(`<tr><td>${escapeHtml(reason)}</td><td>${rows}</td></tr>`), reason);
    assert.doesNotMatch(html, /http-equiv="refresh"/, 'a finished run does not reload');
    assert.doesNotMatch(html, /more rows not kept/);
    assert.ok(html.includes(escapeHtml(run.log[0])), 'the log');
  });

  test('the run page lists the rejected rows 100 at a time', async () => {
    const kept = await h.engine.ctx.store.runs.countRowResults(consoleRunId);
    assert.ok(kept > 200, `${kept} rows kept`);
    const rowNumbers = (html: string) =>
      [...lastTableBody(html).matchAll(/<tr><td>(\d+)<\/td>/g)].map((m) => Number(m[1]));
    const expected = async (offset: number) =>
      (await h.engine.ctx.store.runs.rowResults(consoleRunId, { limit: 100, offset })).map((r) => r.row);

    const first = await (await request(`${h.engine.url}/runs/${consoleRunId}`, cookie)).text();
    assert.deepEqual(rowNumbers(first), await expected(0));
    assert.ok(first.includes(`Rows 1–100 of ${kept}`));
    assert.ok(first.includes(`<a rel="next" href="/runs/${consoleRunId}?page=2">`));
    assert.doesNotMatch(first, /rel="prev"/);
    assert.ok(
      first.includes(`<a href="/runs/${consoleRunId}/rejected.csv">Download rejected rows (CSV)</a>`)
    );

    const second = await (await request(`${h.engine.url}/runs/${consoleRunId}?page=2`, cookie)).text();
    assert.deepEqual(rowNumbers(second), await expected(100));
    assert.ok(second.includes(`Rows 101–200 of ${kept}`));
    assert.ok(second.includes(`<a rel="prev" href="/runs/${consoleRunId}?page=1">`));
    assert.ok(second.includes(`<a rel="next" href="/runs/${consoleRunId}?page=3">`));

    const past = await (await request(`${h.engine.url}/runs/${consoleRunId}?page=999`, cookie)).text();
    const lastPage = Math.ceil(kept / 100);
    assert.deepEqual(rowNumbers(past), await expected((lastPage - 1) * 100), 'past the end: the last page');
  });

  test('the rejected rows download as CSV, formula-safe', async () => {
    const res = await request(`${h.engine.url}/runs/${consoleRunId}/rejected.csv`, cookie);
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type')!, /^text\/csv; charset=utf-8/);
    assert.match(
      res.headers.get('content-disposition')!,
      /^attachment; filename="?rejected-rows-Console-logins-\d{4}-\d\d-\d\d\.csv"?$/
    );
    const records = parse(await res.text()) as string[][];
    assert.deepEqual(records[0], ['Row', 'Key', 'Outcome', 'Status Code', 'Reason', 'Record Ids']);
    assert.equal(records.length - 1, await h.engine.ctx.store.runs.countRowResults(consoleRunId));
    const formula = records.find((r) => r[1]!.includes('cmd|'));
    assert.equal(formula?.[1], `'${FORMULA_KEY}`, 'the formula is neutralised');
    for (const record of records) for (const cell of record) assert.doesNotMatch(cell, /^[=+\-@\t\r]/);
  });

  test('a run in progress shows where it stands and reloads itself; a run past the cap says so', async () => {
    const { runs } = h.engine.ctx.store;
    // Recorded without a name, as the sweep records a missed Run Now: the page names it from the org.
    const { run } = await runs.request({
      orgId: h.orgId,
      integrationId: loginsId,
      integrationName: '',
      trigger: 'Manual',
      requestKey: 'test:in-progress'
    });
    const url = `${h.engine.url}/runs/${run.id}`;
    const queued = await (await request(url, cookie)).text();
    assert.match(queued, /<meta http-equiv="refresh" content="3">/);
    assert.match(queued, /Queued: waiting for a worker/);
    assert.match(queued, /<h1>Run of Console logins<\/h1>/);

    await runs.start(run.id, 'test-worker');
    await runs.setProgress(run.id, { phase: 'matching', rowsRead: 250, matched: 120, written: 0 });
    const running = await (await request(url, cookie)).text();
    assert.match(running, /<meta http-equiv="refresh" content="3">/);
    assert.match(running, /Running — matching: 250 rows read, 120 matched, 0 records written/);
    assert.match(running, /<th scope="row">Duration<\/th><td>[\d.]+ s so far<\/td>/);
    assert.match(running, /<th scope="row">Plan<\/th><td>not chosen yet<\/td>/);

    await h.engine.ctx.store.db.transaction((tx) =>
      runs.finish(
        run.id,
        resultOf({
          status: 'Completed with errors',
          counts: { ...noRows(), read: 10_009, unmatched: 10_007, updated: 2 },
          strategy: { match: 'bulk-query', write: 'bulk-ingest' },
          rejected: [1, 2, 3].map((row) => ({
            row,
            key: `k${row}@x.test`,
            outcome: 'unmatched',
            recordIds: []
          })),
          rejectedOmitted: 10_004,
          rejectedByReason: [{ reason: 'unmatched', rows: 10_007 }]
        }),
        tx
      )
    );
    const ended = await (await request(url, cookie)).text();
    assert.doesNotMatch(ended, /http-equiv="refresh"/);
    assert.match(ended, /<tr><td>unmatched<\/td><td>10007<\/td><\/tr>/);
    assert.match(ended, /10004 more rows not kept/);
    assert.match(ended, /match with one Bulk API 2\.0 query job; write with one Bulk API 2\.0 ingest job/);
    assert.match(ended, /<th scope="row">Duration<\/th><td>1 min 5 s<\/td>/);
    assert.doesNotMatch(ended, /rel="next"/, 'three rows: one page');
  });

  test('the history filters by integration and status, 50 runs a page', async () => {
    const npsId = await createIntegration(h, 'Console nps');
    await h.engine.scheduler.refreshIntegrations();
    const { runs, db } = h.engine.ctx.store;
    for (let i = 0; i < 55; i += 1) {
      const { run } = await runs.request({
        orgId: h.orgId,
        integrationId: npsId,
        integrationName: 'Console nps',
        trigger: 'Scheduled',
        requestKey: `history:${i}`
      });
      if (i < 30) await runs.fail(run.id, `failure ${i}`);
      else
        await db.transaction((tx) => runs.finish(run.id, resultOf({ integrationName: 'Console nps' }), tx));
    }
    const nps = encodeURIComponent(`${h.orgId}/${npsId}`);
    const first = await (await request(`${h.engine.url}/runs?integration=${nps}`, cookie)).text();
    assert.match(first, /<label for="integration">Integration<\/label>/);
    assert.match(first, /<label for="status">Status<\/label>/);
    assert.ok(
      first.includes(
        `<option value="${h.orgId}/${npsId}" selected>Console nps — Acme (Sandbox) (sandbox)</option>`
      )
    );
    assert.ok(
      first.includes(
        `<option value="${h.orgId}/${loginsId}">Console logins — Acme (Sandbox) (sandbox)</option>`
      )
    );
    assert.equal(runLinks(first).length, 50);
    assert.ok(first.includes('Runs 1–50 of 55'));
    assert.doesNotMatch(lastTableBody(first), /Console logins/);
    assert.ok(first.includes(`<a rel="next" href="/runs?integration=${nps}&amp;page=2">`));
    const second = await (await request(`${h.engine.url}/runs?integration=${nps}&page=2`, cookie)).text();
    assert.equal(runLinks(second).length, 5);
    assert.ok(second.includes('Runs 51–55 of 55'));
    assert.equal(new Set([...runLinks(first), ...runLinks(second)]).size, 55, 'no run on both pages');

    const failed = await (
      await request(`${h.engine.url}/runs?integration=${nps}&status=Failed`, cookie)
    ).text();
    assert.ok(failed.includes('Runs 1–30 of 30'));
    assert.equal((lastTableBody(failed).match(/class="status-Failed"/g) ?? []).length, 30);
    assert.match(failed, /<option value="Failed" selected>Failed<\/option>/);

    const problems = await (await request(`${h.engine.url}/runs?status=problems`, cookie)).text();
    const problemRuns = await runs.list({ statuses: ['Failed', 'Completed with errors'], limit: 100 });
    assert.ok(problems.includes(`of ${problemRuns.total}`));
    assert.doesNotMatch(lastTableBody(problems), /class="status-Completed"/);
    assert.match(lastTableBody(problems), /Console logins/);

    const home = await (await request(`${h.engine.url}/`, cookie)).text();
    const all = await runs.list({ limit: 1 });
    assert.equal(runLinks(home).length, 10, 'the home page lists the latest runs');
    assert.ok(home.includes(`<a href="/runs">All ${all.total} runs</a>`));
  });

  test('a paused integration’s due slot passes without a run; resumed, its next slot runs', async () => {
    const { schedules, runs } = h.engine.ctx.store;
    const logins = async () => (await schedules.list(h.orgId)).find((s) => s.integrationId === loginsId)!;
    const scheduledAt = async (slot: Date) =>
      (await runs.forIntegration(h.orgId, loginsId)).find(
        (r) => r.requestKey === `scheduled:${slot.toISOString()}`
      );

    const paused = await post(
      integrationPath(loginsId, 'pause'),
      cookie,
      `csrf=${encodeURIComponent(await csrf())}`
    );
    assert.equal(paused.status, 303);
    assert.equal(paused.headers.get('location'), '/');
    assert.equal((await logins()).pausedBy, h.org.username);
    const home = await (await request(`${h.engine.url}/`, cookie)).text();
    assert.match(home, new RegExp(`Paused by ${h.org.username.replaceAll('.', '\\.')} since \\d{4}-`));
    assert.match(home, /aria-label="Resume: Console logins">Resume<\/button>/);
    assert.match(home, /skipped while paused/);

    const slot = (await logins()).nextDueAt!;
    now = new Date(slot.getTime() + 1_000);
    await h.engine.scheduler.tick();
    assert.equal(await scheduledAt(slot), undefined, 'no run for the paused slot');
    const next = (await logins()).nextDueAt!;
    assert.ok(next > slot, 'the slot passed');

    const resumed = await post(
      integrationPath(loginsId, 'resume'),
      cookie,
      `csrf=${encodeURIComponent(await csrf())}`
    );
    assert.equal(resumed.status, 303);
    assert.equal((await logins()).pausedAt, null);
    assert.match(
      await (await request(`${h.engine.url}/`, cookie)).text(),
      /aria-label="Pause: Console logins">Pause</
    );
    now = new Date(next.getTime() + 1_000);
    await h.engine.scheduler.tick();
    const run = await waitFor('the resumed slot’s run', () => scheduledAt(next));
    assert.ok(COMPLETED.includes((await endedRun(h, run.id)).status));
  });

  test('another org’s runs and integrations are answered as absent', async () => {
    const flow = await connectThroughBrowser(h.engine.url!, 'production');
    assert.equal(flow.status, 200, flow.body);
    const other = flow.cookie!;
    await h.engine.scheduler.setups.get(h.orgs.orgs.production.orgId);
    for (const path of [`/runs/${consoleRunId}`, `/runs/${consoleRunId}/rejected.csv`]) {
      const res = await request(`${h.engine.url}${path}`, other);
      assert.equal(res.status, 404, path);
      assert.doesNotMatch(await res.text(), /Console logins/);
    }
    const history = await (await request(`${h.engine.url}/runs`, other)).text();
    assert.equal(runLinks(history).length, 0);
    assert.doesNotMatch(history, /Console logins|Console nps/);
    const filtered = await (
      await request(`${h.engine.url}/runs?integration=${encodeURIComponent(`${h.orgId}/${loginsId}`)}`, other)
    ).text();
    assert.equal(runLinks(filtered).length, 0);
    const token = encodeURIComponent(await csrf(other));
    const before = (await h.engine.ctx.store.runs.list({ limit: 1 })).total;
    for (const action of ['run', 'pause']) {
      assert.equal(
        (await post(integrationPath(loginsId, action), other, `csrf=${token}`)).status,
        404,
        action
      );
    }
    assert.equal((await h.engine.ctx.store.runs.list({ limit: 1 })).total, before, 'no run requested');
    assert.ok((await h.engine.ctx.store.schedules.list(h.orgId)).every((s) => s.pausedAt === null));
    assert.equal((await request(`${h.engine.url}/runs/no-such-run`, cookie)).status, 404);
  });

  test('actions without the form’s token are refused', async () => {
    const before = (await h.engine.ctx.store.runs.list({ limit: 1 })).total;
    for (const body of ['', 'csrf=forged']) {
      for (const action of ['run', 'pause', 'resume']) {
        const res = await post(integrationPath(loginsId, action), cookie, body);
        assert.equal(res.status, 403, `${action} ${body}`);
        assert.match(await res.text(), /This form expired/);
      }
    }
    assert.equal((await h.engine.ctx.store.runs.list({ limit: 1 })).total, before);
    assert.ok((await h.engine.ctx.store.schedules.list(h.orgId)).every((s) => s.pausedAt === null));
  });

  test('Run now is refused, saying why, for an account that needs reconnection', async () => {
    await h.engine.ctx.store.accounts.markNeedsReconnection(h.orgId, 'The refresh token was revoked.');
    const home = await (await request(`${h.engine.url}/`, cookie)).text();
    assert.match(home, /aria-label="Run now: Console logins" disabled>Run now<\/button>/);
    assert.match(home, /Reconnect the account to run it\./);
    const before = (await h.engine.ctx.store.runs.list({ limit: 1 })).total;
    const res = await post(
      integrationPath(loginsId, 'run'),
      cookie,
      `csrf=${encodeURIComponent(csrfOf(home))}`
    );
    assert.equal(res.status, 409);
    const page = await res.text();
    assert.match(page, /Console logins cannot run now/);
    assert.match(page, /Acme \(Sandbox\) \(sandbox\) needs reconnection: The refresh token was revoked\./);
    assert.match(page, /Reconnect the account from the console/);
    assert.equal((await h.engine.ctx.store.runs.list({ limit: 1 })).total, before);
  });
});
