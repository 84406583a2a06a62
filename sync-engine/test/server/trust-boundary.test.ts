/**
 * What a stranger who can reach the engine cannot do (issue 10, first part): connect an org the operator did
 * not allow, read metrics, frame or script the console; and the settings that keep a fresh install closed.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { checkExposure, isOrgAllowed, loadConfig } from '../../src/config.js';
import { startEngine } from '../../src/engine/start-engine.js';
import { metricsRefusal } from '../../src/server/app.js';
import { connectThroughBrowser, signInThroughBrowser } from '../../demo/browser-oauth.js';
import { startEngineHarness, type EngineHarness } from './engine-harness.js';

describe('trust boundary: which orgs, where the engine listens, what a browser may do', () => {
  let h: EngineHarness;
  before(async () => {
    h = await startEngineHarness(
      { runNow: false },
      { population: 5 },
      {
        allowedOrgIds: ['00D000000000001'],
        metricsToken: 'scrape-me'
      }
    );
  });
  after(async () => {
    await h?.stop();
  });

  test('an org outside ENGINE_ALLOWED_ORG_IDS is refused at connect, named, and nothing is stored', async () => {
    const flow = await connectThroughBrowser(h.engine.url!, 'sandbox');
    assert.equal(flow.status, 403);
    assert.match(
      flow.body,
      new RegExp(`The org ${h.orgs.orgs.sandbox.orgId} is not in ENGINE_ALLOWED_ORG_IDS`)
    );
    assert.deepEqual(await h.engine.ctx.store.accounts.list(), []);
  });

  test('a user of an org outside ENGINE_ALLOWED_ORG_IDS cannot sign in: the org and the variable are named', async () => {
    const flow = await signInThroughBrowser(h.engine.url!, 'sandbox');
    assert.equal(flow.status, 403);
    assert.match(
      flow.body,
      new RegExp(`The org ${h.orgs.orgs.sandbox.orgId} is not in ENGINE_ALLOWED_ORG_IDS`)
    );
    assert.equal(
      (await fetch(`${h.engine.url}/`, { redirect: 'manual', headers: { cookie: flow.cookie! } })).status,
      303
    );
  });

  test('pages carry a CSP without script, no framing, nosniff and no referrer', async () => {
    const res = await fetch(`${h.engine.url}/healthz`);
    const csp = res.headers.get('content-security-policy') ?? '';
    assert.match(csp, /default-src 'none'/);
    assert.match(csp, /frame-ancestors 'none'/);
    assert.doesNotMatch(csp, /script-src|unsafe-inline/);
    assert.equal(res.headers.get('x-content-type-options'), 'nosniff');
    assert.equal(res.headers.get('referrer-policy'), 'no-referrer');
  });

  test('with ENGINE_METRICS_TOKEN, /metrics needs it as a Bearer token', async () => {
    assert.equal((await fetch(`${h.engine.url}/metrics`)).status, 401);
    const wrong = await fetch(`${h.engine.url}/metrics`, { headers: { authorization: 'Bearer scrape-you' } });
    assert.equal(wrong.status, 401);
    const right = await fetch(`${h.engine.url}/metrics`, { headers: { authorization: 'Bearer scrape-me' } });
    assert.equal(right.status, 200);
    assert.match(await right.text(), /walkme_/);
  });

  test('/healthz tells anyone whether the engine is up; its per-org detail needs the metrics token', async () => {
    const summary = (await (await fetch(`${h.engine.url}/healthz`)).json()) as Record<string, unknown>;
    assert.deepEqual(summary, { status: 'ok', database: 'pglite', orgs: { total: 0, ok: 0 } });
    const detailed = (await (
      await fetch(`${h.engine.url}/healthz`, { headers: { authorization: 'Bearer scrape-me' } })
    ).json()) as Record<string, unknown>;
    assert.deepEqual(detailed.orgs, []);
  });

  test('without a metrics token, only this machine reads /metrics', () => {
    assert.equal(metricsRefusal(undefined, '127.0.0.1', undefined), undefined);
    assert.equal(metricsRefusal(undefined, '::ffff:127.0.0.1', undefined), undefined);
    assert.equal(metricsRefusal(undefined, '::1', undefined), undefined);
    assert.equal(metricsRefusal(undefined, '203.0.113.7', undefined)?.status, 403);
    assert.match(metricsRefusal(undefined, '203.0.113.7', undefined)!.message, /ENGINE_METRICS_TOKEN/);
  });
});

describe('settings that keep a fresh install closed', () => {
  test('the engine listens on loopback unless HOST says otherwise', () => {
    assert.equal(loadConfig({}).host, '127.0.0.1');
    assert.equal(
      loadConfig({ HOST: '0.0.0.0', ENGINE_ALLOWED_ORG_IDS: '00D000000000001AAA' }).host,
      '0.0.0.0'
    );
  });

  test('ENGINE_ALLOWED_ORG_IDS takes 15- and 18-character ids, compared on their 15 characters', () => {
    const config = loadConfig({ ENGINE_ALLOWED_ORG_IDS: '00D000000000001AAA, 00D00000000000B' });
    assert.deepEqual(config.allowedOrgIds, ['00D000000000001', '00D00000000000B']);
    assert.ok(isOrgAllowed(config, '00D000000000001'));
    assert.ok(isOrgAllowed(config, '00D00000000000BEAQ'));
    assert.ok(!isOrgAllowed(config, '00D00000000000b'), 'org ids are case-sensitive');
    assert.ok(isOrgAllowed(loadConfig({}), '00D000000000009'), 'unset: any org (loopback only)');
    assert.throws(
      () => loadConfig({ ENGINE_ALLOWED_ORG_IDS: '00D000000000001,acme' }),
      /ENGINE_ALLOWED_ORG_IDS: "acme" is not a Salesforce org id/
    );
  });

  test('a non-loopback HOST without ENGINE_ALLOWED_ORG_IDS refuses to start, saying why', async () => {
    assert.doesNotThrow(() => checkExposure({ host: '127.0.0.1' }));
    assert.doesNotThrow(() => checkExposure({ host: 'localhost' }));
    assert.doesNotThrow(() => checkExposure({ host: '0.0.0.0', allowedOrgIds: ['00D000000000001'] }));
    await assert.rejects(
      startEngine({ ...loadConfig({ HOST: '0.0.0.0' }), dataDir: 'memory' }, { role: 'all' }),
      /HOST=0\.0\.0\.0 exposes the engine beyond this machine, but ENGINE_ALLOWED_ORG_IDS is not set/
    );
  });

  test('DATABASE_URL without ENGINE_ENCRYPTION_KEY refuses to start and names the variable', async () => {
    await assert.rejects(
      startEngine(loadConfig({ DATABASE_URL: 'postgres://engine@127.0.0.1:1/engine' }), { role: 'none' }),
      /DATABASE_URL is set but ENGINE_ENCRYPTION_KEY is not/
    );
  });
});

describe('refresh tokens kept right', () => {
  let h: EngineHarness;
  before(async () => {
    h = await startEngineHarness({ runNow: false }, { population: 5 });
  });
  after(async () => {
    await h?.stop();
  });

  const refreshAtSalesforce = (token: string) =>
    fetch(`${h.orgs.orgs.sandbox.loginUrl}/services/oauth2/token`, {
      method: 'POST',
      body: new URLSearchParams({
        grant_type: 'refresh_token',
        refresh_token: token,
        client_id: h.orgs.orgs.sandbox.clientId,
        client_secret: h.orgs.orgs.sandbox.clientSecret
      })
    });

  test('behind a proxy on this machine, a remote client is not taken for this machine', async () => {
    const proxied = { headers: { 'x-forwarded-for': '203.0.113.9' } };
    assert.equal((await fetch(`${h.engine.url}/metrics`, proxied)).status, 403);
    const health = (await (await fetch(`${h.engine.url}/healthz`, proxied)).json()) as { orgs: unknown };
    assert.deepEqual(health.orgs, { total: 0, ok: 0 }, 'no per-org detail for a remote client');
    assert.equal((await fetch(`${h.engine.url}/metrics`)).status, 200);
  });

  test('a refresh token Salesforce rotates is stored at once and used next time', async () => {
    const { orgId } = h.orgs.orgs.sandbox;
    const flow = await connectThroughBrowser(h.engine.url!, 'sandbox');
    assert.equal(flow.status, 200, flow.body);
    await h.engine.scheduler.setups.get(orgId);
    const first = await h.engine.ctx.store.accounts.refreshToken(orgId);
    h.orgs.orgs.sandbox.options.rotateRefreshTokens = true;
    h.engine.ctx.orgs.forget(orgId);
    await h.engine.ctx.orgs.get(orgId);
    const rotated = await h.engine.ctx.store.accounts.refreshToken(orgId);
    assert.notEqual(rotated, first);
    // A fresh connection (a restart, another worker) works from the stored token.
    h.engine.ctx.orgs.forget(orgId);
    const conn = await h.engine.ctx.orgs.get(orgId);
    assert.equal((await conn.query('SELECT Id FROM Organization')).totalSize, 1);
    assert.equal((await h.engine.ctx.store.accounts.get(orgId))!.status, 'connected');
  });

  test('reconnecting an account revokes the token it replaces', async () => {
    const { orgId } = h.orgs.orgs.sandbox;
    h.orgs.orgs.sandbox.options.rotateRefreshTokens = false;
    assert.equal((await connectThroughBrowser(h.engine.url!, 'sandbox')).status, 200);
    const replaced = await h.engine.ctx.store.accounts.refreshToken(orgId);
    assert.equal(
      (await refreshAtSalesforce(replaced)).status,
      200,
      'the stored token works before reconnecting'
    );
    const flow = await connectThroughBrowser(h.engine.url!, 'sandbox');
    assert.equal(flow.status, 200, flow.body);
    assert.notEqual(await h.engine.ctx.store.accounts.refreshToken(orgId), replaced);
    const res = await refreshAtSalesforce(replaced);
    assert.equal(res.status, 400);
    assert.equal(((await res.json()) as { error: string }).error, 'invalid_grant');
  });
});
