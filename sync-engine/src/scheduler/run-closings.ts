/**
 * Delivers the run closings an org could not take when their runs ended (`store/pending-closings.ts`): on
 * the next successful contact with the org (the sweep, a reconnect, the next run), oldest first; the first
 * one the org still refuses leaves the rest for the next time.
 */
import type { EngineContext } from '../context/engine-context.js';
import { recordRunEnd } from '../salesforce/run-recorder.js';

export async function deliverPendingClosings(ctx: EngineContext, orgId: string): Promise<number> {
  let delivered = 0;
  for (const closing of await ctx.store.pendingClosings.forOrg(orgId)) {
    const { result } = closing;
    result.log.push(
      `${new Date().toISOString()} Run record closed late: the org could not take it when the run ended.`
    );
    try {
      await ctx.orgs.use(orgId, (conn) =>
        recordRunEnd(conn, closing.sfRunId, result, {
          ...(closing.integrationId ? { integrationId: closing.integrationId } : {}),
          callsSoFar: () => result.apiCalls
        })
      );
    } catch (error) {
      await ctx.store.pendingClosings.failedAgain(closing.runId, String(error));
      ctx.logger.warn({ orgId, runId: closing.runId, err: String(error) }, 'run record still not closed');
      break;
    }
    await ctx.store.pendingClosings.delivered(closing.runId);
    delivered += 1;
  }
  if (delivered) ctx.logger.info({ orgId, delivered }, 'late run records closed');
  return delivered;
}
