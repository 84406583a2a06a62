/** Disconnecting an org: its connection record says so, the token is revoked at Salesforce, and forgotten here. */
import { writeConnectionRecord } from '../salesforce/connection-record.js';
import type { EngineContext } from '../context/engine-context.js';
import { oauthApp } from '../salesforce/org-connections.js';

export interface DisconnectOutcome {
  revoked: boolean;
  /** Why the revocation at Salesforce did not happen (the token is deleted here regardless). */
  problem?: string;
}

export async function disconnectAccount(ctx: EngineContext, orgId: string): Promise<DisconnectOutcome> {
  const account = await ctx.store.accounts.get(orgId);
  if (!account) throw new Error(`No connected account for org ${orgId}.`);
  const outcome: DisconnectOutcome = { revoked: false };
  if (account.status === 'connected') {
    await ctx.orgs
      .use(orgId, (conn) =>
        writeConnectionRecord(conn, account, ctx.config.publicUrl, 'Disconnected', new Date())
      )
      .catch(() => undefined);
  }
  try {
    // Revoking the refresh token revokes its access tokens too (reference/salesforce-api.md §1).
    await oauthApp(ctx.config, account.environment, account.loginUrl).revokeToken(
      await ctx.store.accounts.refreshToken(orgId)
    );
    outcome.revoked = true;
  } catch (error) {
    outcome.problem = error instanceof Error ? error.message : String(error);
  }
  ctx.orgs.forget(orgId);
  await ctx.store.accounts.delete(orgId);
  await ctx.store.schedules.dropOrg(orgId);
  ctx.accountEvents.emit('disconnected', orgId);
  ctx.logger.info({ orgId, ...outcome }, 'account disconnected');
  return outcome;
}
