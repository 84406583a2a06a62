/**
 * Bulk API 2.0 of one emulated org: ingest jobs (`insert`, `update`) and query jobs with CSV results.
 * Mounted by the REST core at `/services/data/v:version/jobs`, behind its auth middleware, so requests
 * arrive authenticated and counted, and errors thrown here reach the core's Salesforce error handler
 * (an upload over the limit included). Records are written through `org.data`, so Bulk gets the same
 * per-record rules and faults as sObject Collections.
 *
 * Job info keys, states and result files follow the Bulk API 2.0 Developer Guide ("Get Information About
 * an Ingest Job", "Get Job Successful/Failed Record Results", "Get Results for a Query Job"); texts marked
 * [unverified] come from third-party captures or are the emulator's own wording.
 */
import express from 'express';
import type { Request, Response } from 'express';
import soqlParser from 'soql-parser-js';
import { IdFactory } from './ids.js';
import { SalesforceApiError } from './org-context.js';
import type { FieldDescribe, OrgContext, SaveResult } from './org-context.js';
import {
  COLUMN_DELIMITERS,
  LINE_ENDINGS,
  cellValue,
  csvFile,
  errorCell,
  parseJobData,
  queryCell
} from './bulk2-csv.js';
import type { ColumnDelimiter, CsvFormat, LineEnding } from './bulk2-csv.js';
import { sendJson } from './rest/responses.js';

export interface Bulk2Options {
  /** Records written per `org.data` call while a job runs; the job yields between chunks. */
  chunkSize?: number;
  /** Pause between chunks, so that polls can watch a job in progress. */
  chunkDelayMs?: number;
  /**
   * Rows per query results set when the caller gives no `maxRecords` (default 10,000). Salesforce "uses a
   * default value based on the service" and documents no number [unverified].
   */
  defaultMaxRecords?: number;
  /** Largest job data upload. Salesforce: 100 MB (150 MB base64-encoded). */
  maxUploadBytes?: number;
}

type JobState = 'Open' | 'UploadComplete' | 'InProgress' | 'JobComplete' | 'Failed' | 'Aborted';

interface JobBase extends CsvFormat {
  id: string;
  object: string;
  createdById: string;
  createdDate: number;
  systemModstamp: number;
  state: JobState;
  apiVersion: number;
  errorMessage: string | null;
  numberRecordsProcessed: number;
  totalProcessingTime: number;
}

interface IngestRow {
  cells: string[];
  result?: SaveResult;
}

interface IngestJob extends JobBase {
  operation: 'insert' | 'update';
  header: string[] | null;
  rows: IngestRow[];
  numberRecordsFailed: number;
}

interface QueryJob extends JobBase {
  operation: 'query' | 'queryAll';
  columns: string[];
  rows: string[][];
}

const INGEST_OPERATIONS = new Set(['insert', 'update']);
const UNSUPPORTED_INGEST_OPERATIONS = new Set(['upsert', 'delete', 'hardDelete']);
const FINAL_STATES = new Set<JobState>(['JobComplete', 'Failed', 'Aborted']);

/** `2022-01-02T21:33:43.000+0000`, the form job info uses. */
function salesforceDateTime(epochMs: number): string {
  return new Date(epochMs).toISOString().replace('Z', '+0000');
}

function apiError(status: number, errorCode: string, message: string): SalesforceApiError {
  return new SalesforceApiError(status, errorCode, message);
}

/** Salesforce's locators are the base64 of the next row offset (`MTAwMDA` for 10000). */
function encodeLocator(offset: number): string {
  return Buffer.from(String(offset)).toString('base64').replace(/=+$/, '');
}

function decodeLocator(locator: string): number {
  const offset = Number(Buffer.from(locator, 'base64').toString('utf8'));
  if (!Number.isInteger(offset) || offset < 0) throw apiError(400, 'INVALIDLOCATOR', 'Invalid locator');
  return offset;
}

/** Rejects what Bulk API 2.0 queries do not support, before the query runs. */
function checkBulkQuery(soql: string): string[] {
  let parsed: ReturnType<typeof soqlParser.parseQuery>;
  try {
    parsed = soqlParser.parseQuery(soql);
  } catch {
    // The data API answers malformed SOQL with Salesforce's own MALFORMED_QUERY text.
    return [];
  }
  const unsupported = (what: string) =>
    apiError(400, 'API_ERROR', `${what} not supported in Bulk V2 Query with CSV content type.`); // [unverified]
  if (parsed.groupBy) throw unsupported('GROUP BY');
  if (parsed.offset !== undefined) throw unsupported('OFFSET');
  const columns: string[] = [];
  for (const field of parsed.fields ?? []) {
    switch (field.type) {
      case 'Field':
        columns.push(field.field);
        break;
      case 'FieldRelationship':
        columns.push(field.rawValue ?? [...field.relationships, field.field].join('.'));
        break;
      case 'FieldSubquery':
        // Captured from Salesforce in OpenFn/adaptors#395.
        throw unsupported('Aggregate Relationships');
      case 'FieldTypeof':
        throw unsupported('TYPEOF');
      default:
        throw unsupported(field.isAggregateFn ? 'Aggregate queries' : 'Functions in the SELECT clause');
    }
  }
  return columns;
}

/** Reads `Owner.Name` out of a REST-shaped row (`{Owner: {attributes, Name}}`), case-insensitively. */
function valueAt(row: Record<string, unknown>, path: string): unknown {
  let value: unknown = row;
  for (const part of path.split('.')) {
    if (value === null || typeof value !== 'object') return null;
    const record = value as Record<string, unknown>;
    const key = Object.keys(record).find((k) => k.toLowerCase() === part.toLowerCase());
    value = key === undefined ? null : record[key];
  }
  return value;
}

export function createBulk2Router(org: OrgContext, options: Bulk2Options = {}): express.Router {
  const chunkSize = options.chunkSize ?? 200;
  const chunkDelayMs = options.chunkDelayMs ?? 1;
  const defaultMaxRecords = options.defaultMaxRecords ?? 10_000;
  const maxUploadBytes = options.maxUploadBytes ?? 100 * 1024 * 1024;
  const ids = new IdFactory('Bk');
  const ingestJobs = new Map<string, IngestJob>();
  const queryJobs = new Map<string, QueryJob>();
  const router = express.Router({ mergeParams: true });

  function userOf(res: Response): string {
    return String(res.locals.userId ?? '');
  }

  function apiVersionOf(req: Request): number {
    return Number((req.params as { version?: string }).version) || 62;
  }

  function touch(job: JobBase, state?: JobState): void {
    if (state) job.state = state;
    job.systemModstamp = Date.now();
  }

  function formatOf(body: Record<string, unknown>): CsvFormat {
    const columnDelimiter = String(body.columnDelimiter ?? 'COMMA');
    const lineEnding = String(body.lineEnding ?? 'LF');
    if (!(columnDelimiter in COLUMN_DELIMITERS)) {
      throw apiError(400, 'INVALIDJOB', `InvalidJob : Invalid column delimiter: ${columnDelimiter}`); // [unverified]
    }
    if (!(lineEnding in LINE_ENDINGS)) {
      throw apiError(400, 'INVALIDJOB', `InvalidJob : Invalid line ending: ${lineEnding}`); // [unverified]
    }
    return { columnDelimiter: columnDelimiter as ColumnDelimiter, lineEnding: lineEnding as LineEnding };
  }

  function baseInfo(job: IngestJob | QueryJob): Record<string, unknown> {
    return {
      id: job.id,
      operation: job.operation,
      object: job.object,
      createdById: job.createdById,
      createdDate: salesforceDateTime(job.createdDate),
      systemModstamp: salesforceDateTime(job.systemModstamp),
      state: job.state,
      concurrencyMode: 'Parallel',
      contentType: 'CSV',
      apiVersion: job.apiVersion
    };
  }

  function ingestInfo(job: IngestJob, detailed: boolean): Record<string, unknown> {
    const info: Record<string, unknown> = {
      ...baseInfo(job),
      ...(detailed ? { jobType: 'V2Ingest' } : {}),
      contentUrl: `services/data/v${job.apiVersion.toFixed(1)}/jobs/ingest/${job.id}/batches`,
      lineEnding: job.lineEnding,
      columnDelimiter: job.columnDelimiter
    };
    if (!detailed) return info;
    return {
      ...info,
      numberRecordsProcessed: job.numberRecordsProcessed,
      numberRecordsFailed: job.numberRecordsFailed,
      retries: 0,
      totalProcessingTime: job.totalProcessingTime,
      apiActiveProcessingTime: job.totalProcessingTime,
      apexProcessingTime: 0,
      ...(job.errorMessage ? { errorMessage: job.errorMessage } : {})
    };
  }

  function queryInfo(job: QueryJob, detailed: boolean): Record<string, unknown> {
    const info: Record<string, unknown> = {
      ...baseInfo(job),
      ...(detailed ? { jobType: 'V2Query' } : {}),
      lineEnding: job.lineEnding,
      columnDelimiter: job.columnDelimiter
    };
    if (!detailed) return info;
    return {
      ...info,
      numberRecordsProcessed: job.numberRecordsProcessed,
      retries: 0,
      totalProcessingTime: job.totalProcessingTime,
      ...(job.errorMessage ? { errorMessage: job.errorMessage } : {})
    };
  }

  function findJob<T extends JobBase>(jobs: Map<string, T>, id: string): T {
    const job = jobs.get(id);
    if (!job) throw apiError(404, 'NOT_FOUND', 'The requested resource does not exist');
    return job;
  }

  function describeForJob(objectName: string) {
    try {
      return org.data.describe(objectName);
    } catch {
      throw apiError(400, 'INVALIDJOB', `InvalidJob : Unable to find object: ${objectName}`); // [unverified]
    }
  }

  // Read through a function: an abort request changes the state while a job runs.
  const aborted = (job: JobBase) => job.state === 'Aborted';
  const pause = () => new Promise((resolve) => setTimeout(resolve, chunkDelayMs));

  /** Maps the job's header onto the object's fields; an unknown column fails the whole job. */
  function fieldsOf(job: IngestJob, header: string[]): Array<FieldDescribe | null> {
    const byName = new Map(org.data.describe(job.object).fields.map((f) => [f.name.toLowerCase(), f]));
    return header.map((column) => {
      const field = byName.get(column.trim().toLowerCase());
      if (!field) throw new Error(`InvalidBatch : Field name not found : ${column}`);
      if (job.operation === 'update' && field.name === 'Id') return null;
      return field;
    });
  }

  async function runIngest(job: IngestJob): Promise<void> {
    const started = Date.now();
    await pause();
    if (job.state !== 'UploadComplete') return;
    touch(job, 'InProgress');
    let fields: Array<FieldDescribe | null>;
    try {
      fields = fieldsOf(job, job.header ?? []);
      if (job.operation === 'update' && !fields.includes(null)) {
        throw new Error('InvalidBatch : Field name not found : Id'); // [unverified] wording for a missing Id
      }
    } catch (error) {
      job.errorMessage = (error as Error).message;
      touch(job, 'Failed');
      return;
    }
    for (let start = 0; start < job.rows.length; start += chunkSize) {
      if (aborted(job)) return;
      const chunk = job.rows.slice(start, start + chunkSize);
      const records = chunk.map(({ cells }) => {
        const record: Record<string, unknown> = {};
        fields.forEach((field, i) => {
          if (field === null) record.Id = cells[i];
          else {
            const value = cellValue(field, cells[i] ?? '');
            if (value !== undefined) record[field.name] = value;
          }
        });
        return record;
      });
      const results =
        job.operation === 'insert'
          ? org.data.insert(job.object, records, false)
          : org.data.update(job.object, records, false);
      chunk.forEach((row, i) => {
        row.result = results[i];
        if (!results[i].success) job.numberRecordsFailed++;
      });
      job.numberRecordsProcessed += chunk.length;
      job.totalProcessingTime = Date.now() - started;
      touch(job);
      if (start + chunkSize < job.rows.length) await pause();
    }
    touch(job, 'JobComplete');
  }

  async function runQuery(job: QueryJob, rows: Array<Record<string, unknown>>): Promise<void> {
    const started = Date.now();
    await pause();
    if (job.state !== 'UploadComplete') return;
    touch(job, 'InProgress');
    await pause();
    if (aborted(job)) return;
    job.rows = rows.map((row) => job.columns.map((column) => queryCell(valueAt(row, column))));
    job.numberRecordsProcessed = job.rows.length;
    job.totalProcessingTime = Date.now() - started;
    touch(job, 'JobComplete');
  }

  function sendCsv(res: Response, body: string, headers: Record<string, string> = {}): void {
    res
      .status(200)
      .set({ 'Content-Type': 'text/csv', ...headers })
      .send(Buffer.from(body));
  }

  const json = express.json({ limit: '1mb' });

  // Ingest jobs.
  router.post('/ingest', json, (req, res) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    const operation = String(body.operation ?? '');
    if (UNSUPPORTED_INGEST_OPERATIONS.has(operation)) {
      throw apiError(400, 'FEATURE_NOT_ENABLED', `The org emulator does not support ${operation} jobs`);
    }
    if (!INGEST_OPERATIONS.has(operation)) {
      throw apiError(400, 'INVALIDJOB', `InvalidJob : Invalid operation: ${operation}`); // [unverified]
    }
    if (body.contentType !== undefined && body.contentType !== 'CSV') {
      throw apiError(400, 'INVALIDJOB', `InvalidJob : Invalid content type: ${String(body.contentType)}`); // [unverified]
    }
    const object = describeForJob(String(body.object ?? '')).name;
    const now = Date.now();
    const job: IngestJob = {
      id: ids.next('750'),
      operation: operation as IngestJob['operation'],
      object,
      createdById: userOf(res),
      createdDate: now,
      systemModstamp: now,
      state: 'Open',
      apiVersion: apiVersionOf(req),
      errorMessage: null,
      numberRecordsProcessed: 0,
      numberRecordsFailed: 0,
      totalProcessingTime: 0,
      header: null,
      rows: [],
      ...formatOf(body)
    };
    ingestJobs.set(job.id, job);
    sendJson(res, 200, ingestInfo(job, false));
  });

  router.get('/ingest', (_req, res) => {
    const records = [...ingestJobs.values()].map((job) => ingestInfo(job, false));
    sendJson(res, 200, { done: true, records, nextRecordsUrl: null });
  });

  router.put(
    '/ingest/:jobId/batches',
    express.text({ type: () => true, limit: maxUploadBytes }),
    (req, res) => {
      const job = findJob(ingestJobs, req.params.jobId);
      if (job.state !== 'Open' || job.header !== null) {
        // [unverified] Salesforce's text for a second upload or a closed job.
        throw apiError(
          400,
          'INVALIDJOB',
          `Found multiple contents for job: <${job.id}>, please 'Close' / 'Abort' / 'Delete' the current Job then create a new Job and make sure the content is uploaded only once for this job`
        );
      }
      try {
        const { header, rows } = parseJobData(typeof req.body === 'string' ? req.body : '', job);
        job.header = header;
        job.rows = rows.map((cells) => ({ cells }));
      } catch (error) {
        job.header = [];
        job.errorMessage = `InvalidBatch : ${(error as Error).message}`;
      }
      touch(job);
      res.status(201).end();
    }
  );

  router.patch('/ingest/:jobId', json, (req, res) => {
    const job = findJob(ingestJobs, req.params.jobId);
    const state = (req.body as { state?: unknown } | undefined)?.state;
    if (state === 'UploadComplete' && job.state === 'Open') {
      if (job.errorMessage || job.header === null) {
        job.errorMessage ??= 'InvalidBatch : No data uploaded for this job'; // [unverified]
        touch(job, 'Failed');
      } else {
        touch(job, 'UploadComplete');
        org.allocations.countIngestBatches(job.rows.length);
        void runIngest(job);
      }
    } else if (state === 'Aborted' && !FINAL_STATES.has(job.state)) {
      touch(job, 'Aborted');
    } else {
      throw apiError(
        400,
        'INVALIDJOBSTATE',
        `Job ${job.id} in state ${job.state} cannot be changed to ${String(state)}` // [unverified]
      );
    }
    sendJson(res, 200, ingestInfo(job, false));
  });

  router.get('/ingest/:jobId', (req, res) => {
    sendJson(res, 200, ingestInfo(findJob(ingestJobs, req.params.jobId), true));
  });

  function finishedIngest(id: string): IngestJob & { header: string[] } {
    const job = findJob(ingestJobs, id);
    if (!FINAL_STATES.has(job.state) || job.header === null) {
      throw apiError(400, 'INVALIDJOBSTATE', `Job ${job.id} is not complete`); // [unverified]
    }
    return job as IngestJob & { header: string[] };
  }

  router.get('/ingest/:jobId/successfulResults', (req, res) => {
    const job = finishedIngest(req.params.jobId);
    const rows = job.rows
      .filter((row) => row.result?.success)
      .map((row) => [row.result?.id ?? '', String(job.operation === 'insert'), ...row.cells]);
    sendCsv(res, csvFile(job, ['sf__Id', 'sf__Created'], job.header, rows));
  });

  router.get('/ingest/:jobId/failedResults', (req, res) => {
    const job = finishedIngest(req.params.jobId);
    const rows = job.rows
      .filter((row) => row.result && !row.result.success)
      .map((row) => [row.result?.id ?? '', errorCell(row.result?.errors ?? []), ...row.cells]);
    sendCsv(res, csvFile(job, ['sf__Id', 'sf__Error'], job.header, rows));
  });

  router.get('/ingest/:jobId/unprocessedrecords', (req, res) => {
    const job = finishedIngest(req.params.jobId);
    const rows = job.rows.filter((row) => !row.result).map((row) => row.cells);
    sendCsv(res, csvFile(job, [], job.header, rows));
  });

  router.delete('/ingest/:jobId', (req, res) => {
    const job = findJob(ingestJobs, req.params.jobId);
    if (job.state === 'InProgress' || job.state === 'UploadComplete') {
      throw apiError(400, 'INVALIDJOBSTATE', `Job ${job.id} is being processed and cannot be deleted`); // [unverified]
    }
    ingestJobs.delete(job.id);
    res.status(204).end();
  });

  // Query jobs.
  router.post('/query', json, (req, res) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    const operation = String(body.operation ?? '');
    if (operation !== 'query' && operation !== 'queryAll') {
      throw apiError(400, 'INVALIDJOB', `InvalidJob : Invalid operation: ${operation}`); // [unverified]
    }
    const soql = String(body.query ?? '');
    const columns = checkBulkQuery(soql);
    // Run now: SOQL errors (MALFORMED_QUERY, INVALID_FIELD, INVALID_TYPE) answer the create request.
    const rows = org.data.query(soql);
    const now = Date.now();
    const job: QueryJob = {
      id: ids.next('750'),
      operation,
      object: soqlParser.parseQuery(soql).sObject ?? '',
      columns,
      rows: [],
      createdById: userOf(res),
      createdDate: now,
      systemModstamp: now,
      state: 'UploadComplete',
      apiVersion: apiVersionOf(req),
      errorMessage: null,
      numberRecordsProcessed: 0,
      totalProcessingTime: 0,
      ...formatOf(body)
    };
    queryJobs.set(job.id, job);
    org.allocations.countQueryJob();
    void runQuery(job, rows);
    sendJson(res, 200, queryInfo(job, false));
  });

  router.get('/query', (_req, res) => {
    const records = [...queryJobs.values()].map((job) => queryInfo(job, false));
    sendJson(res, 200, { done: true, records, nextRecordsUrl: null });
  });

  router.get('/query/:jobId', (req, res) => {
    sendJson(res, 200, queryInfo(findJob(queryJobs, req.params.jobId), true));
  });

  /**
   * "Get Results for a Query Job" (Bulk API 2.0 and Bulk API Developer Guide, query_get_job_results.htm):
   * `maxRecords` caps the records of one set, "this value as the maximum size"; without it "the server
   * uses a default value based on the service" — no number is documented, so the emulator's is
   * `defaultMaxRecords` (10,000) [unverified]. A locator names one set for as long as the job exists
   * and can be read again; the last set's Sforce-Locator is the string `null`. Results read with
   * another API version than the job's answer 409.
   */
  router.get('/query/:jobId/results', (req, res) => {
    const job = findJob(queryJobs, req.params.jobId);
    if (apiVersionOf(req) !== job.apiVersion) {
      // The status is documented; the code and text are the emulator's [unverified].
      throw apiError(
        409,
        'INVALIDJOBSTATE',
        `Job ${job.id} was created with API version ${job.apiVersion.toFixed(1)}: read its results with that version`
      );
    }
    if (job.state !== 'JobComplete') {
      throw apiError(400, 'INVALIDJOBSTATE', `Job ${job.id} is not complete`); // [unverified]
    }
    const locator = typeof req.query.locator === 'string' && req.query.locator ? req.query.locator : null;
    const start = locator ? decodeLocator(locator) : 0;
    const requested = Number(req.query.maxRecords);
    // A maxRecords that is not a positive whole number is ignored, as if absent [unverified].
    const pageSize = Number.isInteger(requested) && requested > 0 ? requested : defaultMaxRecords;
    const page = job.rows.slice(start, start + pageSize);
    const next = start + page.length;
    sendCsv(res, csvFile(job, job.columns, [], page), {
      'Sforce-NumberOfRecords': String(page.length),
      'Sforce-Locator': next < job.rows.length ? encodeLocator(next) : 'null'
    });
  });

  router.patch('/query/:jobId', json, (req, res) => {
    const job = findJob(queryJobs, req.params.jobId);
    const state = (req.body as { state?: unknown } | undefined)?.state;
    if (state !== 'Aborted' || FINAL_STATES.has(job.state)) {
      throw apiError(
        400,
        'INVALIDJOBSTATE',
        `Job ${job.id} in state ${job.state} cannot be changed to ${String(state)}` // [unverified]
      );
    }
    touch(job, 'Aborted');
    sendJson(res, 200, queryInfo(job, false));
  });

  router.delete('/query/:jobId', (req, res) => {
    const job = findJob(queryJobs, req.params.jobId);
    queryJobs.delete(job.id);
    res.status(204).end();
  });

  return router;
}
