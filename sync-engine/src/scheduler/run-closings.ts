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
import { settleBulkIngest } from '../salesforce/bulk-ingest.js';
import { failureKindOf } from '../salesforce/salesforce-errors.js';
import { recordRunEnd } from '../salesforce/run-recorder.js';
import type { WriteResult } from '../sync/target-org.js';
import { settleLateRows } from '../sync/write/late-settlement.js';

/** Once every job of the result has ended, settles their rows; answers the log lines that added. */
async function settleEndedJobs(conn: Connection, result: RunResult): Promise<string[]> {
  const jobs = result.pendingBulkJobs ?? [];
  if (jobs.length === 0) return [];
  const outcomes = new Map<string, WriteResult>();
  for (const job of jobs) {
    const ids = job.records.map((record) => record.id);
    const state = await settleBulkIngest(conn, { jobId: job.jobId, ids, uploaded: job.uploaded }, (outcome) =>
      outcomes.set(outcome.id, outcome)
    );
    if (state === 'running') return [];
  }
  const before = result.log.length;
  settleLateRows(result, outcomes);
  return result.log.slice(before);
}

/** Closings a closing that fails for a reason other than the org being unreachable gets before it is dropped. */
const MAX_ATTEMPTS = 10;
/** What makes an org unreachable for now: the rest of its closings wait for the next contact too. */
const UNREACHABLE = new Set(['revoked', 'quota', 'transient']);

/** Deliveries in this process, one org at a time (the sweep, a reconnect and a run's end may coincide). */
const deliveries = new Map<string, Promise<number>>();

export function deliverPendingClosings(ctx: EngineContext, orgId: string): Promise<number> {
  const previous = deliveries.get(orgId) ?? Promise.resolve(0);
  const next = previous.catch(() => 0).then(() => deliver(ctx, orgId));
  deliveries.set(orgId, next);
  void next.finally(() => {
    if (deliveries.get(orgId) === next) deliveries.delete(orgId);
  });
  return next;
}

async function deliver(ctx: EngineContext, orgId: string): Promise<number> {
  let delivered = 0;
  for (const closing of await ctx.store.pendingClosings.forOrg(orgId)) {
    const { result } = closing;
    let waiting = false;
    try {
      await ctx.orgs.use(orgId, async (conn) => {
        const settled = await settleEndedJobs(conn, result);
        if (settled.length > 0) {
          // The rejected rows changed: the record gets a new file of them.
          delete result.rejectedFileId;
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
      const kind = failureKindOf(error);
      // What this attempt did (settled rows, an attached file) is kept for the next one.
      await ctx.store.pendingClosings.keep(closing);
      await ctx.store.pendingClosings.failedAgain(closing.runId, String(error));
      if (UNREACHABLE.has(kind)) {
        ctx.logger.warn(
          { orgId, runId: closing.runId, kind, err: String(error) },
          'run record still not closed'
        );
        break;
      }
      // Something about this closing itself (its record deleted, its job forgotten): the others go on.
      if (closing.attempts + 1 >= MAX_ATTEMPTS) {
        await ctx.store.pendingClosings.delivered(closing.runId);
        ctx.logger.error(
          { orgId, runId: closing.runId, kind, err: String(error), attempts: closing.attempts + 1 },
          'run record could not be closed; given up (the engine keeps the run and its rows)'
        );
      } else {
        ctx.logger.warn(
          { orgId, runId: closing.runId, kind, err: String(error) },
          'run record not closed, retried later'
        );
      }
      continue;
    }
    if (waiting) continue;
    await ctx.store.pendingClosings.delivered(closing.runId);
    delivered += 1;
  }
  if (delivered) ctx.logger.info({ orgId, delivered }, 'late run records closed');
  return delivered;
}
