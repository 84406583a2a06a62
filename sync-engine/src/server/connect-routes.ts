/**
 * "+ Add Account": the OAuth 2.0 web server flow with PKCE (jsforce `OAuth2({ useVerifier: true })`). The
 * `state` is random, single-use, bound to the browser session cookie, and maps server-side to the PKCE
 * verifier, so neither can be replayed from another browser. The callback checks who connected and what they
 * may do before anything is stored.
 */
import { randomBytes } from 'node:crypto';
import { Connection } from '@jsforce/jsforce-node';
import { Router, type Request, type Response } from 'express';
import { isOrgAllowed } from '../config.js';
import { describeSalesforceFailure } from '../salesforce/salesforce-errors.js';
import type { Environment } from '../store/accounts.js';
import { writeConnectionRecord } from '../salesforce/connection-record.js';
import type { EngineContext } from '../context/engine-context.js';
import { escapeHtml, page } from './html.js';
import { API_VERSION, MISSING_CONNECTED_APP, oauthApp } from '../salesforce/org-connections.js';
import { isApiDisabled, missingPermissions } from '../salesforce/permission-check.js';
import type { SessionCookies } from './session-cookie.js';

export const OAUTH_SCOPES = 'api refresh_token id';

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

function fail(res: Response, status: number, title: string, lines: string[]): void {
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

export function oauthRoutes(ctx: EngineContext, sessions: SessionCookies): Router {
  const router = Router();

  router.get('/oauth/connect', async (req: Request, res: Response) => {
    const environment = req.query.environment;
    if (environment !== 'production' && environment !== 'sandbox') {
      return fail(res, 400, 'Cannot connect', ['environment must be production or sandbox']);
    }
    const loginUrl =
      typeof req.query.loginUrl === 'string' ? req.query.loginUrl.replace(/\/+$/, '') : undefined;
    if (loginUrl && !acceptableLoginUrl(ctx, loginUrl)) {
      return fail(res, 400, 'Cannot connect', [`${loginUrl} is not a Salesforce login URL`]);
    }
    if (!ctx.config.oauth[environment].clientId) {
      return fail(res, 500, 'Cannot connect', [
        `${MISSING_CONNECTED_APP} Its callback is ${ctx.config.publicUrl}/oauth/callback; restart the engine after setting it.`
      ]);
    }
    const sessionId = sessions.ensure(req, res);
    const oauth2 = oauthApp(ctx.config, environment, loginUrl, true);
    const state = randomBytes(24).toString('base64url');
    const url = oauth2.getAuthorizationUrl({ scope: OAUTH_SCOPES, state, prompt: 'login consent' });
    await ctx.store.accounts.savePendingAuthorization({
      state,
      sessionId,
      environment,
      loginUrl: oauth2.loginUrl,
      codeVerifier: oauth2.codeVerifier!
    });
    ctx.logger.info({ environment, loginUrl: oauth2.loginUrl }, 'oauth connect started');
    res.redirect(302, url);
  });

  router.get('/oauth/callback', async (req: Request, res: Response) => {
    const state = typeof req.query.state === 'string' ? req.query.state : '';
    const pending = state ? await ctx.store.accounts.takePendingAuthorization(state) : undefined;
    const sessionId = sessions.read(req);
    if (!pending || !sessionId || pending.sessionId !== sessionId) {
      ctx.logger.warn(
        { hasState: Boolean(state), hasSession: Boolean(sessionId) },
        'oauth callback refused: state'
      );
      return fail(res, 400, 'Connection refused', [
        'This sign-in was not started from this browser, or it expired. Start again from the console.'
      ]);
    }
    if (typeof req.query.error === 'string') {
      return fail(res, 400, 'Salesforce did not authorize the engine', [
        `${req.query.error}: ${String(req.query.error_description ?? '')}`
      ]);
    }
    const code = typeof req.query.code === 'string' ? req.query.code : '';
    const oauth2 = oauthApp(ctx.config, pending.environment, pending.loginUrl, true);
    oauth2.codeVerifier = pending.codeVerifier;
    let token;
    try {
      token = await oauth2.requestToken(code);
    } catch (error) {
      ctx.logger.warn({ reason: describeSalesforceFailure(error) }, 'oauth code exchange failed');
      return fail(res, 502, 'Salesforce refused the sign-in', [describeSalesforceFailure(error)]);
    }
    const [userId = '', orgId = ''] = token.id.split('/').reverse();
    const conn = new Connection({
      oauth2,
      instanceUrl: token.instance_url,
      accessToken: token.access_token,
      ...(token.refresh_token ? { refreshToken: token.refresh_token } : {}),
      version: API_VERSION
    });
    // identity() then asks the id URL the token response named (jsforce would otherwise look it up).
    conn.userInfo = { id: userId, organizationId: orgId, url: token.id };
    const refreshToken = token.refresh_token;
    const revoke = () => (refreshToken ? oauth2.revokeToken(refreshToken).catch(() => undefined) : undefined);
    if (!isOrgAllowed(ctx.config, orgId)) {
      await revoke();
      ctx.logger.warn({ orgId }, 'oauth connect refused: org not allowed');
      return fail(res, 403, 'This org may not connect to this engine', [
        `The org ${orgId} is not in ENGINE_ALLOWED_ORG_IDS. The engine's operator adds it there to allow it.`
      ]);
    }
    if (!refreshToken) {
      return fail(res, 502, 'Salesforce gave no refresh token', [
        'The connected app must allow the "refresh_token" scope.'
      ]);
    }
    try {
      const identity = await conn.identity();
      const org = (
        await conn.query<{ Id: string; Name: string; IsSandbox: boolean }>(
          'SELECT IsSandbox, Name, Id FROM Organization'
        )
      ).records[0]!;
      const environment: Environment = org.IsSandbox ? 'sandbox' : 'production';
      const problems: string[] = [];
      if (environment !== pending.environment) {
        problems.push(
          `You chose ${pending.environment}, but ${org.Name} is a ${environment} org: connect it as ${environment}.`
        );
      }
      problems.push(...(await missingPermissions(conn)));
      if (problems.length) {
        await revoke();
        ctx.logger.warn({ orgId: org.Id, username: identity.username, problems }, 'oauth connect refused');
        return fail(res, 403, `${identity.username} cannot run the sync in ${org.Name}`, problems);
      }
      // Reconnecting replaces the stored token: the one it replaces is revoked, so no stale grant lingers.
      const replaced = await ctx.store.accounts.refreshToken(identity.organization_id).catch(() => undefined);
      const account = await ctx.store.accounts.save(
        {
          orgId: identity.organization_id,
          orgName: org.Name,
          environment,
          isSandbox: org.IsSandbox,
          loginUrl: pending.loginUrl,
          instanceUrl: conn.instanceUrl,
          userId: identity.user_id,
          username: identity.username,
          scopes: token.scope ?? OAUTH_SCOPES,
          connectedAt: new Date()
        },
        refreshToken
      );
      ctx.orgs.forget(account.orgId);
      if (replaced && replaced !== refreshToken) {
        await oauth2
          .revokeToken(replaced)
          .catch((error: unknown) =>
            ctx.logger.warn(
              { orgId: account.orgId, reason: describeSalesforceFailure(error) },
              'old token not revoked'
            )
          );
      }
      const now = new Date();
      try {
        const recordId = await writeConnectionRecord(conn, account, ctx.config.publicUrl, 'Connected', now);
        await ctx.store.accounts.recordHeartbeat(account.orgId, recordId, now);
      } catch (error) {
        ctx.logger.warn(
          { orgId: account.orgId, reason: describeSalesforceFailure(error) },
          'connection record'
        );
      }
      ctx.logger.info({ orgId: account.orgId, environment, username: account.username }, 'account connected');
      ctx.accountEvents.emit('connected', account.orgId);
      res
        .type('html')
        .send(
          page(
            'Connected',
            `<h1>Connected ${escapeHtml(org.Name)}</h1><p>${escapeHtml(environment)} org ${escapeHtml(account.orgId)} as ` +
              `${escapeHtml(account.username)}.</p><p><a href="/">Back to the console</a></p>`
          )
        );
    } catch (error) {
      await revoke();
      const reason = isApiDisabled(error)
        ? 'API access is not enabled for this user (profile or permission set: "API Enabled").'
        : describeSalesforceFailure(error);
      ctx.logger.warn({ reason }, 'oauth connect failed');
      return fail(res, 403, 'The engine cannot work with this org', [reason]);
    }
  });

  return router;
}
