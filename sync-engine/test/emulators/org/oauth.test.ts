import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { Connection, OAuth2 } from '@jsforce/jsforce-node';
import { startOrgEmulator, type OrgEmulator, type OrgHandle } from '../../../emulators/org/start.js';
import { checkIdToken } from '../../../src/salesforce/id-token.js';
import { operatorRefusal } from '../../../src/salesforce/operator-permission.js';

const REDIRECT = 'http://localhost:3000/oauth/callback';

/** Signs in on the authorize page like a browser and returns the redirect the org answers. */
async function signIn(authorizeUrl: string, username: string, password: string): Promise<URL> {
  const page = await fetch(authorizeUrl);
  assert.equal(page.status, 200);
  const html = await page.text();
  const form = new URLSearchParams();
  for (const m of html.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)) {
    form.set(
      m[1],
      m[2]
        .replace(/&amp;/g, '&')
        .replace(/&quot;/g, '"')
        .replace(/&#39;/g, "'")
    );
  }
  form.set('username', username);
  form.set('password', password);
  form.set('action', 'allow');
  const action = new URL('/services/oauth2/authorize', authorizeUrl);
  const res = await fetch(action, { method: 'POST', body: form, redirect: 'manual' });
  assert.equal(res.status, 302, await res.clone().text());
  return new URL(res.headers.get('location')!);
}

/** A connection authorized through the web server flow with PKCE. */
async function authorized(org: OrgHandle): Promise<{ conn: Connection; oauth2: OAuth2 }> {
  const oauth2 = oauth(org);
  const location = await signIn(oauth2.getAuthorizationUrl(), org.username, org.password);
  const conn = new Connection({ oauth2 });
  await conn.authorize(location.searchParams.get('code')!);
  return { conn, oauth2 };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function oauth(org: OrgHandle, redirectUri = REDIRECT): OAuth2 {
  return new OAuth2({
    loginUrl: org.loginUrl,
    clientId: org.clientId,
    clientSecret: org.clientSecret,
    redirectUri,
    useVerifier: true
  });
}

describe('org emulator OAuth', () => {
  let emulator: OrgEmulator;
  let org: OrgHandle;
  before(async () => {
    emulator = await startOrgEmulator({ seed: false });
    org = emulator.orgs.production;
  });
  after(() => emulator.stop());

  test('web server flow with PKCE end to end, then the API, identity and userinfo', async () => {
    const oauth2 = oauth(org);
    const location = await signIn(
      oauth2.getAuthorizationUrl({ scope: 'api refresh_token id', state: 's-1' }),
      org.username,
      org.password
    );
    assert.equal(`${location.origin}${location.pathname}`, REDIRECT);
    assert.equal(location.searchParams.get('state'), 's-1');
    const conn = new Connection({ oauth2 });
    const userInfo = await conn.authorize(location.searchParams.get('code')!);
    assert.equal(userInfo.organizationId, org.orgId);
    assert.equal(userInfo.id, org.userId);
    assert.equal(conn.instanceUrl, org.instanceUrl);
    assert.ok(conn.refreshToken);
    assert.ok(conn.accessToken!.startsWith(org.orgId.slice(0, 15) + '!'));
    const result = await conn.query<{ IsSandbox: boolean }>('SELECT IsSandbox FROM Organization');
    assert.equal(result.records[0].IsSandbox, false);
    const identity = await conn.identity();
    assert.equal(identity.username, org.username);
    assert.equal(identity.organization_id, org.orgId);
    const userinfo = (await conn.request(`${org.loginUrl}/services/oauth2/userinfo`)) as Record<
      string,
      unknown
    >;
    assert.equal(userinfo.preferred_username, org.username);
    assert.equal(userinfo.organization_id, org.orgId);
  });

  test('a code is single-use and bound to its verifier and redirect_uri', async () => {
    const first = oauth(org);
    const code = (
      await signIn(first.getAuthorizationUrl({ scope: 'api refresh_token' }), org.username, org.password)
    ).searchParams.get('code')!;
    await assert.rejects(oauth(org).requestToken(code), {
      name: 'invalid_request',
      message: 'invalid code verifier'
    });
    // The failed attempt consumed the code.
    await assert.rejects(first.requestToken(code), { name: 'invalid_grant' });

    const second = oauth(org);
    const code2 = (await signIn(second.getAuthorizationUrl(), org.username, org.password)).searchParams.get(
      'code'
    )!;
    const elsewhere = new OAuth2({
      loginUrl: org.loginUrl,
      clientId: org.clientId,
      clientSecret: org.clientSecret,
      redirectUri: 'http://localhost:4999/other'
    });
    (elsewhere as unknown as { codeVerifier: string }).codeVerifier = (
      second as unknown as { codeVerifier: string }
    ).codeVerifier;
    await assert.rejects(elsewhere.requestToken(code2), { name: 'redirect_uri_mismatch' });

    const third = oauth(org);
    const code3 = (await signIn(third.getAuthorizationUrl(), org.username, org.password)).searchParams.get(
      'code'
    )!;
    const noVerifier = new OAuth2({
      loginUrl: org.loginUrl,
      clientId: org.clientId,
      clientSecret: org.clientSecret,
      redirectUri: REDIRECT
    });
    await assert.rejects(noVerifier.requestToken(code3), {
      name: 'invalid_grant',
      message: 'invalid code verifier'
    });
  });

  test('authorize refuses unknown clients and unregistered redirects with an error page', async () => {
    const bad = await fetch(
      `${org.loginUrl}/services/oauth2/authorize?response_type=code&client_id=nope&redirect_uri=${encodeURIComponent(REDIRECT)}`
    );
    assert.equal(bad.status, 400);
    assert.match(await bad.text(), /invalid_client_id/);
    const remote = await fetch(
      `${org.loginUrl}/services/oauth2/authorize?response_type=code&client_id=${org.clientId}&redirect_uri=${encodeURIComponent('https://evil.example/cb')}`,
      { redirect: 'manual' }
    );
    assert.equal(remote.status, 400);
    assert.match(await remote.text(), /redirect_uri_mismatch/);
    // Any loopback callback is accepted.
    const local = await fetch(oauth(org, 'http://127.0.0.1:5555/cb').getAuthorizationUrl());
    assert.equal(local.status, 200);
  });

  test('wrong password on the page shows the login error; deny redirects with access_denied', async () => {
    const url = oauth(org).getAuthorizationUrl({ state: 'x' });
    const form = new URLSearchParams({
      response_type: 'code',
      client_id: org.clientId,
      redirect_uri: REDIRECT,
      state: 'x',
      username: org.username,
      password: 'wrong',
      action: 'allow'
    });
    const res = await fetch(new URL('/services/oauth2/authorize', url), {
      method: 'POST',
      body: form,
      redirect: 'manual'
    });
    assert.equal(res.status, 200);
    assert.match(await res.text(), /check your username and password/);
    form.set('action', 'deny');
    const denied = await fetch(new URL('/services/oauth2/authorize', url), {
      method: 'POST',
      body: form,
      redirect: 'manual'
    });
    assert.equal(new URL(denied.headers.get('location')!).searchParams.get('error'), 'access_denied');
  });

  test('password grant, invalid_client and authentication failure', async () => {
    const conn = new Connection({
      oauth2: { loginUrl: org.loginUrl, clientId: org.clientId, clientSecret: org.clientSecret }
    });
    await conn.login(org.username, org.password);
    assert.ok(conn.accessToken);
    const wrongSecret = new Connection({
      oauth2: { loginUrl: org.loginUrl, clientId: org.clientId, clientSecret: 'nope' }
    });
    await assert.rejects(wrongSecret.login(org.username, org.password), {
      name: 'invalid_client',
      message: 'invalid client credentials'
    });
    await assert.rejects(conn.login(org.username, 'wrong'), {
      name: 'invalid_grant',
      message: 'authentication failure'
    });
  });

  test('an expired session is refreshed by jsforce on the 401; rotation and revocation', async () => {
    const oauth2 = oauth(org);
    const code = (await signIn(oauth2.getAuthorizationUrl(), org.username, org.password)).searchParams.get(
      'code'
    )!;
    const conn = new Connection({ oauth2 });
    await conn.authorize(code);
    const firstToken = conn.accessToken;
    const refreshed: string[] = [];
    conn.on('refresh', (token: string) => refreshed.push(token));
    org.faults.expireSessions();
    await conn.query('SELECT Id FROM User');
    assert.equal(refreshed.length, 1);
    assert.notEqual(conn.accessToken, firstToken);

    org.options.rotateRefreshTokens = true;
    try {
      const oldRefresh = conn.refreshToken!;
      const rotated = await oauth2.refreshToken(oldRefresh);
      assert.ok(rotated.refresh_token && rotated.refresh_token !== oldRefresh);
      await assert.rejects(oauth2.refreshToken(oldRefresh), {
        name: 'invalid_grant',
        message: 'expired access/refresh token'
      });
      await oauth2.revokeToken(rotated.refresh_token!);
      await assert.rejects(oauth2.refreshToken(rotated.refresh_token!), { name: 'invalid_grant' });
      // Revoking a refresh token ends the sessions it issued.
      const status = await fetch(`${org.instanceUrl}/services/data/v62.0/limits`, {
        headers: { Authorization: `Bearer ${rotated.access_token}` }
      });
      assert.equal(status.status, 401);
    } finally {
      org.options.rotateRefreshTokens = false;
    }
  });

  test('revoked refresh tokens make the automatic refresh fail with invalid_grant', async () => {
    const oauth2 = oauth(org);
    const code = (await signIn(oauth2.getAuthorizationUrl(), org.username, org.password)).searchParams.get(
      'code'
    )!;
    const conn = new Connection({ oauth2 });
    await conn.authorize(code);
    org.faults.revokeRefreshTokens();
    org.faults.expireSessions();
    await assert.rejects(
      async () => conn.query('SELECT Id FROM User'),
      (thrown: unknown) => {
        const error = thrown as Error;
        assert.match(error.message, /expired access\/refresh token/);
        return true;
      }
    );
  });

  test('auto-approve skips the page', async () => {
    org.options.autoApprove = true;
    try {
      const res = await fetch(oauth(org).getAuthorizationUrl({ state: 'auto' }), { redirect: 'manual' });
      assert.equal(res.status, 302);
      const location = new URL(res.headers.get('location')!);
      assert.ok(location.searchParams.get('code'));
      assert.equal(location.searchParams.get('state'), 'auto');
    } finally {
      org.options.autoApprove = false;
    }
  });

  test('the token answer has no expires_in, issued_at in ms, a verifiable signature and an 18-char org id', async () => {
    const oauth2 = oauth(org);
    const location = await signIn(oauth2.getAuthorizationUrl(), org.username, org.password);
    const answer = (await oauth2.requestToken(location.searchParams.get('code')!)) as unknown as Record<
      string,
      string
    >;
    assert.equal(answer.expires_in, undefined);
    assert.match(answer.issued_at, /^\d{13}$/);
    assert.equal(answer.token_type, 'Bearer');
    assert.equal(answer.instance_url, org.instanceUrl);
    assert.equal(answer.id, `${org.loginUrl}/id/${org.orgId}/${org.userId}`);
    const signature = createHmac('sha256', org.clientSecret)
      .update(answer.id + answer.issued_at)
      .digest('base64');
    assert.equal(answer.signature, signature);
    assert.match(org.orgId, /^00D\w{15}$/);
    assert.notEqual(emulator.orgs.sandbox.orgId, org.orgId);
    const res = await fetch(`${org.loginUrl}/services/oauth2/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'nope', client_id: org.clientId })
    });
    assert.equal(res.status, 400);
    assert.equal(res.headers.get('content-type'), 'application/json;charset=UTF-8');
    assert.deepEqual(await res.json(), {
      error: 'unsupported_grant_type',
      error_description: 'grant type not supported'
    });
    await assert.rejects(
      new OAuth2({ loginUrl: org.loginUrl, clientId: 'unknown', clientSecret: 'x' }).refreshToken('x'),
      { name: 'invalid_client_id' }
    );
  });

  test('a user holds at most 5 refresh tokens per app: a sixth approval silently revokes the oldest', async () => {
    const refreshTokens: string[] = [];
    for (let i = 0; i < 6; i++) refreshTokens.push((await authorized(org)).conn.refreshToken!);
    const oauth2 = oauth(org);
    await assert.rejects(oauth2.refreshToken(refreshTokens[0]), {
      name: 'invalid_grant',
      message: 'expired access/refresh token'
    });
    for (const token of refreshTokens.slice(1)) assert.ok((await oauth2.refreshToken(token)).access_token);
  });

  test('access tokens expire after the configured lifetime and jsforce refreshes on the 401', async () => {
    org.options.accessTokenTtlSeconds = 0.2;
    try {
      const { conn } = await authorized(org);
      const refreshed: string[] = [];
      conn.on('refresh', (token: string) => refreshed.push(token));
      await conn.query('SELECT Id FROM User');
      assert.equal(refreshed.length, 0);
      await sleep(300);
      await conn.query('SELECT Id FROM User');
      assert.equal(refreshed.length, 1);
    } finally {
      org.options.accessTokenTtlSeconds = 7200;
    }
  });

  test('revoke: an access token alone, then logout(true) the refresh token; unknown or missing tokens', async () => {
    const { conn, oauth2 } = await authorized(org);
    const limits = (token: string) =>
      fetch(`${org.instanceUrl}/services/data/v62.0/limits`, {
        headers: { Authorization: `Bearer ${token}` }
      });
    const access = conn.accessToken!;
    const refresh = conn.refreshToken!;
    await oauth2.revokeToken(access);
    assert.equal((await limits(access)).status, 401);
    const renewed = await oauth2.refreshToken(refresh);
    assert.equal((await limits(renewed.access_token)).status, 200);
    conn.accessToken = renewed.access_token;
    await conn.logout(true);
    await assert.rejects(oauth2.refreshToken(refresh), { name: 'invalid_grant' });
    assert.equal((await limits(renewed.access_token)).status, 401);
    const revoke = (body: Record<string, string>) =>
      fetch(`${org.loginUrl}/services/oauth2/revoke`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams(body)
      });
    const unknown = await revoke({ token: refresh });
    assert.equal(unknown.status, 400);
    assert.equal(((await unknown.json()) as { error: string }).error, 'invalid_token');
    const missing = await revoke({});
    assert.equal(missing.status, 400);
    assert.equal(((await missing.json()) as { error: string }).error, 'unsupported_token_type');
  });

  test('the sandbox has its own login URL, user and org; the production user cannot sign in there', async () => {
    const sandbox = emulator.orgs.sandbox;
    assert.notEqual(sandbox.loginUrl, org.loginUrl);
    assert.equal(sandbox.username, 'admin@acme.example.sandbox');
    const conn = new Connection({
      oauth2: { loginUrl: sandbox.loginUrl, clientId: sandbox.clientId, clientSecret: sandbox.clientSecret }
    });
    await assert.rejects(conn.login(org.username, org.password), { name: 'invalid_grant' });
    const userInfo = await conn.login(sandbox.username, sandbox.password);
    assert.equal(userInfo.organizationId, sandbox.orgId);
    assert.equal(conn.instanceUrl, sandbox.instanceUrl);
    const result = await conn.query<{ IsSandbox: boolean }>('SELECT IsSandbox FROM Organization');
    assert.equal(result.records[0].IsSandbox, true);
  });

  test('the openid scope adds an RS256 ID token for the nonce sent, verifiable with /id/keys', async () => {
    const oauth2 = oauth(org);
    const location = await signIn(
      oauth2.getAuthorizationUrl({ scope: 'openid api', nonce: 'n-123' }),
      org.username,
      org.password
    );
    const token = (await oauth2.requestToken(location.searchParams.get('code')!)) as {
      id_token?: string;
      id: string;
    };
    const [header, claims] = token
      .id_token!.split('.')
      .slice(0, 2)
      .map((p) => JSON.parse(Buffer.from(p, 'base64url').toString()));
    assert.equal(header.alg, 'RS256');
    assert.equal(claims.sub, token.id);
    assert.equal(claims.aud, org.clientId);
    assert.equal(claims.nonce, 'n-123');
    const expected = {
      issuers: [org.loginUrl],
      clientId: org.clientId,
      nonce: 'n-123',
      identityUrl: token.id
    };
    await checkIdToken(token.id_token, expected);
    await assert.rejects(
      checkIdToken(token.id_token, { ...expected, clientId: 'another-app' }),
      /another connected app/
    );
    const forged = token.id_token!.replace(
      /\.[^.]+\./,
      `.${Buffer.from(JSON.stringify({ ...claims, sub: 'x' })).toString('base64url')}.`
    );
    await assert.rejects(checkIdToken(forged, expected), /signature does not verify/);
    const plain = oauth(org);
    const code = (
      await signIn(plain.getAuthorizationUrl({ scope: 'api' }), org.username, org.password)
    ).searchParams.get('code')!;
    assert.equal(((await plain.requestToken(code)) as { id_token?: string }).id_token, undefined);
  });

  test('permission set assignments: profiles own one each; only View Setup users may query them', async () => {
    const production = emulator.orgs.production;
    const as = async (username: string) => {
      const conn = new Connection({
        oauth2: {
          loginUrl: production.loginUrl,
          clientId: production.clientId,
          clientSecret: production.clientSecret
        }
      });
      const info = await conn.login(username, production.password);
      return { conn, userId: info.id };
    };
    production.addUser({
      username: 'sam@acme.example',
      firstName: 'Sam',
      lastName: 'Standard',
      profile: 'Standard User'
    });
    production.addUser({
      username: 'ivy@acme.example',
      firstName: 'Ivy',
      lastName: 'Integrator',
      profile: 'Standard User',
      permissionSets: ['WalkMe_Integration_Admin']
    });
    const admin = await as(production.username);
    const rows = await admin.conn.query<{ PermissionSet: { Label: string; IsOwnedByProfile: boolean } }>(
      `SELECT PermissionSet.Label, PermissionSet.IsOwnedByProfile FROM PermissionSetAssignment WHERE AssigneeId = '${admin.userId}' AND PermissionSet.PermissionsModifyAllData = true`
    );
    assert.deepEqual(
      rows.records.map((r) => [r.PermissionSet.Label, r.PermissionSet.IsOwnedByProfile]),
      [['System Administrator', true]]
    );
    assert.equal(await operatorRefusal(admin.conn, admin.userId), undefined);
    const sam = await as('sam@acme.example');
    await assert.rejects(async () => await sam.conn.query('SELECT Id FROM PermissionSetAssignment'), {
      errorCode: 'INVALID_TYPE'
    });
    assert.match(
      (await operatorRefusal(sam.conn, sam.userId))!,
      /neither Modify All Data nor the WalkMe_Integration_Admin/
    );
    // The package's permission set grants View Setup (read from force-app), so its holder can be confirmed.
    const ivy = await as('ivy@acme.example');
    assert.equal(await operatorRefusal(ivy.conn, ivy.userId), undefined);
  });
});
