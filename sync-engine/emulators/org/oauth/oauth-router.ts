/**
 * OAuth 2.0 endpoints of one org, as Salesforce serves them on the login host: authorize (web server
 * flow with PKCE, a sign-in-and-approve page), token (authorization_code, refresh_token, password),
 * revoke, userinfo, the identity URL, and OpenID Connect's ID token with its keys (`/id/keys`). Errors use
 * Salesforce's `{"error","error_description"}` shapes ("OAuth 2.0 Web Server Flow", "Refresh Token Flow",
 * "Revoke OAuth Tokens", "Identity URLs").
 */
import { createHash, createHmac, generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import express, { type Request, type Response, type Router } from 'express';
import { API_VERSION } from '../org-records.js';
import { sendJson } from '../rest/responses.js';
import type { EmulatedUser, TokenStore } from './token-store.js';
import { renderAuthorizePage } from './authorize-page.js';

export interface OAuthOrg {
  orgId: string;
  /** This org's base URL (login URL and instance URL alike). */
  baseUrl(): string;
  tokens: TokenStore;
  /** When true, authorize skips the page and approves as the first user (or `login_hint`). */
  autoApprove(): boolean;
}

type Params = Record<string, string | undefined>;

const oauthError = (res: Response, status: number, error: string, description: string): void => {
  sendJson(res, status, { error, error_description: description });
};

const base64url = (buffer: Buffer): string => buffer.toString('base64url');

function identityUrl(org: OAuthOrg, userId: string): string {
  return `${org.baseUrl()}/id/${org.orgId}/${userId}`;
}

/**
 * The org's ID-token signing key, made on first use (RSA keys take a while to generate). Salesforce signs with
 * RS256 and publishes its keys at `/id/keys` (`/.well-known/openid-configuration`: `jwks_uri`,
 * `id_token_signing_alg_values_supported: ["RS256"]`).
 */
class IdTokenSigner {
  #key: { privateKey: KeyObject; publicKey: KeyObject } | undefined;
  readonly kid = 'emulator-1';

  get keys() {
    this.#key ??= generateKeyPairSync('rsa', { modulusLength: 2048 });
    return this.#key;
  }

  jwks() {
    return {
      keys: [{ ...this.keys.publicKey.export({ format: 'jwk' }), kid: this.kid, use: 'sig', alg: 'RS256' }]
    };
  }

  sign(claims: Record<string, unknown>): string {
    const part = (value: unknown) => base64url(Buffer.from(JSON.stringify(value)));
    const input = `${part({ alg: 'RS256', kid: this.kid, typ: 'JWT' })}.${part(claims)}`;
    return `${input}.${base64url(sign('RSA-SHA256', Buffer.from(input), this.keys.privateKey))}`;
  }
}

/**
 * An ID token's claims ("Inside OpenID Connect on Force.com", developer.salesforce.com): `iss` the login host,
 * `sub` the identity URL, `aud` the client id, `at_hash` the left half of the access token's SHA-256, `nonce`
 * when the authorize request carried one, five minutes' validity [unverified: the lifetime], and profile claims.
 */
function idTokenClaims(
  org: OAuthOrg,
  user: EmulatedUser,
  clientId: string,
  accessToken: string,
  nonce: string | null
) {
  const iat = Math.floor(Date.now() / 1000);
  const digest = createHash('sha256').update(accessToken).digest();
  return {
    at_hash: base64url(digest.subarray(0, digest.length / 2)),
    sub: identityUrl(org, user.id),
    aud: clientId,
    iss: org.baseUrl(),
    exp: iat + 300,
    iat,
    ...(nonce ? { nonce } : {}),
    name: `${user.firstName} ${user.lastName}`.trim(),
    preferred_username: user.username,
    email: user.email,
    email_verified: true,
    given_name: user.firstName,
    family_name: user.lastName
  };
}

function tokenResponse(
  org: OAuthOrg,
  user: EmulatedUser,
  clientSecret: string,
  accessToken: string,
  scope: string,
  refreshToken?: string,
  idToken?: string
) {
  const id = identityUrl(org, user.id);
  const issuedAt = String(Date.now());
  // signature: HMAC-SHA256 of id + issued_at keyed by the consumer secret, base64 ("OAuth Endpoints").
  const signature = createHmac('sha256', clientSecret)
    .update(id + issuedAt)
    .digest('base64');
  return {
    access_token: accessToken,
    ...(refreshToken ? { refresh_token: refreshToken } : {}),
    ...(idToken ? { id_token: idToken } : {}),
    signature,
    scope,
    instance_url: org.baseUrl(),
    id,
    token_type: 'Bearer',
    issued_at: issuedAt
  };
}

function redirectWith(res: Response, redirectUri: string, params: Params): void {
  const url = new URL(redirectUri);
  for (const [k, v] of Object.entries(params)) if (v !== undefined) url.searchParams.set(k, v);
  res.redirect(302, url.toString());
}

function identityBody(org: OAuthOrg, user: EmulatedUser) {
  const base = org.baseUrl();
  const v = API_VERSION;
  return {
    id: identityUrl(org, user.id),
    asserted_user: true,
    user_id: user.id,
    organization_id: org.orgId,
    username: user.username,
    nick_name: user.username.split('@')[0],
    display_name: `${user.firstName} ${user.lastName}`.trim(),
    email: user.email,
    email_verified: true,
    first_name: user.firstName,
    last_name: user.lastName,
    timezone: 'GMT',
    active: true,
    user_type: 'STANDARD',
    language: 'en_US',
    locale: 'en_US',
    utcOffset: 0,
    urls: {
      rest: `${base}/services/data/v{version}/`,
      sobjects: `${base}/services/data/v{version}/sobjects/`,
      query: `${base}/services/data/v{version}/query/`,
      search: `${base}/services/data/v{version}/search/`,
      recent: `${base}/services/data/v{version}/recent/`,
      profile: `${base}/${user.id}`,
      custom_domain: base
    },
    is_app_installed: true,
    last_modified_date: new Date().toISOString().replace('Z', '+0000'),
    api_version: v
  };
}

/** The user of a Bearer/OAuth header or `oauth_token` parameter, for identity and userinfo. */
function bearerUser(org: OAuthOrg, req: Request): EmulatedUser | undefined {
  const header = req.get('authorization') ?? '';
  const match = /^(?:Bearer|OAuth)\s+(.+)$/i.exec(header);
  const value = match?.[1] ?? (typeof req.query.oauth_token === 'string' ? req.query.oauth_token : undefined);
  const session = org.tokens.session(value);
  return session ? org.tokens.user(session.userId) : undefined;
}

export function createOAuthRouter(org: OAuthOrg): Router {
  const router = express.Router();
  const form = express.urlencoded({ extended: false, limit: '1mb' });
  const { tokens } = org;
  const signer = new IdTokenSigner();

  /** Checks client and redirect before anything is shown; errors are pages, never redirects. */
  const checkAuthorizeRequest = (res: Response, p: Params): boolean => {
    const app = tokens.app(p.client_id);
    if (!app) {
      res
        .status(400)
        .type('text/plain')
        .send('error=invalid_client_id&error_description=client%20identifier%20invalid');
      return false;
    }
    if (!tokens.isAllowedRedirect(app, p.redirect_uri)) {
      res
        .status(400)
        .type('text/plain')
        .send('error=redirect_uri_mismatch&error_description=redirect_uri%20must%20match%20configuration');
      return false;
    }
    if (p.response_type !== 'code') {
      redirectWith(res, p.redirect_uri!, {
        error: 'unsupported_response_type',
        error_description: 'response type not supported',
        state: p.state
      });
      return false;
    }
    return true;
  };

  const approve = (res: Response, p: Params, user: EmulatedUser): void => {
    const code = tokens.issueCode({
      clientId: p.client_id!,
      userId: user.id,
      redirectUri: p.redirect_uri!,
      challenge: p.code_challenge || null,
      scope: p.scope || 'api refresh_token id',
      nonce: p.nonce || null
    });
    redirectWith(res, p.redirect_uri!, { code, state: p.state });
  };

  router.get('/services/oauth2/authorize', (req, res) => {
    const p = req.query as Params;
    if (!checkAuthorizeRequest(res, p)) return;
    if (org.autoApprove()) {
      const wanted = (p.login_hint ?? tokens.approvingUsername)?.toLowerCase();
      const hinted = tokens.users.find((u) => u.username.toLowerCase() === wanted);
      approve(res, p, hinted ?? tokens.users[0]);
      return;
    }
    res.type('html').send(renderAuthorizePage(p, null));
  });

  router.post('/services/oauth2/authorize', form, (req, res) => {
    const p = req.body as Params;
    if (!checkAuthorizeRequest(res, p)) return;
    if (p.action === 'deny') {
      redirectWith(res, p.redirect_uri!, {
        error: 'access_denied',
        error_description: 'end-user denied authorization',
        state: p.state
      });
      return;
    }
    const user = tokens.authenticate(p.username, p.password);
    if (!user) {
      res
        .status(200)
        .type('html')
        .send(
          renderAuthorizePage(
            p,
            'Please check your username and password. If you still can\u2019t log in, contact your Salesforce administrator.'
          )
        );
      return;
    }
    approve(res, p, user);
  });

  router.post('/services/oauth2/token', form, (req, res) => {
    const p = (req.body ?? {}) as Params;
    const app = tokens.app(p.client_id);
    if (!app) return oauthError(res, 400, 'invalid_client_id', 'client identifier invalid');
    if (p.client_secret !== undefined && p.client_secret !== app.clientSecret) {
      return oauthError(res, 400, 'invalid_client', 'invalid client credentials');
    }
    switch (p.grant_type) {
      case 'authorization_code': {
        const code = tokens.takeCode(p.code);
        if (!code || code.clientId !== app.clientId)
          return oauthError(res, 400, 'invalid_grant', 'invalid authorization code');
        if (code.redirectUri !== p.redirect_uri)
          return oauthError(res, 400, 'redirect_uri_mismatch', 'redirect_uri must match configuration');
        if (code.challenge) {
          if (!p.code_verifier) return oauthError(res, 400, 'invalid_grant', 'invalid code verifier');
          // jsforce sends no code_challenge_method: S256 is assumed (reference/salesforce-api.md §1).
          const expected = base64url(createHash('sha256').update(p.code_verifier).digest());
          if (expected !== code.challenge)
            return oauthError(res, 400, 'invalid_request', 'invalid code verifier');
        } else if (p.client_secret === undefined) {
          return oauthError(res, 400, 'invalid_client', 'invalid client credentials');
        }
        const user = tokens.user(code.userId)!;
        const refresh = /\b(refresh_token|offline_access|full)\b/.test(code.scope)
          ? tokens.issueRefreshToken(app.clientId, user.id, code.scope)
          : undefined;
        const access = tokens.issueAccessToken(user.id, app.clientId, refresh ?? null);
        const idToken = /\bopenid\b/.test(code.scope)
          ? signer.sign(idTokenClaims(org, user, app.clientId, access, code.nonce))
          : undefined;
        sendJson(res, 200, tokenResponse(org, user, app.clientSecret, access, code.scope, refresh, idToken));
        return;
      }
      case 'refresh_token': {
        const refresh = tokens.refreshToken(p.refresh_token);
        if (!refresh || refresh.clientId !== app.clientId) {
          return oauthError(res, 400, 'invalid_grant', 'expired access/refresh token');
        }
        let refreshValue = p.refresh_token!;
        if (tokens.options.rotateRefreshTokens) {
          tokens.revokeRefreshToken(refreshValue);
          refreshValue = tokens.issueRefreshToken(app.clientId, refresh.userId, refresh.scope);
        }
        const user = tokens.user(refresh.userId)!;
        const access = tokens.issueAccessToken(user.id, app.clientId, refreshValue);
        const rotated = tokens.options.rotateRefreshTokens ? refreshValue : undefined;
        sendJson(res, 200, tokenResponse(org, user, app.clientSecret, access, refresh.scope, rotated));
        return;
      }
      case 'password': {
        if (p.client_secret === undefined)
          return oauthError(res, 400, 'invalid_client', 'invalid client credentials');
        const user = tokens.authenticate(p.username, p.password);
        if (!user) return oauthError(res, 400, 'invalid_grant', 'authentication failure');
        const access = tokens.issueAccessToken(user.id, app.clientId, null);
        sendJson(res, 200, tokenResponse(org, user, app.clientSecret, access, 'api id'));
        return;
      }
      default:
        return oauthError(res, 400, 'unsupported_grant_type', 'grant type not supported');
    }
  });

  const revoke = (req: Request, res: Response): void => {
    const value = ((req.body as Params | undefined)?.token ?? req.query.token) as string | undefined;
    if (!value) return oauthError(res, 400, 'unsupported_token_type', 'this token type is not supported');
    if (tokens.revokeRefreshToken(value) || tokens.revokeAccessToken(value)) {
      res.status(200).end();
      return;
    }
    oauthError(res, 400, 'invalid_token', 'invalid token');
  };
  router.post('/services/oauth2/revoke', form, revoke);
  router.get('/services/oauth2/revoke', revoke);

  const userinfo = (req: Request, res: Response): void => {
    const user = bearerUser(org, req);
    if (!user) {
      res.status(403).type('text/plain').send('Bad_OAuth_Token');
      return;
    }
    const body = identityBody(org, user);
    sendJson(res, 200, {
      sub: body.id,
      user_id: user.id,
      organization_id: org.orgId,
      preferred_username: user.username,
      nickname: body.nick_name,
      name: body.display_name,
      email: user.email,
      email_verified: true,
      given_name: user.firstName,
      family_name: user.lastName,
      zoneinfo: 'GMT',
      urls: body.urls,
      active: true,
      user_type: 'STANDARD',
      language: 'en_US',
      locale: 'en_US',
      utcOffset: 0,
      updated_at: body.last_modified_date
    });
  };
  router.get('/services/oauth2/userinfo', userinfo);
  router.post('/services/oauth2/userinfo', userinfo);

  router.get('/id/keys', (_req, res) => sendJson(res, 200, signer.jwks()));

  router.get('/id/:orgId/:userId', (req, res) => {
    const user = bearerUser(org, req);
    if (!user) {
      res.status(403).type('text/plain').send('Bad_OAuth_Token');
      return;
    }
    if (req.params.orgId !== org.orgId || req.params.userId !== user.id) {
      res.status(403).type('text/plain').send('Bad_Id');
      return;
    }
    sendJson(res, 200, identityBody(org, user));
  });

  return router;
}
