import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { parse } from 'csv-parse/sync';
import { startInsightsEmulator, type InsightsEmulator } from '../../../emulators/insights/start.js';

const basic = (id: string, secret: string) => `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`;

describe('Insights emulator', () => {
  let emulator: InsightsEmulator;
  let token: string;

  const tokenCall = (authorization: string | undefined, body = 'grant_type=client_credentials') =>
    fetch(`${emulator.url}/accounts/connect/token`, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        ...(authorization ? { authorization } : {})
      },
      body
    });
  const get = (path: string, bearer = token) =>
    fetch(`${emulator.url}${path}`, { headers: { authorization: `Bearer ${bearer}` } });

  before(async () => {
    emulator = await startInsightsEmulator({ clientId: 'id-1', clientSecret: 's3cret' });
    const response = await tokenCall(basic('id-1', 's3cret'));
    token = ((await response.json()) as { access_token: string }).access_token;
  });
  after(() => emulator.stop());

  test('the token call answers as WalkMe documents it', async () => {
    const response = await tokenCall(basic(emulator.clientId, emulator.clientSecret));
    assert.equal(response.status, 200);
    const body = (await response.json()) as Record<string, unknown>;
    assert.deepEqual(Object.keys(body).sort(), ['access_token', 'expires_in', 'token_type']);
    assert.equal(body.token_type, 'bearer');
    assert.equal(body.expires_in, 86400);
    assert.equal(typeof body.access_token, 'string');
    assert.notEqual(body.access_token, token);
  });

  test('wrong or missing credentials get a 401 with a JSON error; a wrong grant a 400', async () => {
    for (const authorization of [basic('id-1', 'wrong'), basic('other', 's3cret'), undefined, 'Bearer x']) {
      const response = await tokenCall(authorization);
      assert.equal(response.status, 401);
      assert.deepEqual(await response.json(), {
        error: 'invalid_client',
        error_description: 'Client authentication failed'
      });
    }
    const response = await tokenCall(basic('id-1', 's3cret'), 'grant_type=password');
    assert.equal(response.status, 400);
    assert.equal(((await response.json()) as { error: string }).error, 'unsupported_grant_type');
  });

  test('report calls need a valid bearer token', async () => {
    const response = await get('/insights/v1/reports', 'not-a-token');
    assert.equal(response.status, 401);
    assert.equal(((await response.json()) as { error: string }).error, 'invalid_token');
  });

  test('lists the sample reports with tags, columns and row counts; filters by tag', async () => {
    const all = (await (await get('/insights/v1/reports')).json()) as {
      reports: Array<{ id: string; name: string; tags: string[]; rowCount: number; columns: unknown[] }>;
    };
    assert.deepEqual(
      all.reports.map((report) => report.name),
      ['Logins Review', 'NPS', 'Onboarding Completion', 'TeachMe Courses', 'Feature Adoption (internal)']
    );
    assert.equal(all.reports[0].rowCount, 502);
    assert.deepEqual(all.reports[0].columns[0], { name: 'User ID', type: 'string' });
    const tagged = (await (await get('/insights/v1/reports?tag=integrations_salesforce')).json()) as {
      reports: Array<{ id: string }>;
    };
    assert.equal(tagged.reports.length, 4);
    assert.ok(!tagged.reports.some((report) => report.id === 'rpt-feature-adoption'));
  });

  test('describes one report; an unknown id is a 404', async () => {
    const one = (await (await get('/insights/v1/reports/rpt-nps')).json()) as { name: string };
    assert.equal(one.name, 'NPS');
    const missing = await get('/insights/v1/reports/rpt-nope');
    assert.equal(missing.status, 404);
    assert.deepEqual(await missing.json(), { error: 'not_found', message: 'Report rpt-nope not found' });
    assert.equal((await get('/insights/v1/reports/rpt-nope/export?format=csv')).status, 404);
  });

  test('exports a report as CSV with its header and every row', async () => {
    const response = await get('/insights/v1/reports/rpt-logins-review/export?format=csv');
    assert.equal(response.status, 200);
    assert.match(response.headers.get('content-type') ?? '', /^text\/csv/);
    const records = parse(await response.text()) as string[][];
    assert.deepEqual(records[0], ['User ID', 'Email', 'First Login', 'Last Login', 'Logins Last 30 Days']);
    assert.equal(records.length, 1 + 502);
    assert.equal((await get('/insights/v1/reports/rpt-nps/export?format=json')).status, 400);
  });

  test('faults: 429 with Retry-After, 500, expired tokens, latency; every call is recorded', async () => {
    emulator.calls.length = 0;
    emulator.faults.rateLimited = 1;
    emulator.faults.retryAfterSeconds = 7;
    emulator.faults.serverErrors = 1;
    const limited = await get('/insights/v1/reports');
    assert.equal(limited.status, 429);
    assert.equal(limited.headers.get('retry-after'), '7');
    assert.equal((await get('/insights/v1/reports')).status, 500);
    assert.equal((await get('/insights/v1/reports')).status, 200);

    emulator.faults.expireTokens();
    assert.equal((await get('/insights/v1/reports')).status, 401);

    emulator.faults.latencyMs = 150;
    const started = Date.now();
    await tokenCall(basic('id-1', 's3cret'));
    assert.ok(Date.now() - started >= 140);
    emulator.faults.latencyMs = 0;

    assert.deepEqual(
      emulator.calls.map((call) => `${call.method} ${call.path} ${call.status}`),
      [
        'GET /insights/v1/reports 429',
        'GET /insights/v1/reports 500',
        'GET /insights/v1/reports 200',
        'GET /insights/v1/reports 401',
        'POST /accounts/connect/token 200'
      ]
    );
  });
});
