/**
 * Writes by Bulk API 2.0 ingest: an object's records streamed as CSV into as few jobs as the upload limit
 * allows (one, unless the CSV passes 100 MB), each job's `failedResults` and `unprocessedrecords` read back;
 * every other uploaded record succeeded, so `successfulResults` is not downloaded (one call saved). The records
 * come from an iterator and go out a block at a time, so the heap never holds the whole upload.
 */
import { Readable } from 'node:stream';
import type { Connection } from '@jsforce/jsforce-node';
import { stringify } from 'csv-stringify/sync';
import { describeSalesforceFailure } from './salesforce-errors.js';
import { MAX_BULK_UPLOAD_BYTES } from '../domain/salesforce-limits.js';
import type {
  RecordFailure,
  BulkJobOutcome,
  BulkPolling,
  BulkUpload,
  WriteItem,
  WriteResult
} from '../sync/target-org.js';

type IngestJob = ReturnType<Connection['bulk2']['job']>;

/** Rows serialised at a time: a block is the unit the upload grows by and a job is cut at. */
const ROWS_PER_BLOCK = 500;

/** `sf__Error` reads `CODE:message:fields --` (reference/salesforce-api.md §5). */
function parseBulkError(text: string): RecordFailure {
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
 * The records a job did not write, by Id: failed and unprocessed ones. The job info the last poll read counts
 * them (`numberRecordsFailed`, `numberRecordsProcessed`: Bulk API 2.0 guide, "Get Job Info"), so a list it says
 * is empty is not asked for — a clean job costs no results call. `uploaded` is how many records the job took
 * (unknown: the unprocessed list is always read).
 */
async function jobFailures(
  job: IngestJob,
  uploaded: number | undefined
): Promise<Map<string, RecordFailure>> {
  const info = (
    job as unknown as { jobInfo?: { numberRecordsFailed?: number; numberRecordsProcessed?: number } }
  ).jobInfo;
  const failures = new Map<string, RecordFailure>();
  const failed =
    info?.numberRecordsFailed === 0
      ? []
      : ((await job.getFailedResults()) as unknown as Array<Record<string, string>>);
  for (const record of failed)
    failures.set(record.Id || record.sf__Id, parseBulkError(record.sf__Error ?? ''));
  const processed = info?.numberRecordsProcessed;
  const allProcessed = uploaded !== undefined && processed !== undefined && processed >= uploaded;
  const unprocessed = allProcessed ? [] : await job.getUnprocessedRecords();
  if (Array.isArray(unprocessed)) {
    for (const record of unprocessed as unknown as Array<Record<string, string>>) {
      if (failures.has(record.Id)) continue;
      failures.set(record.Id, {
        statusCode: 'NOT_PROCESSED',
        message: 'The Bulk API job did not process this record'
      });
    }
  }
  return failures;
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

interface CsvBlock {
  text: string;
  bytes: number;
  records: number;
}

/**
 * The items as CSV rows under one header, a block at a time, serialised by csv-stringify as jsforce serialises
 * records. A field an item leaves out (a blank cell kept) is an empty cell, which Bulk API 2.0 leaves unchanged;
 * null goes as `#N/A`, which clears ("Bulk API 2.0 and Bulk API Developer Guide", "Valid CSV Record Rows":
 * "Empty field values are ignored when you update records. To set a field value to null, use a field value of
 * #N/A").
 */
function* csvBlocks(columns: string[], items: Iterable<WriteItem>): Generator<CsvBlock> {
  let rows: unknown[][] = [];
  const block = (): CsvBlock => {
    const text = stringify(rows);
    const records = rows.length;
    rows = [];
    return { text, bytes: Buffer.byteLength(text), records };
  };
  for (const item of items) {
    rows.push([
      item.id,
      ...columns.map((column) => {
        const value = item.fields[column];
        return value === undefined ? '' : value === null ? '#N/A' : String(value);
      })
    ]);
    if (rows.length === ROWS_PER_BLOCK) yield block();
  }
  if (rows.length > 0) yield block();
}

/**
 * Writes an object's records by Bulk API 2.0, answering what each job did with its share, in order. A job is
 * closed once its CSV reaches the upload limit ("Upload Job Data": "upload data that does not exceed 100 MB",
 * base64 making it up to 150 MB); the next one takes the records after. Once a job is closed Salesforce goes on
 * with it whatever happens here (a poll timeout, a 5xx while polling or reading its results, the engine
 * stopping): it is answered `running`, for the engine to settle later. A job never closed is `refused` with
 * every record left, as is the rest when the engine stops between jobs.
 */
export async function writeWithBulkIngest(
  conn: Connection,
  objectName: string,
  upload: BulkUpload,
  polling: BulkPolling
): Promise<BulkJobOutcome[]> {
  const maxBytes = upload.maxBytes ?? MAX_BULK_UPLOAD_BYTES;
  const header = stringify([['Id', ...upload.columns]]);
  const blocks = csvBlocks(upload.columns, upload.items);
  let next = blocks.next();
  const rest = () => {
    let records = 0;
    for (; !next.done; next = blocks.next()) records += next.value.records;
    return records;
  };
  const outcomes: BulkJobOutcome[] = [];
  while (!next.done) {
    if (polling.signal?.aborted) {
      const message = 'not attempted: the engine stopped before this Bulk API job was created';
      outcomes.push({ state: 'refused', records: rest(), failure: { statusCode: 'NOT_ATTEMPTED', message } });
      break;
    }
    let records = 0;
    // The job's CSV: the header, then blocks while they fit (the first always goes, whatever its size).
    const jobCsv = function* (): Generator<string> {
      yield header;
      let bytes = Buffer.byteLength(header);
      while (!next.done && (records === 0 || bytes + next.value.bytes <= maxBytes)) {
        const block = next.value;
        bytes += block.bytes;
        records += block.records;
        next = blocks.next();
        yield block.text;
      }
    };
    const csv = Readable.from(jobCsv());
    const job = conn.bulk2.createJob({ object: objectName, operation: 'update' });
    let closed = false;
    try {
      await job.open();
      await job.uploadData(csv);
      await job.close();
      closed = true;
      await unlessAborted(job.poll(polling.pollInterval, polling.pollTimeout), polling.signal);
      outcomes.push({ state: 'ended', records, failures: await jobFailures(job, records) });
    } catch (error) {
      if (closed && job.id) {
        outcomes.push({ state: 'running', records, jobId: job.id });
        continue;
      }
      csv.destroy();
      const statusCode = error instanceof Error && error.name !== 'Error' ? error.name : 'BULK_JOB_FAILED';
      const message = `Bulk API 2.0 job failed: ${describeSalesforceFailure(error)}`;
      outcomes.push({ state: 'refused', records: records + rest(), failure: { statusCode, message } });
    }
  }
  return outcomes;
}

/**
 * A job a run left unsettled, looked at again: `running` while Salesforce still works on it, else each of
 * `ids`'s outcome through `onResult` (`uploaded`: the records the job took, when the run knew it). A Failed or
 * Aborted job lists what it did not process among its unprocessed records, as a completed one does
 * [unverified for Failed], so the same reading applies.
 */
export async function settleBulkIngest(
  conn: Connection,
  job: { jobId: string; ids: string[]; uploaded?: number },
  onResult: (result: WriteResult) => void
): Promise<'running' | 'settled'> {
  const ingest = conn.bulk2.job('ingest', { id: job.jobId });
  const info = (await ingest.check()) as { state: string };
  if (info.state === 'Open' || info.state === 'UploadComplete' || info.state === 'InProgress')
    return 'running';
  const failures = await jobFailures(ingest, job.uploaded);
  for (const id of job.ids) {
    const failure = failures.get(id);
    onResult(failure ? { id, ok: false, ...failure } : { id, ok: true });
  }
  return 'settled';
}
