import { after, before, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startInsightsEmulator, type InsightsEmulator } from '../../emulators/insights/start.js';
import {
  InsightsApiSource,
  INSIGHTS_REGIONS,
  type InsightsApiConfig
} from '../../src/sources/insights-api-source.js';
import { retryAfterMs } from '../../src/sources/fetch-with-retry.js';
import { integrationReports, type ReportRow } from '../../src/sources/report-source.js';

const fast = { baseDelayMs: 1, maxDelayMs: 5_000, maxAttempts: 4 };

describe('InsightsApiSource against the Insights emulator', () => {
  let emulator: InsightsEmulator;
  const source = (config: Partial<InsightsApiConfig> = {}) =>
    new InsightsApiSource({
      clientId: emulator.clientId,
      clientSecret: emulator.clientSecret,
      baseUrl: emulator.url,
      retry: fast,
      ...config
    });
  const trace = () =>
    emulator.calls.map((call) => `${call.method} ${call.path.split('?')[0]} ${call.status}`);

  before(async () => {
    emulator = await startInsightsEmulator();
  });
  beforeEach(() => {
    emulator.calls.length = 0;
    Object.assign(emulator.faults, { rateLimited: 0, serverErrors: 0, latencyMs: 0, retryAfterSeconds: 0 });
  });
  after(() => emulator.stop());

  test('lists reports and offers only the tagged ones; one token serves many calls', async () => {
    const insights = source();
    const reports = await insights.listReports();
    assert.equal(reports.length, 5);
    assert.deepEqual(
      integrationReports(reports).map((report) => report.name),
      ['Logins Review', 'NPS', 'Onboarding Completion', 'TeachMe Courses']
    );
    const nps = await insights.getReport('rpt-nps');
    assert.equal(nps.walkMeEnvironment, 'Production');
    assert.equal(nps.columns.find((column) => column.name === 'NPS Score')?.type, 'number');
    assert.deepEqual(trace(), [
      'POST /accounts/connect/token 200',
      'GET /insights/v1/reports 200',
      'GET /insights/v1/reports/rpt-nps 200'
    ]);
  });

  test('streams an export: every row, quoted comments intact', async () => {
    const insights = source();
    const info = await insights.getReport('rpt-nps');
    const stream = await insights.readRows('rpt-nps');
    assert.deepEqual(
      stream.header,
      info.columns.map((column) => column.name)
    );
    const rows: ReportRow[] = [];
    for await (const row of stream) rows.push(row);
    assert.equal(rows.length, info.rowCount);
    assert.ok(rows.every((row) => row.error === undefined));
    assert.ok(
      rows.some(
        (row) => row.values.Comment === 'Love it, but the "Getting started" flow\nskipped a step, twice'
      )
    );
  });

  test('an unknown report is named', async () => {
    await assert.rejects(source().getReport('rpt-missing'), {
      name: 'ReportNotFoundError',
      message: 'Report "rpt-missing" not found'
    });
    await assert.rejects(source().readRows('rpt-missing'), { name: 'ReportNotFoundError' });
  });

  test('wrong credentials fail clearly, without retrying', async () => {
    await assert.rejects(source({ clientSecret: 'wrong' }).listReports(), {
      name: 'InsightsCredentialsError',
      message:
        'WalkMe rejected the Insights API credentials (HTTP 401 Unauthorized invalid_client Client authentication failed): check or recreate the API key'
    });
    assert.deepEqual(trace(), ['POST /accounts/connect/token 401']);
  });

  test('credentials left unset are named by their variables, and nothing is sent', async () => {
    await assert.rejects(source({ clientId: '', clientSecret: '' }).listReports(), {
      name: 'InsightsCredentialsError',
      message:
        "WALKME_CLIENT_ID and WALKME_CLIENT_SECRET are not set: reading reports from the Insights API (REPORTS_SOURCE=insights://, the default) takes an API key's client id and secret (docs/insights-api.md)"
    });
    await assert.rejects(source({ clientSecret: '' }).getReport('rpt-nps'), {
      name: 'InsightsCredentialsError',
      message: /^WALKME_CLIENT_SECRET is not set: /
    });
    assert.deepEqual(trace(), []);
  });

  test('a token close to expiry is renewed before use', async () => {
    // The emulator's tokens live 86400 s; renewing 86400 s early means every call needs a new one.
    const insights = source({ renewBeforeExpirySeconds: 86_400 });
    await insights.listReports();
    await insights.listReports();
    assert.deepEqual(trace(), [
      'POST /accounts/connect/token 200',
      'GET /insights/v1/reports 200',
      'POST /accounts/connect/token 200',
      'GET /insights/v1/reports 200'
    ]);
  });

  test('a token that expired early (401) is renewed once and the call repeated', async () => {
    const insights = source();
    await insights.getReport('rpt-nps');
    emulator.faults.expireTokens();
    const info = await insights.getReport('rpt-nps');
    assert.equal(info.id, 'rpt-nps');
    assert.deepEqual(trace(), [
      'POST /accounts/connect/token 200',
      'GET /insights/v1/reports/rpt-nps 200',
      'GET /insights/v1/reports/rpt-nps 401',
      'POST /accounts/connect/token 200',
      'GET /insights/v1/reports/rpt-nps 200'
    ]);
  });

  test('429s are retried after Retry-After, then succeed', async () => {
    const insights = source();
    await insights.getReport('rpt-nps');
    emulator.calls.length = 0;
    emulator.faults.rateLimited = 1;
    emulator.faults.retryAfterSeconds = 1;
    const started = Date.now();
    await insights.getReport('rpt-nps');
    assert.ok(Date.now() - started >= 950, 'waited for Retry-After');
    assert.deepEqual(trace(), [
      'GET /insights/v1/reports/rpt-nps 429',
      'GET /insights/v1/reports/rpt-nps 200'
    ]);
  });

  test('5xx are retried with backoff, then a clear error after the last attempt', async () => {
    const insights = source();
    emulator.faults.serverErrors = 2;
    assert.equal((await insights.listReports()).length, 5);
    assert.deepEqual(trace(), [
      'POST /accounts/connect/token 500',
      'POST /accounts/connect/token 500',
      'POST /accounts/connect/token 200',
      'GET /insights/v1/reports 200'
    ]);

    emulator.faults.serverErrors = 10;
    await assert.rejects(insights.readRows('rpt-nps'), (error: Error & { status?: number }) => {
      assert.equal(error.name, 'ReportUnreachableError');
      assert.equal(error.status, 500);
      assert.equal(
        error.message,
        `Report "rpt-nps" export: HTTP 500 Internal Server Error at ${emulator.url}/insights/v1/reports/rpt-nps/export?format=csv (gave up after 4 attempts)`
      );
      return true;
    });
  });

  test('a Retry-After longer than allowed stops at once', async () => {
    emulator.faults.rateLimited = 5;
    emulator.faults.retryAfterSeconds = 3600;
    await assert.rejects(source().listReports(), /HTTP 429 Too Many Requests, asked to retry after 3600 s/);
    assert.equal(emulator.calls.length, 1);
  });

  test('a slow server times out and is retried within the attempt budget', async () => {
    emulator.faults.latencyMs = 300;
    await assert.rejects(source({ retry: { ...fast, maxAttempts: 2, headersTimeoutMs: 50 } }).listReports(), {
      name: 'ReportUnreachableError',
      message: `WalkMe token request: no response within 50 ms at ${emulator.url}/accounts/connect/token (gave up after 2 attempts)`
    });
    emulator.faults.latencyMs = 20;
    assert.equal((await source({ retry: { ...fast, headersTimeoutMs: 2_000 } }).listReports()).length, 5);
  });
});

describe('Insights API configuration', () => {
  test('region hosts; the US one is WalkMe documented host', () => {
    assert.equal(INSIGHTS_REGIONS.us, 'https://api.walkme.com');
    assert.match(INSIGHTS_REGIONS.eu, /^https:\/\//);
  });

  test('Retry-After as seconds or an HTTP date', () => {
    assert.equal(retryAfterMs('3'), 3000);
    assert.equal(retryAfterMs(null), undefined);
    assert.equal(retryAfterMs('soon'), undefined);
    const now = Date.parse('2026-11-20T08:00:00Z');
    assert.equal(retryAfterMs('Fri, 20 Nov 2026 08:00:05 GMT', now), 5000);
  });
});
