import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { connectThroughBrowser } from '../../demo/browser-oauth.js';
import { checkAccess } from '../../src/salesforce/permission-check.js';
import { startEngineHarness, type EngineHarness } from './engine-harness.js';

const get = (url: string, cookie?: string) =>
  fetch(url, { redirect: 'manual', headers: cookie ? { cookie } : {} });

describe('connecting an org over OAuth (web server flow with PKCE)', () => {
  let h: EngineHarness;
  /** The browser that connected the Sandbox: its admin is signed in by that connect. */
  let operatorCookie: string;
  before(async () => {
    h = await startEngineHarness({ runNow: false });
  });
  after(async () => {
    await h?.stop();
  });

  test('connect redirects to the login host with state and a PKCE challenge bound to a session cookie', async () => {
    const res = await get(`${h.engine.url}/oauth/connect?environment=sandbox`);
    assert.equal(res.status, 302);
    const cookie = res.headers.get('set-cookie')!;
    assert.match(cookie, /walkme_engine_session=[^;]+;.*HttpOnly/i);
    const location = new URL(res.headers.get('location')!);
    assert.equal(location.origin, new URL(h.orgs.orgs.sandbox.loginUrl).origin);
    assert.equal(location.pathname, '/services/oauth2/authorize');
    assert.equal(location.searchParams.get('redirect_uri'), `${h.config.publicUrl}/oauth/callback`);
    const state = location.searchParams.get('state')!;
    const challenge = location.searchParams.get('code_challenge')!;
    const pending = (await h.engine.ctx.store.accounts.takePendingAuthorization(state))!;
    assert.equal(createHash('sha256').update(pending.codeVerifier).digest('base64url'), challenge);
  });

  test('the callback is refused without the browser session that started it, and a state works once', async () => {
    const start = await get(`${h.engine.url}/oauth/connect?environment=sandbox`);
    const cookie = start.headers.get('set-cookie')!.split(';')[0]!;
    const approved = await get(start.headers.get('location')!);
    const callback = approved.headers.get('location')!;
    assert.match(callback, /\/oauth\/callback\?code=/);
    const stranger = await get(callback);
    assert.equal(stranger.status, 400);
    assert.match(await stranger.text(), /not started from this browser/);
    // The refused attempt consumed the state: the right browser cannot replay it either.
    assert.equal((await get(callback, cookie)).status, 400);
    const forged = await get(callback.replace(/state=[^&]+/, 'state=forged'), cookie);
    assert.equal(forged.status, 400);
    assert.equal((await h.engine.ctx.store.accounts.list()).length, 0);
  });

  test('a wrong PKCE verifier makes the login host refuse the code', async () => {
    const start = await get(`${h.engine.url}/oauth/connect?environment=sandbox`);
    const cookie = start.headers.get('set-cookie')!.split(';')[0]!;
    const state = new URL(start.headers.get('location')!).searchParams.get('state')!;
    const approved = await get(start.headers.get('location')!);
    // Swap the stored verifier for another one, as a stolen code without its verifier would be.
    const pending = (await h.engine.ctx.store.accounts.takePendingAuthorization(state))!;
    await h.engine.ctx.store.accounts.savePendingAuthorization({ ...pending, codeVerifier: 'x'.repeat(64) });
    const res = await get(approved.headers.get('location')!, cookie);
    assert.equal(res.status, 502);
    assert.match(await res.text(), /invalid_grant|invalid_request/);
    assert.equal((await h.engine.ctx.store.accounts.list()).length, 0);
  });

  test('choosing the wrong environment is refused with a clear message and nothing is stored', async () => {
    const flow = await connectThroughBrowser(h.engine.url!, 'production', h.orgs.orgs.sandbox.loginUrl);
    assert.equal(flow.status, 403);
    assert.match(flow.body, /You chose production, but Acme \(Sandbox\) is a sandbox org/);
    assert.equal((await h.engine.ctx.store.accounts.list()).length, 0);
  });

  test('a connected org is stored with its token encrypted and gets a WalkMe_Connection__c record', async () => {
    const flow = await connectThroughBrowser(h.engine.url!, 'sandbox');
    assert.equal(flow.status, 200, flow.body);
    assert.match(flow.body, /Connected Acme \(Sandbox\)/);
    operatorCookie = flow.cookie!;
    const [account] = await h.engine.ctx.store.accounts.list();
    assert.equal(account!.orgId, h.orgs.orgs.sandbox.orgId);
    assert.equal(account!.environment, 'sandbox');
    assert.equal(account!.username, h.orgs.orgs.sandbox.username);
    await h.engine.scheduler.setups.get(account!.orgId);
    const conn = await h.engine.ctx.orgs.get(account!.orgId);
    const records = await conn.query<{ Status__c: string; Environment__c: string; Engine_URL__c: string }>(
      'SELECT Status__c, Environment__c, Engine_URL__c, Connected_User__c FROM WalkMe_Connection__c'
    );
    assert.deepEqual(
      records.records.map((r) => [r.Status__c, r.Environment__c, r.Engine_URL__c]),
      [['Connected', 'Sandbox', h.config.publicUrl]]
    );
    const reports = await conn.query<{ Report_Id__c: string }>('SELECT Report_Id__c FROM WalkMe_Report__c');
    assert.ok(reports.records.length >= 1, 'the report catalog was pushed on connect');
    const token = await h.engine.ctx.store.accounts.refreshToken(account!.orgId);
    const rows = await h.engine.ctx.store.db.query('SELECT row_to_json(a)::text AS j FROM accounts a');
    assert.ok(!JSON.stringify(rows).includes(token), 'no plaintext token in the database');
    assert.ok(!h.logs.join('\n').includes(token), 'no token in the logs');
  });

  test('the permission check names exactly what is missing; a read-only WalkMe_ field only warns', async () => {
    const conn = await h.engine.ctx.orgs.get(h.orgs.orgs.sandbox.orgId);
    assert.deepEqual(await checkAccess(conn), { missing: [], warnings: [] });
    const schema = h.orgs.orgs.sandbox.data.schema;
    schema.setFieldUpdateable('Lead', 'WalkMe_NPS_Category__c', false);
    try {
      assert.deepEqual(await checkAccess(conn), {
        missing: [],
        warnings: [
          'Lead: fields not editable by this user, so integrations cannot map them: WalkMe_NPS_Category__c'
        ]
      });
    } finally {
      schema.setFieldUpdateable('Lead', 'WalkMe_NPS_Category__c', true);
    }
    const { missing } = await checkAccess(conn, [
      { object: 'Missing_Object__c', read: true },
      { object: 'Organization', read: true, update: true }
    ]);
    assert.equal(missing.length, 2);
    assert.match(
      missing[0]!,
      /^Missing_Object__c: not visible to this user \(is the WalkMe package installed/
    );
    assert.match(missing[1]!, /^Organization: no edit access$/);
  });

  test("a wrong SF_CLIENT_ID is the engine's misconfiguration: the account is left connected", async () => {
    const orgId = h.orgs.orgs.sandbox.orgId;
    const app = h.engine.ctx.config.oauth.sandbox;
    const clientId = app.clientId;
    app.clientId = 'not-the-connected-app';
    h.engine.ctx.orgs.forget(orgId);
    try {
      await assert.rejects(
        h.engine.ctx.orgs.use(orgId, async (c) => await c.query('SELECT Id FROM Lead LIMIT 1')),
        (error: { kind?: string; message?: string }) =>
          error.kind === 'misconfigured' &&
          /invalid_client_id.*SF_CLIENT_ID or SF_CLIENT_SECRET is wrong/.test(error.message!)
      );
      const account = (await h.engine.ctx.store.accounts.get(orgId))!;
      assert.equal(account.status, 'connected');
      assert.equal(account.statusMessage, null);
    } finally {
      app.clientId = clientId;
      h.engine.ctx.orgs.forget(orgId);
    }
    await h.engine.ctx.orgs.use(orgId, async (c) => await c.query('SELECT Id FROM Lead LIMIT 1'));
  });

  test('a token revoked at Salesforce is detected at the next call; the account needs reconnection', async () => {
    const orgId = h.orgs.orgs.sandbox.orgId;
    h.orgs.orgs.sandbox.faults.revokeRefreshTokens();
    h.orgs.orgs.sandbox.faults.expireSessions();
    h.engine.ctx.orgs.forget(orgId);
    await assert.rejects(
      h.engine.ctx.orgs.use(orgId, async (c) => await c.query('SELECT Id FROM Lead LIMIT 1')),
      {
        name: 'NeedsReconnectionError',
        message: /revoked or has expired.*reconnect the account/
      }
    );
    const account = (await h.engine.ctx.store.accounts.get(orgId))!;
    assert.equal(account.status, 'needs_reconnection');
    // Every later use fails at once with the same message, without calling Salesforce again.
    const calls = h.orgs.orgs.sandbox.calls.total;
    await assert.rejects(
      h.engine.ctx.orgs.use(orgId, async () => 1),
      /reconnect the account/
    );
    assert.equal(h.orgs.orgs.sandbox.calls.total, calls);
    const page = await (await fetch(`${h.engine.url}/`, { headers: { cookie: operatorCookie } })).text();
    assert.match(page, /Needs reconnection/);
    // Reconnecting through OAuth brings it back.
    const reconnect = await connectThroughBrowser(h.engine.url!, 'sandbox', undefined, operatorCookie);
    assert.equal(reconnect.status, 200);
    operatorCookie = reconnect.cookie!;
    assert.equal((await h.engine.ctx.store.accounts.get(orgId))!.status, 'connected');
    await h.engine.scheduler.setups.get(orgId);
  });

  test('disconnect from the console revokes the token at Salesforce and deletes it here', async () => {
    const orgId = h.orgs.orgs.sandbox.orgId;
    const token = await h.engine.ctx.store.accounts.refreshToken(orgId);
    const cookie = operatorCookie;
    const consoleRes = await fetch(`${h.engine.url}/`, { headers: { cookie } });
    const csrf = /name="csrf" value="([^"]+)"/.exec(await consoleRes.text())![1]!;
    const refused = await fetch(`${h.engine.url}/accounts/${orgId}/disconnect`, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded', cookie },
      body: 'csrf=wrong'
    });
    assert.equal(refused.status, 403);
    const res = await fetch(`${h.engine.url}/accounts/${orgId}/disconnect`, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded', cookie },
      body: `csrf=${encodeURIComponent(csrf)}`
    });
    assert.equal(res.status, 303);
    assert.equal(await h.engine.ctx.store.accounts.get(orgId), undefined);
    const refresh = await fetch(`${h.orgs.orgs.sandbox.loginUrl}/services/oauth2/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'refresh_token',
        refresh_token: token,
        client_id: h.orgs.orgs.sandbox.clientId,
        client_secret: h.orgs.orgs.sandbox.clientSecret
      })
    });
    assert.equal(refresh.status, 400, 'the token no longer works at Salesforce');
  });

  test('without a connected app (no SF_CLIENT_ID) connect says what to configure instead of redirecting', async () => {
    const app = h.engine.ctx.config.oauth.production;
    const clientId = app.clientId;
    app.clientId = '';
    try {
      const res = await get(`${h.engine.url}/oauth/connect?environment=production`);
      assert.equal(res.status, 500);
      assert.match(
        await res.text(),
        /set SF_CLIENT_ID .*callback is http:\/\/localhost:\d+\/oauth\/callback/
      );
    } finally {
      app.clientId = clientId;
    }
  });

  test('health and metrics answer', async () => {
    const health = await fetch(`${h.engine.url}/healthz`);
    assert.deepEqual(await health.json(), { status: 'ok', database: 'pglite', orgs: [] });
    const metrics = await (await fetch(`${h.engine.url}/metrics`)).text();
    assert.match(metrics, /# TYPE walkme_sync_api_calls_total counter\nwalkme_sync_api_calls_total 0/);
    assert.match(metrics, /walkme_sync_run_duration_seconds_count 0/);
  });
});
