/**
 * Writes by sObject Collections (Bulk API 2.0 writes are bulk-ingest.ts): `PATCH /composite/sobjects`, 200
 * records a collection, `allOrNone: false`, a few calls in flight, the records read from an iterator as calls go
 * out; one result per record, never a throw for a record. Records refused with `UNABLE_TO_LOCK_ROW`
 * (Salesforce's own automation holding the row) are retried afterwards, serially, with exponential backoff
 * (field-lessons.md, complaint 1). A call that fails transiently (5xx, a reset connection) is sent again with
 * backoff and jitter, which jsforce never does for PATCH: an update with the same values is idempotent. A call
 * refused because the token was revoked or the daily quota is spent stops the writes: no other call is sent,
 * and the failure ends the run.
 */
import type { Connection } from '@jsforce/jsforce-node';
import type { RunFailure } from '../domain/errors.js';
import { withTransientRetries } from './transient-retry.js';
import { COLLECTION_SIZE } from '../domain/salesforce-limits.js';
import type { CollectionsOptions, RecordWrite, WriteResult } from '../sync/target-org.js';
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
 * The records grouped by object, each object's in their order: a collection takes at most 10 runs of one object
 * ("chunks": REST API Developer Guide, "sObject Collections"), and a row writing a Lead and its Contact would
 * otherwise make every record a run of its own.
 */
function byObject(writes: RecordWrite[]): RecordWrite[] {
  const objects = new Map<string, RecordWrite[]>();
  for (const write of writes) {
    const list = objects.get(write.objectName);
    if (list) list.push(write);
    else objects.set(write.objectName, [write]);
  }
  return [...objects.values()].flat();
}

/**
 * Writes `writes` with sObject Collections (`options.perCall` of them in one composite call) and reports each
 * record's result through `onResult`. Each call takes the next records from `writes` as it goes out.
 */
export async function writeWithCollections(
  conn: Connection,
  writes: Iterable<RecordWrite>,
  options: CollectionsOptions,
  onResult: (result: WriteResult) => void
): Promise<void> {
  const perGroup = COLLECTION_SIZE * options.perCall;
  const source = writes[Symbol.iterator]();
  let ahead = source.next();
  const nextGroup = (): RecordWrite[][] => {
    const taken: RecordWrite[] = [];
    for (; !ahead.done && taken.length < perGroup; ahead = source.next()) taken.push(ahead.value);
    return groupsOf(byObject(taken), options.perCall)[0] ?? [];
  };
  let locked: RecordWrite[] = [];
  const settle = (group: RecordWrite[][], results: WriteResult[], retryable: boolean) => {
    const byId = retryable ? new Map(group.flat().map((write) => [write.item.id, write])) : undefined;
    for (const result of results) {
      const write = byId && !result.ok && result.statusCode === LOCK_CODE ? byId.get(result.id) : undefined;
      if (write) locked.push(write);
      else onResult(result);
    }
  };
  let stop: unknown;
  const worker = async () => {
    while (stop === undefined && !options.signal?.aborted && !ahead.done) {
      const group = nextGroup();
      try {
        settle(group, await writeGroup(conn, group, options), options.lockRetries > 0);
      } catch (error) {
        stop ??= error;
      }
    }
  };
  // Every call in flight is settled before a stop is reported, so no written record is reported unwritten.
  await Promise.all(Array.from({ length: Math.max(1, options.concurrency) }, worker));
  if (stop !== undefined) throw stop;
  if (options.signal?.aborted && !ahead.done) options.signal.throwIfAborted();

  for (let attempt = 1; attempt <= options.lockRetries && locked.length > 0; attempt += 1) {
    await sleep(options.lockBackoffMs * 2 ** (attempt - 1));
    const retrying = byObject(locked);
    locked = [];
    for (const group of groupsOf(retrying, options.perCall)) {
      settle(group, await writeGroup(conn, group, options), attempt < options.lockRetries);
    }
  }
}
