/**
 * Run results the org has not had in full yet (`store/pending-closings.ts`): a closing the org refused when
 * the run ended, or rows a Bulk API job still held at the poll timeout. On the next successful contact with
 * the org (the sweep, a reconnect, the next run, a restart), ended jobs settle their rows (in the store too),
 * and once none is running the run record is written, oldest first; the first one the org still refuses
 * leaves the rest for the next time.
 */
import type { Connection } from '@jsforce/jsforce-node';
import type { EngineContext } from '../context/engine-context.js';
import type { RunResult } from '../domain/run-result.js';
import { settleBulkIngest } from '../salesforce/record-writers.js';
import { recordRunEnd } from '../salesforce/run-recorder.js';
import type { WriteResult } from '../sync/target-org.js';
import { settleLateRows } from '../sync/write/late-settlement.js';

/** Settles the rows of every job that has ended; answers the log lines that added. */
async function settleEndedJobs(conn: Connection, result: RunResult): Promise<string[]> {
  const before = result.log.length;
  for (const job of [...(result.pendingBulkJobs ?? [])]) {
    const outcomes = new Map<string, WriteResult>();
    const ids = job.records.map((record) => record.id);
    const state = await settleBulkIngest(conn, job.jobId, ids, (outcome) =>
      outcomes.set(outcome.id, outcome)
    );
    if (state === 'settled') settleLateRows(result, job, outcomes);
  }
  return result.log.slice(before);
}

export async function deliverPendingClosings(ctx: EngineContext, orgId: string): Promise<number> {
  let delivered = 0;
  for (const closing of await ctx.store.pendingClosings.forOrg(orgId)) {
    const { result } = closing;
    let waiting = false;
    try {
      await ctx.orgs.use(orgId, async (conn) => {
        const settled = await settleEndedJobs(conn, result);
        if (settled.length > 0) {
          await ctx.store.db.transaction((tx) => ctx.store.runs.finish(closing.runId, result, tx, settled));
        }
        if (result.pendingBulkJobs?.length) {
          waiting = true;
          await ctx.store.pendingClosings.keep(closing);
          return;
        }
        if (result.runRecordPending) {
          result.log.push(
            `${new Date().toISOString()} Run record closed late: the org could not take it when the run ended.`
          );
        }
        await recordRunEnd(conn, closing.sfRunId, result, {
          ...(closing.integrationId ? { integrationId: closing.integrationId } : {}),
          callsSoFar: () => result.apiCalls
        });
      });
    } catch (error) {
      await ctx.store.pendingClosings.failedAgain(closing.runId, String(error));
      ctx.logger.warn({ orgId, runId: closing.runId, err: String(error) }, 'run record still not closed');
      break;
    }
    if (waiting) continue;
    await ctx.store.pendingClosings.delivered(closing.runId);
    delivered += 1;
  }
  if (delivered) ctx.logger.info({ orgId, delivered }, 'late run records closed');
  return delivered;
}
