/**
 * Operators sign in with Salesforce (issue 10): strangers are refused on every route, a user needs Modify All
 * Data or WalkMe_Integration_Admin in an allowed org, and an operator sees and acts on their own orgs only.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { SAMPLE_INTEGRATION } from '../../demo/sample-integration.js';
import { connectThroughBrowser, signInThroughBrowser } from '../../demo/browser-oauth.js';
import { loadConfig } from '../../src/config.js';
import { startEngine } from '../../src/engine/start-engine.js';
import { SIGN_IN_ATTEMPTS } from '../../src/server/app.js';
import { OPERATOR_RECHECK_HOURS } from '../../src/store/operator-sessions.js';
import { startEngineHarness, type EngineHarness } from './engine-harness.js';

const request = (url: string, cookie?: string, init: RequestInit = {}) =>
  fetch(url, { redirect: 'manual', ...init, headers: { ...(cookie ? { cookie } : {}), ...init.headers } });

const post = (url: string, cookie: string | undefined, body: string) =>
  request(url, cookie, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body
  });

const csrfOf = (html: string) => /name="csrf" value="([^"]+)"/.exec(html)![1]!;

describe('operators sign in with Salesforce and see their own orgs only', () => {
  let h: EngineHarness;
  let sandboxOperator: string;
  let productionOperator: string;

  before(async () => {
    h = await startEngineHarness({ runNow: false }, { population: 5 });
  });

  /** Runs `flow` with the Sandbox's auto-approve signing in as `username`. */
  const approvingAs = async <T>(username: string, flow: () => Promise<T>): Promise<T> => {
    h.orgs.orgs.sandbox.approveAs(username);
    try {
      return await flow();
    } finally {
      h.orgs.orgs.sandbox.approveAs(undefined);
    }
  };
  after(async () => {
    await h?.stop();
  });

  test('a stranger is refused on every route but health, sign-in and the OAuth routes', async () => {
    const url = h.engine.url!;
    for (const path of ['/', '/api/accounts', '/runs', '/anything']) {
      const res = await request(`${url}${path}`);
      if (path.startsWith('/api/')) {
        assert.equal(res.status, 401, path);
        assert.equal(((await res.json()) as { error: string }).error, 'sign_in_required');
      } else {
        assert.equal(res.status, 303, path);
        assert.equal(res.headers.get('location'), '/signin');
      }
    }
    const disconnect = await post(
      `${url}/accounts/${h.orgs.orgs.sandbox.orgId}/disconnect`,
      undefined,
      'csrf=x'
    );
    assert.equal(disconnect.status, 303);
    assert.equal((await request(`${url}/healthz`)).status, 200);
    const signIn = await request(`${url}/signin`);
    assert.equal(signIn.status, 200);
    assert.match(await signIn.text(), /Sign in with Salesforce \(Production\)/);
    assert.equal((await request(`${url}/signin/salesforce?environment=sandbox`)).status, 302);
  });

  test('sign-in asks for openid with PKCE, state and a nonce, and keeps no token', async () => {
    const start = await request(`${h.engine.url}/signin/salesforce?environment=sandbox`);
    const location = new URL(start.headers.get('location')!);
    assert.equal(location.searchParams.get('scope'), 'openid api');
    assert.ok(location.searchParams.get('code_challenge'));
    assert.ok(location.searchParams.get('nonce'));
    const flow = await signInThroughBrowser(h.engine.url!, 'sandbox');
    assert.equal(flow.status, 303, flow.body);
    assert.equal(flow.location, '/');
    assert.deepEqual(await h.engine.ctx.store.accounts.list(), [], 'signing in connects nothing');
    const page = await (await request(`${h.engine.url}/`, flow.cookie)).text();
    assert.match(
      page,
      new RegExp(`Signed in to Acme \\(Sandbox\\) \\(sandbox\\) as ${h.orgs.orgs.sandbox.username}`)
    );
    assert.match(page, /not connected yet: <a href="\/oauth\/connect\?environment=sandbox/);
  });

  test('an ID token for another sign-in (nonce) is refused', async () => {
    const start = await request(`${h.engine.url}/signin/salesforce?environment=sandbox`);
    const cookie = start.headers.get('set-cookie')!.split(';')[0]!;
    const state = new URL(start.headers.get('location')!).searchParams.get('state')!;
    const approved = await request(start.headers.get('location')!);
    const pending = (await h.engine.ctx.store.accounts.takePendingAuthorization(state))!;
    await h.engine.ctx.store.accounts.savePendingAuthorization({ ...pending, nonce: 'another-sign-in' });
    const res = await request(approved.headers.get('location')!, cookie);
    assert.equal(res.status, 403);
    assert.match(await res.text(), /belongs to another sign-in \(nonce\)/);
    assert.equal((await request(`${h.engine.url}/`, cookie)).status, 303, 'not signed in');
  });

  test('a user without Modify All Data or WalkMe_Integration_Admin is refused, saying what is missing', async () => {
    const sandbox = h.orgs.orgs.sandbox;
    sandbox.addUser({
      username: 'sam.standard@acme.test.sandbox',
      firstName: 'Sam',
      lastName: 'Standard',
      profile: 'Standard User'
    });
    const flow = await approvingAs('sam.standard@acme.test.sandbox', () =>
      signInThroughBrowser(h.engine.url!, 'sandbox')
    );
    assert.equal(flow.status, 403);
    assert.match(
      flow.body,
      /sam\.standard@acme\.test\.sandbox may not operate the engine for Acme \(Sandbox\)/
    );
    assert.match(flow.body, /neither Modify All Data nor the WalkMe_Integration_Admin permission set/);
    assert.equal((await request(`${h.engine.url}/`, flow.cookie)).status, 303);
  });

  test('a user with the WalkMe_Integration_Admin permission set signs in', async () => {
    const sandbox = h.orgs.orgs.sandbox;
    sandbox.addUser({
      username: 'ivy.integrator@acme.test.sandbox',
      firstName: 'Ivy',
      lastName: 'Integrator',
      profile: 'Standard User',
      permissionSets: ['WalkMe_Integration_Admin']
    });
    const flow = await approvingAs('ivy.integrator@acme.test.sandbox', () =>
      signInThroughBrowser(h.engine.url!, 'sandbox')
    );
    assert.equal(flow.status, 303, flow.body);
  });

  test('connecting: a non-admin alone is refused; a signed-in operator may connect them', async () => {
    const sam = 'sam.standard@acme.test.sandbox';
    const alone = await approvingAs(sam, () => connectThroughBrowser(h.engine.url!, 'sandbox'));
    assert.equal(alone.status, 403);
    assert.match(
      alone.body,
      /Only an operator signed in to Acme \(Sandbox\), or one of its admins, may connect it/
    );
    assert.deepEqual(await h.engine.ctx.store.accounts.list(), []);
    sandboxOperator = (await signInThroughBrowser(h.engine.url!, 'sandbox')).cookie!;
    const connected = await approvingAs(sam, () =>
      connectThroughBrowser(h.engine.url!, 'sandbox', undefined, sandboxOperator)
    );
    assert.equal(connected.status, 200, connected.body);
    assert.equal((await h.engine.ctx.store.accounts.get(h.orgs.orgs.sandbox.orgId))!.username, sam);
  });

  test("the first connect of an org signs its admin in; an operator of one org cannot see or act on another's", async () => {
    const production = h.orgs.orgs.production;
    const sandbox = h.orgs.orgs.sandbox;
    const flow = await connectThroughBrowser(h.engine.url!, 'production');
    assert.equal(flow.status, 200, flow.body);
    productionOperator = flow.cookie!;
    const now = new Date();
    for (const [org, name] of [
      [production.orgId, 'Production only integration'],
      [sandbox.orgId, 'Sandbox only integration']
    ] as const) {
      await h.engine.ctx.store.schedules.sync(
        org,
        [{ ...SAMPLE_INTEGRATION, id: `a00${org.slice(-6)}`, name }],
        now
      );
      await h.engine.ctx.store.runs.request({
        orgId: org,
        integrationId: `a00${org.slice(-6)}`,
        integrationName: name,
        trigger: 'Manual',
        requestKey: `key-${org}`
      });
    }
    const sandboxPage = await (await request(`${h.engine.url}/`, sandboxOperator)).text();
    assert.match(sandboxPage, /Sandbox only integration/);
    assert.doesNotMatch(sandboxPage, /Production only integration/);
    assert.doesNotMatch(sandboxPage, new RegExp(production.orgId));
    const productionPage = await (await request(`${h.engine.url}/`, productionOperator)).text();
    assert.match(productionPage, /Production only integration/);
    assert.doesNotMatch(productionPage, /Sandbox only integration/);
    const api = (await (await request(`${h.engine.url}/api/accounts`, sandboxOperator)).json()) as Array<{
      orgId: string;
    }>;
    assert.deepEqual(
      api.map((a) => a.orgId),
      [sandbox.orgId]
    );
    // Disconnecting the other org is answered as if it did not exist, and nothing happens to it.
    const refused = await post(
      `${h.engine.url}/accounts/${production.orgId}/disconnect`,
      sandboxOperator,
      `csrf=${encodeURIComponent(csrfOf(sandboxPage))}`
    );
    assert.equal(refused.status, 404);
    assert.ok(await h.engine.ctx.store.accounts.get(production.orgId));
  });

  test(`a sign-in older than ${OPERATOR_RECHECK_HOURS} hours is checked again: back to sign-in`, async () => {
    const flow = await signInThroughBrowser(h.engine.url!, 'sandbox');
    assert.equal((await request(`${h.engine.url}/`, flow.cookie)).status, 200);
    await h.engine.ctx.store.db.query(
      `UPDATE operator_sessions SET checked_at = now() - make_interval(hours => $1)`,
      [OPERATOR_RECHECK_HOURS + 1]
    );
    const res = await request(`${h.engine.url}/`, flow.cookie);
    assert.equal(res.status, 303);
    assert.equal(res.headers.get('location'), '/signin');
    sandboxOperator = (await signInThroughBrowser(h.engine.url!, 'sandbox', undefined, flow.cookie)).cookie!;
    assert.equal((await request(`${h.engine.url}/`, sandboxOperator)).status, 200);
  });

  test('signing in replaces the session id, and signing out needs the form token', async () => {
    const before = await request(`${h.engine.url}/signin`);
    const planted = before.headers.get('set-cookie')!.split(';')[0]!;
    const flow = await signInThroughBrowser(h.engine.url!, 'sandbox', undefined, planted);
    assert.notEqual(flow.cookie, planted);
    assert.equal((await request(`${h.engine.url}/`, planted)).status, 303, 'the planted id signs nobody in');
    const page = await (await request(`${h.engine.url}/`, flow.cookie)).text();
    assert.equal((await post(`${h.engine.url}/signout`, flow.cookie, 'csrf=wrong')).status, 403);
    const out = await post(
      `${h.engine.url}/signout`,
      flow.cookie,
      `csrf=${encodeURIComponent(csrfOf(page))}`
    );
    assert.equal(out.status, 303);
    assert.equal((await request(`${h.engine.url}/`, flow.cookie)).status, 303);
  });

  test('sign-in attempts are rate-limited per address', async () => {
    let last: Response | undefined;
    for (let i = 0; i <= SIGN_IN_ATTEMPTS; i += 1) {
      last = await request(`${h.engine.url}/signin/salesforce?environment=sandbox`);
      if (last.status === 429) break;
      await last.body?.cancel();
    }
    assert.equal(last!.status, 429);
    assert.match(await last!.text(), /Too many sign-in attempts/);
  });
});

describe('the demo signs its operator in', () => {
  test('on loopback, the console opens without sign-in and says it is the demo', async () => {
    const h = await startEngineHarness({ runNow: false, demoOperator: true }, { population: 5 });
    try {
      const res = await request(`${h.engine.url}/`);
      assert.equal(res.status, 200);
      assert.match(
        await res.text(),
        /<strong>Demo:<\/strong> <code>npm start<\/code> signed you in automatically/
      );
    } finally {
      await h.stop();
    }
  });

  test('anywhere else it refuses to start', async () => {
    const config = loadConfig({ HOST: '0.0.0.0', ENGINE_ALLOWED_ORG_IDS: '00D000000000001' });
    await assert.rejects(
      startEngine({ ...config, dataDir: 'memory' }, { role: 'all', demoOperator: true }),
      /only an engine on loopback may do; HOST is 0\.0\.0\.0/
    );
  });
});
