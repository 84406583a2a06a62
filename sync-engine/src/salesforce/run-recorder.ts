/**
 * Leaves the run's trace in the org (docs/data-model.md): the `WalkMe_Sync_Run__c` log record (created
 * Running, or the Queued one Run Now created moved to Running, then its final state), the rejected rows as
 * a CSV `ContentVersion` linked to it, and the integration's last-run fields — the opening and the closing
 * in one composite call each.
 */
import type { Connection } from '@jsforce/jsforce-node';
import { withTransientRetries } from './transient-retry.js';
import { soqlLiteral } from '../domain/soql-literal.js';
import {
  apiPath,
  postComposite,
  subrequestError,
  type Subrequest,
  type SubrequestResult
} from './composite-request.js';
import { stringify } from 'csv-stringify/sync';
import type { RowOutcome, RunResult } from '../domain/run-result.js';
import type { RunStart } from '../sync/target-org.js';
import type { ObjectInfo } from '../domain/object-schema.js';

const LOG_LIMIT = 131_072;
const ERROR_SUMMARY_LIMIT = 32_768;

function clip(text: string, limit: number): string {
  return text.length <= limit ? text : `${text.slice(0, limit - 40)}\n… (truncated, ${text.length} chars)`;
}

/**
 * Opens the run: its record Running (the Queued one Run Now created moved on, or a new one) and, in the same
 * composite call, the describes the run plans from — one call where it took one for each. "All sObject
 * resources" may be Composite subrequests (REST API Developer Guide, "Send Multiple Requests Using Composite"),
 * and the subrequests are independent (`allOrNone: false`), so a describe the org refuses leaves the record
 * opened: that object is then described on its own, where jsforce names the failure. Moving a Queued record
 * is sent again on a transient failure; creating one is not (it could make a second record).
 */
export async function recordRunStart(
  conn: Connection,
  start: RunStart,
  describe: string[]
): Promise<{ runId: string; described: Map<string, ObjectInfo> }> {
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
  const api = apiPath(conn);
  const subrequests: Subrequest[] = [
    start.runId
      ? {
          method: 'PATCH',
          url: `${api}/sobjects/WalkMe_Sync_Run__c/${start.runId}`,
          referenceId: 'run',
          body: fields
        }
      : { method: 'POST', url: `${api}/sobjects/WalkMe_Sync_Run__c`, referenceId: 'run', body: fields },
    ...describe.map((objectName, i): Subrequest => ({
      method: 'GET',
      url: `${api}/sobjects/${encodeURIComponent(objectName)}/describe`,
      referenceId: `describe${i}`
    }))
  ];
  const open = () => postComposite(conn, subrequests);
  const [run, ...describes] = start.runId ? await withTransientRetries(conn, open) : await open();
  if (run.httpStatusCode >= 400) throw refusal('WalkMe_Sync_Run__c', run);
  const described = new Map<string, ObjectInfo>();
  describes.forEach((answer, i) => {
    if (answer.httpStatusCode < 400) described.set(describe[i], answer.body as ObjectInfo);
  });
  return { runId: start.runId ?? (run.body as { id: string }).id, described };
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

/** The rejected rows' CSV as a `ContentVersion` published on the run record. */
function rejectedRowsFile(runId: string, result: RunResult): Record<string, unknown> {
  return {
    Title: `Rejected rows — ${result.integrationName}`,
    PathOnClient: REJECTED_ROWS_FILE,
    VersionData: Buffer.from(rejectedRowsCsv(result.rejected), 'utf8').toString('base64'),
    FirstPublishLocationId: runId
  };
}

const REJECTED_ROWS_FILE = 'rejected-rows.csv';

/** The run's file, if an earlier attempt created it (a retried closing must not attach it twice). */
async function attachedFile(conn: Connection, runId: string): Promise<string | undefined> {
  const found = await conn.query<{ Id: string }>(
    `SELECT Id FROM ContentVersion WHERE FirstPublishLocationId = ${soqlLiteral(runId)} AND PathOnClient = '${REJECTED_ROWS_FILE}' LIMIT 1`
  );
  return found.records[0]?.Id;
}

/** The reason a subrequest saving a record was refused. */
function refusal(objectName: string, result: SubrequestResult): Error {
  const error = subrequestError(result);
  return new Error(`Could not save ${objectName}: ${error.errorCode} ${error.message}`.trim());
}

/**
 * Writes the final state of the run, its rejected rows' file and, for a run that could write, the
 * integration's last-run fields (a dry run leaves the integration as it was: only its own run record, Dry Run
 * ticked, says it happened) — in one composite call. The call is sent again on a transient failure; a retry
 * first looks for the file an earlier attempt may have created, so it is never attached twice. When the org
 * refuses the file, the rows stay in the result, which the engine keeps.
 */
export async function recordRunEnd(
  conn: Connection,
  runId: string,
  result: RunResult,
  options: { integrationId?: string; callsSoFar: () => number }
): Promise<void> {
  const integrationId = result.dryRun ? undefined : options.integrationId;
  const api = apiPath(conn);
  let attempts = 0;
  const results = await withTransientRetries(conn, async () => {
    attempts += 1;
    if (attempts > 1 && !result.rejectedFileId && result.rejected.length > 0) {
      result.rejectedFileId = await attachedFile(conn, runId);
    }
    const subrequests: Subrequest[] = [
      {
        method: 'PATCH',
        url: `${api}/sobjects/WalkMe_Sync_Run__c/${runId}`,
        referenceId: 'run',
        body: runFields(result, options.callsSoFar() + 1)
      }
    ];
    if (integrationId) {
      subrequests.push({
        method: 'PATCH',
        url: `${api}/sobjects/WalkMe_Integration__c/${integrationId}`,
        referenceId: 'integration',
        body: integrationFields(runId, result)
      });
    }
    if (!result.rejectedFileId && result.rejected.length > 0) {
      subrequests.push({
        method: 'POST',
        url: `${api}/sobjects/ContentVersion`,
        referenceId: 'file',
        body: rejectedRowsFile(runId, result)
      });
    }
    return await postComposite(conn, subrequests);
  });
  for (const answer of results) {
    if (answer.referenceId === 'file') {
      if (answer.httpStatusCode < 400) result.rejectedFileId = (answer.body as { id: string }).id;
      else
        result.log.push(
          `rejected rows not attached (${refusal('ContentVersion', answer).message}); the engine keeps them`
        );
    } else if (answer.httpStatusCode >= 400) {
      throw refusal(answer.referenceId === 'run' ? 'WalkMe_Sync_Run__c' : 'WalkMe_Integration__c', answer);
    }
  }
}

function runFields(result: RunResult, apiCalls: number): Record<string, unknown> {
  return {
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
    // This closing call is spent too: count it in.
    API_Calls__c: apiCalls,
    Error_Summary__c: clip(summariseRejections(result), ERROR_SUMMARY_LIMIT) || null,
    Log__c: clip(result.log.join('\n'), LOG_LIMIT)
  };
}

function integrationFields(runId: string, result: RunResult): Record<string, unknown> {
  return {
    Last_Run__c: runId,
    Last_Run_Status__c: result.status,
    Last_Run_Time__c: result.startedAt.toISOString(),
    Last_Run_Rows_Read__c: result.counts.read,
    Last_Run_Rows_Updated__c: result.counts.updated,
    Last_Run_Rows_Failed__c: result.counts.failed,
    // The mass-change guard compares the next report with this.
    ...(result.status === 'Failed' ? {} : { Last_Successful_Rows_Read__c: result.counts.read }),
    ...(result.largeChangesAllowed ? { Allow_Large_Changes_Once__c: false } : {})
  };
}
