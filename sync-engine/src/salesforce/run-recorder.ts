/**
 * Leaves the run's trace in the org (docs/data-model.md): the `WalkMe_Sync_Run__c` log record (created
 * Running, or the Queued one Run Now created moved to Running, then its final state), the rejected rows as
 * a CSV `ContentVersion` linked to it, and the integration's last-run fields.
 */
import type { Connection } from '@jsforce/jsforce-node';
import { withTransientRetries } from './transient-retry.js';
import { stringify } from 'csv-stringify/sync';
import type { RowOutcome, RunResult } from '../domain/run-result.js';
import type { RunStart } from '../sync/target-org.js';

const LOG_LIMIT = 131_072;
const ERROR_SUMMARY_LIMIT = 32_768;

function clip(text: string, limit: number): string {
  return text.length <= limit ? text : `${text.slice(0, limit - 40)}\n… (truncated, ${text.length} chars)`;
}

async function saveOne(
  conn: Connection,
  objectName: string,
  record: Record<string, unknown>,
  create: boolean
): Promise<string> {
  const sobject = conn.sobject(objectName);
  // An update by Id is sent again on a transient failure; a create is not (it could make a second record).
  const saved = create
    ? await sobject.create(record)
    : await withTransientRetries(conn, () => sobject.update(record as { Id: string }));
  const result = saved as unknown as {
    id?: string;
    success: boolean;
    errors?: Array<{ message: string; statusCode?: string }>;
  };
  if (!result.success) {
    const error = result.errors?.[0];
    throw new Error(
      `Could not save ${objectName}: ${error?.statusCode ?? ''} ${error?.message ?? ''}`.trim()
    );
  }
  return result.id ?? String(record.Id);
}

export async function recordRunStart(conn: Connection, start: RunStart): Promise<string> {
  const fields = {
    Status__c: 'Running',
    Trigger__c: start.trigger,
    Dry_Run__c: start.dryRun,
    Report_Name__c: start.integration.reportName,
    Target_Object__c: start.integration.targetObject,
    Start_Time__c: start.startedAt.toISOString(),
    // Run Now stays blocked only while this is recent (RunRequestService.STALE_AFTER_MINUTES).
    Engine_Heartbeat__c: start.startedAt.toISOString(),
    ...(start.integration.id ? { Integration__c: start.integration.id } : {})
  };
  if (start.runId) return saveOne(conn, 'WalkMe_Sync_Run__c', { Id: start.runId, ...fields }, false);
  return saveOne(conn, 'WalkMe_Sync_Run__c', fields, true);
}

/**
 * The run's error, then every rejected row counted by reason, most frequent first; and, when the cap left
 * rows out of the attached file, how many.
 */
export function summariseRejections(result: RunResult): string {
  const lines = result.rejectedByReason.map(({ reason, rows }) => `${rows} × ${reason}`);
  if (result.rejectedOmitted > 0) {
    lines.push(
      `(${result.rejectedOmitted} rejected rows beyond the first ${result.rejected.length} are counted above but not in the attached file)`
    );
  }
  return [result.error, ...lines].filter(Boolean).join('\n');
}

/**
 * A cell a spreadsheet would run as a formula (leading `=`, `+`, `-`, `@`, tab or CR) gets a leading `'`, as
 * OWASP's CSV injection advice says: report keys and reasons carry text anyone could have typed.
 */
export function spreadsheetSafe(cell: string): string {
  return /^[=+\-@\t\r]/.test(cell) ? `'${cell}` : cell;
}

export function rejectedRowsCsv(rows: RowOutcome[]): string {
  return stringify(
    rows.map((row) => [
      row.row,
      ...[row.key, row.outcome, row.statusCode ?? '', row.reason ?? '', row.recordIds.join(';')].map(
        spreadsheetSafe
      )
    ]),
    { header: true, columns: ['Row', 'Key', 'Outcome', 'Status Code', 'Reason', 'Record Ids'] }
  );
}

/**
 * Attaches the rejected rows to the run record. Answers the ContentVersion id, or undefined with the
 * reason when the org refuses it (then the rows stay in the result, which the engine keeps).
 */
async function attachRejectedRows(
  conn: Connection,
  runId: string,
  result: RunResult
): Promise<{ id?: string; problem?: string }> {
  if (result.rejected.length === 0) return {};
  try {
    const id = await saveOne(
      conn,
      'ContentVersion',
      {
        Title: `Rejected rows — ${result.integrationName}`,
        PathOnClient: 'rejected-rows.csv',
        VersionData: Buffer.from(rejectedRowsCsv(result.rejected), 'utf8').toString('base64'),
        FirstPublishLocationId: runId
      },
      true
    );
    return { id };
  } catch (error) {
    return { problem: `rejected rows not attached (${(error as Error).message}); the engine keeps them` };
  }
}

/**
 * Writes the final state of the run and, for a run that could write, the integration's last-run fields (a
 * dry run leaves the integration as it was: only its own run record, Dry Run ticked, says it happened).
 */
export async function recordRunEnd(
  conn: Connection,
  runId: string,
  result: RunResult,
  options: { integrationId?: string; callsSoFar: () => number }
): Promise<void> {
  const integrationId = result.dryRun ? undefined : options.integrationId;
  // A closing delivered again (an earlier attempt failed after the file was attached) does not attach it twice.
  if (!result.rejectedFileId) {
    const attached = await attachRejectedRows(conn, runId, result);
    if (attached.id) result.rejectedFileId = attached.id;
    if (attached.problem) result.log.push(attached.problem);
  }
  await saveOne(
    conn,
    'WalkMe_Sync_Run__c',
    {
      Id: runId,
      Status__c: result.status,
      Dry_Run__c: result.dryRun,
      End_Time__c: result.endedAt.toISOString(),
      Runtime_Seconds__c: Number(((result.endedAt.getTime() - result.startedAt.getTime()) / 1000).toFixed(3)),
      Rows_Read__c: result.counts.read,
      Rows_Updated__c: result.counts.updated,
      Rows_Unchanged__c: result.counts.unchanged,
      Rows_Unmatched__c: result.counts.unmatched,
      Rows_Ambiguous__c: result.counts.ambiguous,
      Rows_Invalid__c: result.counts.invalid,
      Rows_Failed__c: result.counts.failed,
      // This call and the integration update below are spent too: count them in.
      API_Calls__c: options.callsSoFar() + (integrationId ? 2 : 1),
      Error_Summary__c: clip(summariseRejections(result), ERROR_SUMMARY_LIMIT) || null,
      Log__c: clip(result.log.join('\n'), LOG_LIMIT)
    },
    false
  );
  if (!integrationId) return;
  await saveOne(
    conn,
    'WalkMe_Integration__c',
    {
      Id: integrationId,
      Last_Run__c: runId,
      Last_Run_Status__c: result.status,
      Last_Run_Time__c: result.startedAt.toISOString(),
      Last_Run_Rows_Read__c: result.counts.read,
      Last_Run_Rows_Updated__c: result.counts.updated,
      Last_Run_Rows_Failed__c: result.counts.failed,
      // The mass-change guard compares the next report with this.
      ...(result.status === 'Failed' ? {} : { Last_Successful_Rows_Read__c: result.counts.read }),
      ...(result.largeChangesAllowed ? { Allow_Large_Changes_Once__c: false } : {})
    },
    false
  );
}
