/**
 * "+ Add Account": connecting an org, whose refresh token the engine then keeps (sealed) to run the sync as
 * the connecting user. The callback checks who connected and what they may do before anything is stored. An
 * org is connected by an operator signed in to it, or by one of its admins, whom the connect signs in: the first
 * connect of an allowed org is how its first admin signs in.
 */
import { Router, type Request, type Response } from 'express';
import { isOrgAllowed } from '../config.js';
import type { EngineContext } from '../context/engine-context.js';
import { writeConnectionRecord } from '../salesforce/connection-record.js';
import { listIntegrations } from '../salesforce/integration-reader.js';
import { operatorRefusal } from '../salesforce/operator-permission.js';
import { checkAccess, isApiDisabled } from '../salesforce/permission-check.js';
import { describeSalesforceFailure } from '../salesforce/salesforce-errors.js';
import type { Environment } from '../store/accounts.js';
import { fail, startAuthorization, type AuthorizedCallback } from './authorization-flow.js';
import { escapeHtml, page } from './html.js';
import { mayOperate, type Operator } from './operator-auth.js';
import type { SessionCookies } from './session-cookie.js';

export const OAUTH_SCOPES = 'api refresh_token id';

export function connectRoute(ctx: EngineContext, sessions: SessionCookies): Router {
  const router = Router();
  router.get('/oauth/connect', (req: Request, res: Response) =>
    startAuthorization(ctx, sessions, req, res, 'connect', { scope: OAUTH_SCOPES, prompt: 'login consent' })
  );
  return router;
}

export async function completeConnect(
  ctx: EngineContext,
  sessions: SessionCookies,
  auth: AuthorizedCallback,
  operator: Operator,
  res: Response
): Promise<void> {
  const { pending, oauth2, conn, orgId, userId, token } = auth;
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
    const access = await checkAccess(conn);
    problems.push(...access.missing);
    // Someone not signed in to this org may connect it only as one of its admins (and is signed in by it).
    const signsIn = !mayOperate(operator, orgId);
    if (signsIn && !problems.length) {
      const refusal = await operatorRefusal(conn, userId);
      if (refusal) {
        problems.push(
          `Only an operator signed in to ${org.Name}, or one of its admins, may connect it. ${refusal}`,
          'An admin signs in at /signin first, then connects the integration user from the console.'
        );
      }
    }
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
    if (signsIn) {
      const sessionId = sessions.renew(res);
      await ctx.store.operators.moveSession(auth.sessionId, sessionId);
      await ctx.store.operators.grant(sessionId, {
        orgId: account.orgId,
        orgName: account.orgName,
        environment,
        loginUrl: pending.loginUrl,
        userId: account.userId,
        username: account.username
      });
      ctx.logger.info({ orgId: account.orgId, username: account.username }, 'operator signed in by connect');
    }
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
    ctx.logger.info(
      { orgId: account.orgId, environment, username: account.username, warnings: access.warnings },
      'account connected'
    );
    const integrations = await scheduleIntegrations(ctx, conn, account.orgId);
    ctx.accountEvents.emit('connected', account.orgId);
    const warnings = access.warnings.length
      ? `<h2>To check</h2><ul>${access.warnings.map((w) => `<li>${escapeHtml(w)}</li>`).join('')}</ul>`
      : '';
    res
      .type('html')
      .send(
        page(
          'Connected',
          `<h1>Connected ${escapeHtml(org.Name)}</h1><p>${escapeHtml(environment)} org ${escapeHtml(account.orgId)} as ` +
            `${escapeHtml(account.username)}.</p><p>${escapeHtml(integrations)}</p>${warnings}` +
            '<p><a href="/">Back to the console</a></p>'
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
}

/**
 * Reads the org's integrations into the schedule state before the connect answers, so the console lists them
 * as soon as it completes. The scheduler's own set-up of the org (catalog push, Run Now) goes on in the
 * background and reads them again; a failure here is said on the page and left to it and to the refresh.
 */
async function scheduleIntegrations(
  ctx: EngineContext,
  conn: AuthorizedCallback['conn'],
  orgId: string
): Promise<string> {
  try {
    const definitions = await listIntegrations(conn);
    await ctx.store.schedules.sync(orgId, definitions, new Date());
    if (!definitions.length)
      return 'No integration is defined in this org yet: create one in the Lightning app.';
    return `Integrations found: ${definitions.map((d) => d.name).join(', ')}.`;
  } catch (error) {
    const reason = describeSalesforceFailure(error);
    ctx.logger.warn({ orgId, reason }, "reading the new connection's integrations failed");
    return `The integrations could not be read yet (${reason}); the engine reads them again within ${Math.round(
      ctx.config.scheduler.refreshSeconds / 60
    )} minutes.`;
  }
}
