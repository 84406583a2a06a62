/**
 * The OAuth 2.0 web server flow with PKCE that both connecting an org and an operator's sign-in go through
 * (jsforce `OAuth2({ useVerifier: true })`). The `state` is random, single-use, bound to the browser session
 * cookie, and maps server-side to the PKCE verifier (and, for sign-in, the OpenID nonce), so neither can be
 * replayed from another browser. One callback, `/oauth/callback`, serves both: the pending authorization
 * says which it was.
 */
import { randomBytes } from 'node:crypto';
import { Connection, type OAuth2 } from '@jsforce/jsforce-node';
import type { Request, Response } from 'express';
import type { EngineContext } from '../context/engine-context.js';
import { describeSalesforceFailure } from '../salesforce/salesforce-errors.js';
import { idsOfIdentityUrl } from '../salesforce/identity-url.js';
import { API_VERSION, MISSING_CONNECTED_APP, oauthApp } from '../salesforce/org-connections.js';
import type { PendingAuthorization } from '../store/accounts.js';
import { escapeHtml, page } from './html.js';
import type { SessionCookies } from './session-cookie.js';

/** A My Domain login URL is accepted when it is Salesforce's, or one of the configured login hosts. */
function acceptableLoginUrl(ctx: EngineContext, url: string): boolean {
  try {
    const parsed = new URL(url);
    const configured = Object.values(ctx.config.oauth).map((app) => new URL(app.loginUrl).origin);
    if (configured.includes(parsed.origin)) return true;
    return parsed.protocol === 'https:' && /(^|\.)(salesforce\.com|force\.com)$/.test(parsed.hostname);
  } catch {
    return false;
  }
}

export function fail(res: Response, status: number, title: string, lines: string[]): void {
  res
    .status(status)
    .type('html')
    .send(
      page(
        title,
        `<h1>${escapeHtml(title)}</h1><ul>${lines.map((l) => `<li>${escapeHtml(l)}</li>`).join('')}</ul>` +
          '<p><a href="/">Back to the console</a></p>'
      )
    );
}

/** Sends the browser to Salesforce's authorize page for `purpose`, or answers why it cannot. */
export async function startAuthorization(
  ctx: EngineContext,
  sessions: SessionCookies,
  req: Request,
  res: Response,
  purpose: PendingAuthorization['purpose'],
  params: { scope: string; prompt?: string }
): Promise<void> {
  const title = purpose === 'connect' ? 'Cannot connect' : 'Cannot sign in';
  const environment = req.query.environment;
  if (environment !== 'production' && environment !== 'sandbox') {
    return fail(res, 400, title, ['environment must be production or sandbox']);
  }
  const loginUrl =
    typeof req.query.loginUrl === 'string' && req.query.loginUrl
      ? req.query.loginUrl.replace(/\/+$/, '')
      : undefined;
  if (loginUrl && !acceptableLoginUrl(ctx, loginUrl)) {
    return fail(res, 400, title, [`${loginUrl} is not a Salesforce login URL`]);
  }
  if (!ctx.config.oauth[environment].clientId) {
    return fail(res, 500, title, [
      `${MISSING_CONNECTED_APP} Its callback is ${ctx.config.publicUrl}/oauth/callback; restart the engine after setting it.`
    ]);
  }
  const sessionId = sessions.ensure(req, res);
  const oauth2 = oauthApp(ctx.config, environment, loginUrl, true);
  const state = randomBytes(24).toString('base64url');
  const nonce = purpose === 'signin' ? randomBytes(24).toString('base64url') : undefined;
  const url = oauth2.getAuthorizationUrl({
    scope: params.scope,
    state,
    ...(params.prompt ? { prompt: params.prompt } : {}),
    ...(nonce ? { nonce } : {})
  });
  await ctx.store.accounts.savePendingAuthorization({
    state,
    sessionId,
    purpose,
    environment,
    loginUrl: oauth2.loginUrl,
    codeVerifier: oauth2.codeVerifier!,
    ...(nonce ? { nonce } : {})
  });
  ctx.logger.info({ purpose, environment, loginUrl: oauth2.loginUrl }, 'oauth flow started');
  res.redirect(302, url);
}

/** What the callback established: the authorization it completes and a connection as the user who approved. */
export interface AuthorizedCallback {
  pending: PendingAuthorization;
  sessionId: string;
  oauth2: OAuth2;
  conn: Connection;
  orgId: string;
  userId: string;
  /** The token response: `refresh_token`, `id_token`, `scope` and `id` among others. */
  token: Awaited<ReturnType<OAuth2['requestToken']>>;
}

/**
 * Checks the callback's state against this browser's session, then exchanges the code (with the PKCE
 * verifier); answers the browser itself and returns undefined when either fails.
 */
export async function authorizeCallback(
  ctx: EngineContext,
  sessions: SessionCookies,
  req: Request,
  res: Response
): Promise<AuthorizedCallback | undefined> {
  const state = typeof req.query.state === 'string' ? req.query.state : '';
  const pending = state ? await ctx.store.accounts.takePendingAuthorization(state) : undefined;
  const sessionId = sessions.read(req);
  if (!pending || !sessionId || pending.sessionId !== sessionId) {
    ctx.logger.warn(
      { hasState: Boolean(state), hasSession: Boolean(sessionId) },
      'oauth callback refused: state'
    );
    fail(res, 400, 'Sign-in refused', [
      'This sign-in was not started from this browser, or it expired. Start again from the console.'
    ]);
    return undefined;
  }
  if (typeof req.query.error === 'string') {
    fail(res, 400, 'Salesforce did not authorize the engine', [
      `${req.query.error}: ${String(req.query.error_description ?? '')}`
    ]);
    return undefined;
  }
  const code = typeof req.query.code === 'string' ? req.query.code : '';
  const oauth2 = oauthApp(ctx.config, pending.environment, pending.loginUrl, true);
  oauth2.codeVerifier = pending.codeVerifier;
  let token;
  try {
    token = await oauth2.requestToken(code);
  } catch (error) {
    ctx.logger.warn({ reason: describeSalesforceFailure(error) }, 'oauth code exchange failed');
    fail(res, 502, 'Salesforce refused the sign-in', [describeSalesforceFailure(error)]);
    return undefined;
  }
  const { userId, organizationId: orgId } = idsOfIdentityUrl(token.id);
  const conn = new Connection({
    oauth2,
    instanceUrl: token.instance_url,
    accessToken: token.access_token,
    ...(token.refresh_token ? { refreshToken: token.refresh_token } : {}),
    version: API_VERSION
  });
  // identity() then asks the id URL the token response named (jsforce would otherwise look it up).
  conn.userInfo = { id: userId, organizationId: orgId, url: token.id };
  return { pending, sessionId, oauth2, conn, orgId, userId, token };
}
