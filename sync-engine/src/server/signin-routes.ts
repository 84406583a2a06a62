/**
 * Operators sign in with Salesforce: OpenID Connect over the web server flow with PKCE against the engine's
 * connected app (`openid api`: the API only to check the user's permissions; no refresh token is asked for or
 * kept, and the access token is revoked once the check is done). A user may sign in when their org is allowed
 * (`ENGINE_ALLOWED_ORG_IDS`) and they hold Modify All Data or `WalkMe_Integration_Admin` there; the grant is
 * good for `OPERATOR_RECHECK_HOURS`, after which they sign in, and are checked, again.
 */
import { Router, type Request, type Response } from 'express';
import { isOrgAllowed } from '../config.js';
import type { EngineContext } from '../context/engine-context.js';
import { checkIdToken } from '../salesforce/id-token.js';
import { operatorRefusal } from '../salesforce/operator-permission.js';
import { describeSalesforceFailure } from '../salesforce/salesforce-errors.js';
import { OPERATOR_RECHECK_HOURS } from '../store/operator-sessions.js';
import { fail, startAuthorization, type AuthorizedCallback } from './authorization-flow.js';
import { escapeHtml as e, page } from './html.js';
import type { OperatorAuth } from './operator-auth.js';
import type { SessionCookies } from './session-cookie.js';

export const SIGN_IN_SCOPES = 'openid api';

function signInPage(signedIn: string[]): string {
  const current = signedIn.length
    ? `<p>Signed in to ${signedIn.map(e).join(', ')}. <a href="/">Open the console</a>, or sign in to another org.</p>`
    : '';
  return page(
    'Sign in',
    `<h1>WalkMe Sync Engine</h1>${current}
<p>Sign in with your Salesforce user. You need Modify All Data, or the WalkMe_Integration_Admin permission set,
in an org this engine serves; you then see that org's accounts, integrations and runs.</p>
<p><a href="/signin/salesforce?environment=production">Sign in with Salesforce (Production)</a> ·
<a href="/signin/salesforce?environment=sandbox">Sign in with Salesforce (Sandbox)</a></p>
<form method="get" action="/signin/salesforce"><label>My Domain login URL
<input name="loginUrl" type="url" placeholder="https://yourcompany.my.salesforce.com"></label>
<select name="environment"><option value="production">Production</option><option value="sandbox">Sandbox</option></select>
<button type="submit">Sign in</button></form>
<p>Connecting an org for the first time signs its admin in too:
<a href="/oauth/connect?environment=production">Connect a Production org</a> ·
<a href="/oauth/connect?environment=sandbox">Connect a Sandbox org</a></p>`
  );
}

export function signInRoutes(ctx: EngineContext, sessions: SessionCookies, auth: OperatorAuth): Router {
  const router = Router();

  router.get('/signin', async (req: Request, res: Response) => {
    const operator = await auth.current(req, res);
    res.type('html').send(signInPage(operator.grants.map((g) => `${g.orgName} (${g.username})`)));
  });

  router.get('/signin/salesforce', (req: Request, res: Response) =>
    startAuthorization(ctx, sessions, req, res, 'signin', { scope: SIGN_IN_SCOPES })
  );

  return router;
}

/** Signs the browser out of every org; behind `require()`, with the console's CSRF token. */
export function signOutRoute(ctx: EngineContext, sessions: SessionCookies): Router {
  const router = Router();
  router.post('/signout', async (req: Request, res: Response) => {
    const sessionId = sessions.read(req);
    if (!sessionId || !sessions.checkCsrf(req, (req.body as Record<string, unknown> | undefined)?.csrf)) {
      res.status(403).type('text').send('This form expired: reload the console and try again.');
      return;
    }
    await ctx.store.operators.signOut(sessionId);
    res.redirect(303, '/signin');
  });
  return router;
}

/** The callback of a sign-in: who signed in, whether they may, then a fresh session holding the grant. */
export async function completeSignIn(
  ctx: EngineContext,
  sessions: SessionCookies,
  auth: AuthorizedCallback,
  res: Response
): Promise<void> {
  const { pending, oauth2, conn, orgId, userId, token } = auth;
  const revokeAccess = () => oauth2.revokeToken(token.access_token).catch(() => undefined);
  try {
    await checkIdToken((token as { id_token?: string }).id_token, {
      issuers: [new URL(pending.loginUrl).origin],
      clientId: ctx.config.oauth[pending.environment].clientId,
      nonce: pending.nonce ?? '',
      identityUrl: token.id
    });
  } catch (error) {
    await revokeAccess();
    ctx.logger.warn({ orgId, reason: describeSalesforceFailure(error) }, 'sign-in refused: id token');
    return fail(res, 403, 'Sign-in refused', [describeSalesforceFailure(error)]);
  }
  if (!isOrgAllowed(ctx.config, orgId)) {
    await revokeAccess();
    ctx.logger.warn({ orgId }, 'sign-in refused: org not allowed');
    return fail(res, 403, 'This org may not use this engine', [
      `The org ${orgId} is not in ENGINE_ALLOWED_ORG_IDS. The engine's operator adds it there to allow it.`
    ]);
  }
  try {
    const identity = await conn.identity();
    const org = (await conn.query<{ Name: string }>('SELECT Name FROM Organization')).records[0]!;
    const refusal = await operatorRefusal(conn, userId);
    await revokeAccess();
    if (refusal) {
      ctx.logger.warn({ orgId, username: identity.username }, 'sign-in refused: permission');
      return fail(res, 403, `${identity.username} may not operate the engine for ${org.Name}`, [refusal]);
    }
    // A new session id at sign-in, so a session id planted before it is worth nothing after.
    const sessionId = sessions.renew(res);
    await ctx.store.operators.moveSession(auth.sessionId, sessionId);
    await ctx.store.operators.grant(sessionId, {
      orgId,
      orgName: org.Name,
      environment: pending.environment,
      loginUrl: pending.loginUrl,
      userId,
      username: identity.username
    });
    ctx.logger.info(
      { orgId, username: identity.username, hours: OPERATOR_RECHECK_HOURS },
      'operator signed in'
    );
    res.redirect(303, '/');
  } catch (error) {
    await revokeAccess();
    ctx.logger.warn({ orgId, reason: describeSalesforceFailure(error) }, 'sign-in failed');
    return fail(res, 502, 'The engine could not check this sign-in', [describeSalesforceFailure(error)]);
  }
}
