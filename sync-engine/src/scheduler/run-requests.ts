/**
 * Asking for a run: the request is recorded once per integration and trigger key (a repeated event, a second
 * worker's tick or the sweep add nothing) and its job is sent in the same transaction. A request that arrives
 * while the integration runs waits behind it (pg-boss singleton per integration) and is told so.
 */
import type { PgBoss } from 'pg-boss';
import type { EngineContext } from '../context/engine-context.js';
import type { Queryable } from '../store/db.js';
import type { RunRecord, RunRequest } from '../store/runs.js';
import { QUEUES } from './boss.js';

export interface RunJob {
  runId: string;
}

export const integrationKey = (orgId: string, integrationId: string) => `${orgId}/${integrationId}`;

export async function enqueueRun(boss: PgBoss, runId: string, req: RunRequest, tx: Queryable): Promise<void> {
  await boss.send(QUEUES.run, { runId } satisfies RunJob, {
    singletonKey: integrationKey(req.orgId, req.integrationId),
    db: tx
  });
}

/** Records the request and enqueues its run; answers the run and whether it was new. */
export async function requestRun(
  ctx: EngineContext,
  boss: PgBoss,
  req: RunRequest
): Promise<{ run: RunRecord; created: boolean }> {
  const answer = await ctx.store.db.transaction(async (tx) => {
    const recorded = await ctx.store.runs.request(req, tx);
    if (recorded.created) await enqueueRun(boss, recorded.run.id, req, tx);
    return recorded;
  });
  if (answer.created) {
    const busy = await ctx.store.runs.running(req.orgId, req.integrationId);
    if (busy && busy.id !== answer.run.id) {
      const note = `Queued behind the run in progress (started ${busy.startedAt?.toISOString() ?? 'just now'}); it starts when that one ends.`;
      await ctx.store.runs.appendLog(answer.run.id, note);
      if (req.sfRunId) {
        await ctx.orgs
          .use(req.orgId, (conn) =>
            conn.sobject('WalkMe_Sync_Run__c').update({ Id: req.sfRunId!, Log__c: note })
          )
          .catch((error) =>
            ctx.logger.warn({ err: String(error), runId: answer.run.id }, 'queued note not written')
          );
      }
    }
    ctx.logger.info(
      { runId: answer.run.id, orgId: req.orgId, integrationId: req.integrationId, trigger: req.trigger },
      'run requested'
    );
  }
  return answer;
}
