/**
 * The two ways a run writes changed records; both report one result per record, never throw for a record.
 * - sObject Collections: `PATCH /composite/sobjects`, 200 records a call, `allOrNone: false`, a few calls
 *   in flight; records refused with `UNABLE_TO_LOCK_ROW` (Salesforce's own automation holding the row) are
 *   retried afterwards, serially, with exponential backoff (field-lessons.md, complaint 1). A call that fails
 *   transiently (5xx, a reset connection) is sent again with backoff and jitter, which jsforce never does for
 *   PATCH: an update with the same values is idempotent. A call refused because the token was revoked or the
 *   daily quota is spent stops the writes: no other call is sent, and the failure ends the run.
 * - Bulk API 2.0: one ingest job, its `failedResults` and `unprocessedrecords` mapped back by Id; every
 *   other uploaded record succeeded, so `successfulResults` is not downloaded (one call saved).
 */
import type { Connection } from '@jsforce/jsforce-node';
import type { RunFailure } from '../domain/errors.js';
import { describeSalesforceFailure } from './salesforce-errors.js';
import { withTransientRetries } from './transient-retry.js';
import { COLLECTION_SIZE } from '../domain/salesforce-limits.js';
import type {
  BulkPolling,
  CollectionsOptions,
  RecordWrite,
  WriteItem,
  WriteResult
} from '../sync/target-org.js';
import { sleep } from '../domain/backoff.js';
import { apiPath, postComposite, subrequestError } from './composite-request.js';

const LOCK_CODE = 'UNABLE_TO_LOCK_ROW';
interface SaveResultLike {
  success: boolean;
  errors?: Array<{ statusCode?: string; errorCode?: string; message: string }>;
}

/** Failures no retry within the run can fix: the remaining writes are not sent. */
const STOPS_THE_RUN = new Set<RunFailure['kind']>(['revoked', 'quota']);

/** Each record's result from its SaveResult (Collections answer them in the records' order). */
function savedResults(batch: RecordWrite[], results: SaveResultLike[]): WriteResult[] {
  return batch.map(({ item }, index) => {
    const result = results[index];
    if (result?.success) return { id: item.id, ok: true };
    const error = result?.errors?.[0];
    return {
      id: item.id,
      ok: false,
      statusCode: error?.statusCode ?? error?.errorCode ?? 'UNKNOWN_ERROR',
      message: error?.message ?? 'Salesforce returned no result for this record'
    };
  });
}

/** Every record of `batch` failed with the same reason (the call or its subrequest was refused). */
function allFailed(batch: RecordWrite[], statusCode: string, message: string): WriteResult[] {
  return batch.map(({ item }) => ({ id: item.id, ok: false, statusCode, message }));
}

/**
 * Sends one call: a single Collections update, or up to five in one composite call (its subrequests each
 * `PATCH /composite/sobjects`, answered one by one). A collection may hold records of several objects: each
 * names its own in `attributes.type`, and Salesforce takes a run of one object as one of at most 10 chunks (the
 * records come grouped by object, so a collection holds as many chunks as objects). An update by Id is
 * idempotent, so a transient failure sends the call again.
 */
async function writeGroup(
  conn: Connection,
  group: RecordWrite[][],
  options: CollectionsOptions
): Promise<WriteResult[]> {
  const collection = (batch: RecordWrite[]) => ({
    allOrNone: false,
    records: batch.map(({ objectName, item }) => ({
      attributes: { type: objectName },
      Id: item.id,
      ...item.fields
    }))
  });
  const send = async (): Promise<WriteResult[][]> => {
    if (group.length === 1) {
      const results = await conn.request<SaveResultLike[]>({
        method: 'PATCH',
        url: `${apiPath(conn)}/composite/sobjects`,
        body: JSON.stringify(collection(group[0])),
        headers: { 'content-type': 'application/json' }
      });
      return [savedResults(group[0], results)];
    }
    const answers = await postComposite(
      conn,
      group.map((batch, i) => ({
        method: 'PATCH',
        url: `${apiPath(conn)}/composite/sobjects`,
        referenceId: `w${i}`,
        body: collection(batch)
      }))
    );
    return answers.map((answer, i) => {
      if (answer.httpStatusCode < 400) return savedResults(group[i], answer.body as SaveResultLike[]);
      const error = subrequestError(answer);
      return allFailed(group[i], error.errorCode, error.message);
    });
  };
  try {
    const results = await withTransientRetries(conn, send, {
      retries: options.transientRetries,
      baseMs: options.retryBackoffMs,
      ...(options.onRetry ? { onRetry: options.onRetry } : {})
    });
    return results.flat();
  } catch (error) {
    const failure = error as RunFailure;
    if (STOPS_THE_RUN.has(failure.kind)) throw failure;
    // The whole call was refused (e.g. 400 INVALID_FIELD, or 503 after every retry): every record in it failed.
    const cause = failure.cause;
    const statusCode = cause instanceof Error && cause.name !== 'Error' ? cause.name : 'REQUEST_FAILED';
    return allFailed(group.flat(), statusCode, failure.advice);
  }
}

/** `items` cut into calls: Collections of 200, `perCall` of them to a call. */
function groupsOf(items: RecordWrite[], perCall: number): RecordWrite[][][] {
  const groups: RecordWrite[][][] = [];
  const perGroup = COLLECTION_SIZE * perCall;
  for (let start = 0; start < items.length; start += perGroup) {
    const group: RecordWrite[][] = [];
    for (let at = start; at < Math.min(items.length, start + perGroup); at += COLLECTION_SIZE) {
      group.push(items.slice(at, Math.min(at + COLLECTION_SIZE, start + perGroup)));
    }
    groups.push(group);
  }
  return groups;
}

/**
 * Writes `writes` with sObject Collections (`options.perCall` of them in one composite call) and reports each
 * record's result through `onResult`.
 */
export async function writeWithCollections(
  conn: Connection,
  writes: RecordWrite[],
  options: CollectionsOptions,
  onResult: (result: WriteResult) => void
): Promise<void> {
  const batches = groupsOf(writes, options.perCall);
  let locked: RecordWrite[] = [];
  const byId = new Map(writes.map((write) => [write.item.id, write]));
  const settle = (results: WriteResult[], retryable: boolean) => {
    for (const result of results) {
      if (retryable && !result.ok && result.statusCode === LOCK_CODE) locked.push(byId.get(result.id)!);
      else onResult(result);
    }
  };
  let next = 0;
  let stop: unknown;
  const worker = async () => {
    while (stop === undefined && !options.signal?.aborted && next < batches.length) {
      const batch = batches[next++];
      try {
        settle(await writeGroup(conn, batch, options), options.lockRetries > 0);
      } catch (error) {
        stop ??= error;
      }
    }
  };
  // Every call in flight is settled before a stop is reported, so no written record is reported unwritten.
  await Promise.all(
    Array.from({ length: Math.max(1, Math.min(options.concurrency, batches.length)) }, worker)
  );
  if (stop !== undefined) throw stop;
  if (options.signal?.aborted && next < batches.length) options.signal.throwIfAborted();

  for (let attempt = 1; attempt <= options.lockRetries && locked.length > 0; attempt += 1) {
    await sleep(options.lockBackoffMs * 2 ** (attempt - 1));
    const retrying = locked;
    locked = [];
    for (const group of groupsOf(retrying, options.perCall)) {
      settle(await writeGroup(conn, group, options), attempt < options.lockRetries);
    }
  }
}

/** `sf__Error` reads `CODE:message:fields --` (reference/salesforce-api.md §5). */
function parseBulkError(text: string): { statusCode: string; message: string } {
  const separator = text.indexOf(':');
  if (separator < 0) return { statusCode: 'UNKNOWN_ERROR', message: text };
  return {
    statusCode: text.slice(0, separator),
    message: text
      .slice(separator + 1)
      .replace(/:[^:]*--\s*$/, '')
      .trim()
  };
}

/**
 * A Bulk ingest job's per-record outcome: failed and unprocessed records; every other one was written. The job
 * info the last poll read counts them (`numberRecordsFailed`, `numberRecordsProcessed`: Bulk API 2.0 guide,
 * "Get Job Info"), so a list it says is empty is not asked for — a clean job costs no results call.
 */
async function reportJobResults(
  job: ReturnType<Connection['bulk2']['job']>,
  pending: Set<string>,
  onResult: (result: WriteResult) => void
): Promise<void> {
  const info = (
    job as unknown as { jobInfo?: { numberRecordsFailed?: number; numberRecordsProcessed?: number } }
  ).jobInfo;
  const total = pending.size;
  const failed =
    info?.numberRecordsFailed === 0
      ? []
      : ((await job.getFailedResults()) as unknown as Array<Record<string, string>>);
  for (const record of failed) {
    const id = record.Id || record.sf__Id;
    if (!pending.delete(id)) continue;
    onResult({ id, ok: false, ...parseBulkError(record.sf__Error ?? '') });
  }
  const allProcessed = info?.numberRecordsProcessed !== undefined && info.numberRecordsProcessed >= total;
  const unprocessed = allProcessed ? [] : await job.getUnprocessedRecords();
  if (Array.isArray(unprocessed)) {
    for (const record of unprocessed as unknown as Array<Record<string, string>>) {
      if (!pending.delete(record.Id)) continue;
      onResult({
        id: record.Id,
        ok: false,
        statusCode: 'NOT_PROCESSED',
        message: 'The Bulk API job did not process this record'
      });
    }
  }
  for (const id of pending) onResult({ id, ok: true });
}

/** Waits for `work` unless `signal` aborts first (then `work` goes on, its outcome ignored). */
async function unlessAborted<T>(work: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return await work;
  work.catch(() => undefined);
  signal.throwIfAborted();
  return await Promise.race([
    work,
    new Promise<never>((_, reject) =>
      signal.addEventListener('abort', () => reject(signal.reason), { once: true })
    )
  ]);
}

/**
 * The items as CSV rows with one set of columns: jsforce builds the header from the first record. A field an
 * item leaves out (a blank cell kept) is an empty cell, which Bulk API 2.0 leaves unchanged; null goes as
 * `#N/A`, which clears ("Bulk API 2.0 and Bulk API Developer Guide", "Valid CSV Record Rows": "Empty field values
 * are ignored when you update records. To set a field value to null, use a field value of #N/A").
 */
function bulkRows(items: WriteItem[]): Array<Record<string, unknown>> {
  const columns = [...new Set(items.flatMap((item) => Object.keys(item.fields)))];
  return items.map((item) => {
    const row: Record<string, unknown> = { Id: item.id };
    for (const column of columns) row[column] = item.fields[column] === undefined ? '' : item.fields[column];
    return row;
  });
}

/**
 * Writes `items` in one Bulk API 2.0 ingest job (`bulkRows` gives them one header).
 * Once the job is closed, Salesforce goes on with it whatever happens here (a poll timeout, a 5xx while
 * polling or reading its results, the engine stopping): the records without a result then get none, and the
 * job's id is answered for `settleBulkIngest` later. Only a job never closed fails its records here.
 */
export async function writeWithBulkIngest(
  conn: Connection,
  objectName: string,
  items: WriteItem[],
  polling: BulkPolling,
  onResult: (result: WriteResult) => void
): Promise<{ pendingJobId?: string }> {
  if (items.length === 0) return {};
  const job = conn.bulk2.createJob({ object: objectName, operation: 'update' });
  const pending = new Set(items.map((item) => item.id));
  let closed = false;
  try {
    await job.open();
    await job.uploadData(bulkRows(items));
    await job.close();
    closed = true;
    await unlessAborted(job.poll(polling.pollInterval, polling.pollTimeout), polling.signal);
    await reportJobResults(job, pending, onResult);
  } catch (error) {
    if (closed && job.id) return { pendingJobId: job.id };
    const statusCode = error instanceof Error && error.name !== 'Error' ? error.name : 'BULK_JOB_FAILED';
    const message = `Bulk API 2.0 job failed: ${describeSalesforceFailure(error)}`;
    for (const id of pending) onResult({ id, ok: false, statusCode, message });
  }
  return {};
}

/**
 * A job a run left unsettled, looked at again: `running` while Salesforce still works on it, else each of
 * `ids`'s outcome through `onResult`. A Failed or Aborted job lists what it did not process among its
 * unprocessed records, as a completed one does [unverified for Failed], so the same reading applies.
 */
export async function settleBulkIngest(
  conn: Connection,
  jobId: string,
  ids: string[],
  onResult: (result: WriteResult) => void
): Promise<'running' | 'settled'> {
  const job = conn.bulk2.job('ingest', { id: jobId });
  const info = (await job.check()) as { state: string };
  if (info.state === 'Open' || info.state === 'UploadComplete' || info.state === 'InProgress')
    return 'running';
  await reportJobResults(job, new Set(ids), onResult);
  return 'settled';
}
