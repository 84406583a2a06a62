/**
 * RunRequestService.requestRun for the bridge: refuse while another run of the integration is live, else
 * insert the Queued manual run and publish WalkMe_Run_Request__e through REST, as Apex's EventBus.publish does
 * in an org, so the engine starts it from its CometD subscription. Apex publishes after commit; here the run
 * is inserted before the event is sent, which gives the same order.
 */
import type { Connection } from '@jsforce/jsforce-node';
import { soqlLiteral } from '../../sync-engine/src/domain/soql-literal.js';
import { ApexUserError } from './apex-user-error.js';

/** RunRequestService.STALE_AFTER_MINUTES: an unfinished run with no sign of the engine this long no longer blocks. */
export const STALE_AFTER_MINUTES = 15;

/** RunRequestService.RunRequest */
export interface RunRequest {
  runId: string;
  notice: string | null;
}

function failure(result: { success: boolean; errors: Array<string | { message: string }> }): string {
  return result.errors.map((error) => (typeof error === 'string' ? error : error.message)).join('; ');
}

/** RunRequestService.isLive: the engine's heartbeat on the run, or for a run not picked up yet, its creation. */
function isLive(run: Record<string, unknown>, now: number): boolean {
  const lastSign = (run.Engine_Heartbeat__c ?? run.CreatedDate) as string | null;
  return lastSign == null || Date.parse(lastSign) >= now - STALE_AFTER_MINUTES * 60_000;
}

export async function requestRun(
  conn: Connection,
  integration: Record<string, unknown>,
  dryRun: boolean
): Promise<RunRequest> {
  const integrationId = String(integration.Id);
  const unfinished = (
    await conn.query<Record<string, unknown>>(
      `SELECT Id, Name, Status__c, Engine_Heartbeat__c, CreatedDate FROM WalkMe_Sync_Run__c WHERE Integration__c = ${soqlLiteral(integrationId)} AND Status__c IN ('Queued', 'Running') ORDER BY CreatedDate DESC LIMIT 10`
    )
  ).records;
  const now = Date.now();
  const live = unfinished.find((run) => isLive(run, now));
  if (live) {
    throw new ApexUserError(
      `${integration.Name} already has a ${String(live.Status__c).toLowerCase()} run (${live.Name}). Wait for it to finish, then run it again.`
    );
  }
  const created = await conn.sobject('WalkMe_Sync_Run__c').create({
    Integration__c: integrationId,
    Status__c: 'Queued',
    Trigger__c: 'Manual',
    Report_Name__c: integration.Report_Name__c,
    Target_Object__c: integration.Target_Object__c,
    Dry_Run__c: dryRun
  });
  if (!created.success) throw new Error(`The Queued run could not be inserted: ${failure(created)}`);
  const published = await conn.sobject('WalkMe_Run_Request__e').create({
    Integration_Id__c: integrationId,
    Run_Id__c: created.id,
    Dry_Run__c: dryRun
  });
  if (!published.success) {
    // Apex rolls the Queued run back with the failed transaction; the bridge deletes it.
    await conn.sobject('WalkMe_Sync_Run__c').destroy(created.id);
    throw new ApexUserError(
      `The run request could not be sent to the sync engine (${failure(published)}). Try again in a minute; if it keeps failing, check the platform event allocation in Setup.`
    );
  }
  const stale = unfinished.map((run) => `${run.Name} (${run.Status__c})`);
  return {
    runId: created.id,
    notice: stale.length
      ? `${stale.join(', ')} showed no sign of the sync engine for ${STALE_AFTER_MINUTES} minutes, so it no longer blocks Run Now; the engine closes it with its result when it can.`
      : null
  };
}
