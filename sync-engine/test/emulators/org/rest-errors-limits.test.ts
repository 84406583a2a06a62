import { after, before, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Connection } from '@jsforce/jsforce-node';
import { startOrgEmulator, type OrgEmulator, type OrgHandle } from '../../../emulators/org/start.js';

describe('org emulator REST: errors, limits, accounting and faults', () => {
  let emulator: OrgEmulator;
  let org: OrgHandle;
  let conn: Connection;
  let leadId: string;
  before(async () => {
    emulator = await startOrgEmulator({ seed: false, dailyApiLimit: 15_000 });
    org = emulator.orgs.sandbox;
    leadId = org.data.load('Lead', [{ LastName: 'L', Company: 'Acme' }])[0].Id;
    conn = new Connection({
      oauth2: { loginUrl: org.loginUrl, clientId: org.clientId, clientSecret: org.clientSecret },
      version: '62.0'
    });
    await conn.login(org.username, org.password);
  });
  after(() => emulator.stop());
  beforeEach(() => {
    org.faults.reset();
    org.quota.set({ remaining: org.quota.max });
    org.calls.reset();
  });

  const base = () => `${org.instanceUrl}/services/data/v62.0`;
  const auth = () => ({ Authorization: `Bearer ${conn.accessToken}` });

  test('the sandbox is a sandbox', async () => {
    const result = await conn.query<{ IsSandbox: boolean }>('SELECT IsSandbox FROM Organization');
    assert.equal(result.records[0].IsSandbox, true);
    assert.equal(org.username, 'admin@acme.example.sandbox');
  });

  test('missing or invalid token → 401 INVALID_SESSION_ID; unknown route → 404 NOT_FOUND', async () => {
    for (const headers of [{}, { Authorization: 'Bearer nope' }] as Array<Record<string, string>>) {
      const res = await fetch(`${base()}/limits`, { headers });
      assert.equal(res.status, 401);
      assert.deepEqual(await res.json(), [
        { message: 'Session expired or invalid', errorCode: 'INVALID_SESSION_ID' }
      ]);
    }
    const unknown = await fetch(`${base()}/nothing/here`, { headers: auth() });
    assert.equal(unknown.status, 404);
    assert.match(unknown.headers.get('content-type')!, /^application\/json;charset=UTF-8$/);
    assert.deepEqual(await unknown.json(), [
      { message: 'The requested resource does not exist', errorCode: 'NOT_FOUND' }
    ]);
    const badVersion = await fetch(`${org.instanceUrl}/services/data/v99.0/limits`, { headers: auth() });
    assert.equal(badVersion.status, 404);
  });

  test('malformed JSON → 400 JSON_PARSER_ERROR', async () => {
    const res = await fetch(`${base()}/composite/sobjects`, {
      method: 'PATCH',
      headers: { ...auth(), 'Content-Type': 'application/json' },
      body: '{"allOrNone": false, "records": [ {'
    });
    assert.equal(res.status, 400);
    const body = (await res.json()) as Array<{ errorCode: string }>;
    assert.equal(body[0].errorCode, 'JSON_PARSER_ERROR');
  });

  test('a URI over 16,384 bytes → 414; URI plus headers over it → 431', async () => {
    const longQuery = `SELECT Id FROM Lead WHERE Email IN (${Array.from({ length: 900 }, (_, i) => `'someone.${i}@example.com'`).join(',')})`;
    await assert.rejects(async () => conn.query(longQuery), { name: 'ERROR_HTTP_414' });
    const res = await fetch(`${base()}/limits`, { headers: { ...auth(), 'X-Padding': 'p'.repeat(16_400) } });
    assert.equal(res.status, 431);
  });

  test('Sforce-Limit-Info is parsed by jsforce; /limits reports the quota; calls are counted by kind', async () => {
    await conn.query('SELECT Id FROM Lead');
    await conn.sobject('Lead').describe();
    const limits = await conn.limits();
    assert.equal(limits.DailyApiRequests.Max, 15_000);
    assert.equal(conn.limitInfo.apiUsage?.limit, 15_000);
    assert.equal(conn.limitInfo.apiUsage?.used, 15_000 - limits.DailyApiRequests.Remaining);
    assert.deepEqual(org.calls.byKind, { query: 1, describe: 1, limits: 1 });
    assert.equal(org.calls.total, 3);
    const versions = await fetch(`${org.instanceUrl}/services/data/`);
    assert.equal(versions.headers.get('sforce-limit-info'), null);
    assert.equal(org.calls.total, 3);
  });

  test('an exhausted quota → 403 REQUEST_LIMIT_EXCEEDED', async () => {
    org.quota.set({ remaining: 1 });
    await conn.query('SELECT Id FROM Lead');
    await assert.rejects(
      async () => conn.query('SELECT Id FROM Lead'),
      (thrown: unknown) => {
        const e = thrown as Error & { errorCode: string };
        assert.equal(e.errorCode, 'REQUEST_LIMIT_EXCEEDED');
        assert.equal(e.message, 'TotalRequests Limit exceeded.');
        return true;
      }
    );
    org.quota.set({ remaining: 10 });
    org.faults.exhaustQuota();
    assert.equal(org.quota.remaining, 0);
    await assert.rejects(conn.limits(), { name: 'REQUEST_LIMIT_EXCEEDED' });
  });

  test('latency and 503 SERVER_UNAVAILABLE on PATCH (never retried by jsforce)', async () => {
    org.faults.latencyMs = 150;
    const started = performance.now();
    await conn.sobject('Lead').update({ Id: leadId, Title: 'slow' });
    assert.ok(performance.now() - started >= 140);
    org.faults.latencyMs = 0;
    org.faults.serviceUnavailableShare = 1;
    org.faults.serviceUnavailableMethods = ['PATCH'];
    await assert.rejects(conn.sobject('Lead').update([{ Id: leadId, Title: 'x' }]), {
      name: 'SERVER_UNAVAILABLE'
    });
    assert.equal((await conn.query('SELECT Id FROM Lead')).totalSize, 1);
  });

  test('the control endpoint steers faults and quota from outside', async () => {
    const control = `${org.instanceUrl}/_emulator`;
    await fetch(`${control}/faults`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ lockedIds: [leadId] })
    });
    const [result] = (await conn.sobject('Lead').update([{ Id: leadId, Title: 'x' }])) as Array<{
      errors: Array<{ statusCode: string }>;
    }>;
    assert.equal(result.errors[0].statusCode, 'UNABLE_TO_LOCK_ROW');
    await fetch(`${control}/quota`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ max: 500, remaining: 400 })
    });
    const state = (await (await fetch(`${control}/state`)).json()) as {
      quota: { max: number; remaining: number };
    };
    assert.deepEqual(state.quota, { max: 500, remaining: 400 });
    org.quota.set({ max: 15_000, remaining: 15_000 });
  });

  test('a control-endpoint rule can block a save as a duplicate rule does (DUPLICATES_DETECTED)', async () => {
    const rule = await fetch(`${org.instanceUrl}/_emulator/validation-rules`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({
        object: 'Account',
        field: 'Name',
        pattern: '^Easy Spaces$',
        message: 'Use one of these records?',
        statusCode: 'DUPLICATES_DETECTED'
      })
    });
    assert.equal(rule.status, 200);
    const [result] = (await conn
      .sobject('Account')
      .create([{ Name: 'Easy Spaces' }], { allOrNone: false })) as Array<{
      errors: Array<{ statusCode: string; message: string; fields: string[] }>;
    }>;
    assert.deepEqual(result.errors, [
      { statusCode: 'DUPLICATES_DETECTED', message: 'Use one of these records?', fields: ['Name'] }
    ]);
  });
});
