/**
 * A scheduled run's `WalkMe_Sync_Run__c` is created Queued by the worker, which then notes its id in the store.
 * A worker that dies between the two leaves the record open with nothing referring to it (a retry adopts it by
 * `Engine_Run_Id__c`; a run never retried, or a record older than that field, stays open), and the app's Apex
 * refuses Run Now while any run of the integration is Queued or Running — so an orphan would block Run Now for
 * good. Once older than a grace period far longer than that gap, it is closed Failed, naming the record its slot
 * was retried as when the store tells.
 */
import type { Connection } from '@jsforce/jsforce-node';
import { soqlLiteral } from '../domain/soql-literal.js';
import type { EngineContext } from '../context/engine-context.js';

export const ORPHAN_STOPPED = 'Interrupted: the engine stopped before this scheduled run started';

/** SOQL dateTime literals take whole seconds (SOQL and SOSL Reference, "Date Formats and Date Literals"). */
const soqlDateTime = (d: Date) => d.toISOString().replace(/\.\d{3}Z$/, 'Z');

interface OrgRun {
  Id: string;
  Integration__c: string | null;
  CreatedDate: string;
}

/** Closes the org's Scheduled records no run refers to, older than `graceSeconds`; answers their ids. */
export async function closeOrphanedScheduledRuns(
  ctx: EngineContext,
  orgId: string,
  conn: Connection,
  now: Date,
  graceSeconds: number
): Promise<string[]> {
  const cutoff = soqlDateTime(new Date(now.getTime() - graceSeconds * 1000));
  const open = (
    await conn.query<OrgRun>(
      `SELECT Id, Integration__c, CreatedDate FROM WalkMe_Sync_Run__c
       WHERE Trigger__c = 'Scheduled' AND Status__c IN ('Queued', 'Running') AND CreatedDate < ${cutoff}`
    )
  ).records;
  if (!open.length) return [];
  const referenced = await ctx.store.runs.referencedSfRunIds(
    orgId,
    open.map((r) => r.Id)
  );
  const orphans = open.filter((r) => !referenced.has(r.Id));
  for (const orphan of orphans) {
    const reason = `${ORPHAN_STOPPED}${await retriedAs(ctx, orgId, conn, orphan)}.`;
    await conn.sobject('WalkMe_Sync_Run__c').update({
      Id: orphan.Id,
      Status__c: 'Failed',
      End_Time__c: now.toISOString(),
      Error_Summary__c: reason
    });
    ctx.logger.warn({ orgId, sfRunId: orphan.Id, reason }, 'orphaned scheduled run record closed');
  }
  return orphans.map((r) => r.Id);
}

/**
 * `; it was retried as RUN-…` when the scheduled run that created the orphan (its integration's latest one
 * requested before the record was created) went on to note another record; else nothing.
 */
async function retriedAs(
  ctx: EngineContext,
  orgId: string,
  conn: Connection,
  orphan: OrgRun
): Promise<string> {
  if (!orphan.Integration__c) return '';
  const createdAt = Date.parse(orphan.CreatedDate);
  const creator = (await ctx.store.runs.forIntegration(orgId, orphan.Integration__c))
    .filter((run) => run.trigger === 'Scheduled' && run.requestedAt.getTime() <= createdAt)
    .at(-1);
  if (!creator?.sfRunId) return '';
  const [retry] = (
    await conn.query<{ Name: string }>(
      `SELECT Name FROM WalkMe_Sync_Run__c WHERE Id = ${soqlLiteral(creator.sfRunId)}`
    )
  ).records;
  return retry ? `; it was retried as ${retry.Name}` : '';
}
