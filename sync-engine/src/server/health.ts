/**
 * `/healthz`: the engine and each connected org. An org is healthy when its token works (not marked for
 * reconnection), its Run Now subscription is up (when this process listens), the API quota its last answer
 * reported is not spent, and the report catalog has reached it. Nothing here calls an org: probes come often.
 */
import type { EngineContext } from '../context/engine-context.js';

export interface RunNowStatus {
  listening: boolean;
  text: string;
}

export interface OrgHealth {
  orgId: string;
  ok: boolean;
  token: 'valid' | 'needs reconnection';
  runNow: string;
  /** API requests left today as the org's last answer said; null when no call has been made yet. */
  apiRequestsLeft: number | null;
  catalogPushedAt: string | null;
}

export interface EngineHealth {
  /** `ok` only when every org is; `degraded` names nothing: see `orgs`. */
  status: 'ok' | 'degraded';
  database: string;
  orgs: OrgHealth[];
}

export async function engineHealth(
  ctx: EngineContext,
  runNow: (orgId: string) => RunNowStatus | undefined
): Promise<EngineHealth> {
  const orgs: OrgHealth[] = [];
  for (const account of await ctx.store.accounts.list()) {
    const subscription = runNow(account.orgId);
    const usage = ctx.orgs.lastApiUsage(account.orgId);
    const left = usage ? Math.max(0, usage.limit - usage.used) : null;
    const pushedAt = account.catalogPushedAt;
    const token = account.status === 'connected' ? 'valid' : 'needs reconnection';
    orgs.push({
      orgId: account.orgId,
      ok: token === 'valid' && (subscription?.listening ?? true) && left !== 0 && pushedAt !== null,
      token,
      runNow: subscription?.text ?? 'not listened for by this process',
      apiRequestsLeft: left,
      catalogPushedAt: pushedAt?.toISOString() ?? null
    });
  }
  return { status: orgs.every((o) => o.ok) ? 'ok' : 'degraded', database: ctx.store.db.kind, orgs };
}
