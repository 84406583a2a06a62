/**
 * The org a run reads and writes, as the pipeline needs it: describe, find records by keys, update records
 * (sObject Collections or one Bulk API 2.0 job), the daily budget and the run's own log record. The pipeline
 * owns this interface; `salesforce/salesforce-target-org.ts` implements it with jsforce, so sync/ never
 * imports salesforce/.
 */
import type { RunFailure } from '../domain/errors.js';
import type { IntegrationDefinition } from '../domain/integration.js';
import type { JsonFieldValue } from '../domain/field-value.js';
import type { FieldInfo, ObjectInfo } from '../domain/object-schema.js';
import type { RunResult } from '../domain/run-result.js';

/** A record a key matched, with the values the diff compares against. */
export interface CandidateRecord {
  id: string;
  /** The key as normalised for matching (domain/keys.ts). */
  key: string;
  /** Mapped field values as read, by field API name (as describe spells it). */
  values: Record<string, unknown>;
  lastModified?: string;
  isConverted?: boolean;
  convertedContactId?: string | null;
}

/** Candidates grouped by normalised key (a `Map`, or a Bulk query's compact index of the whole object). */
export interface CandidateIndex {
  get(key: string): CandidateRecord[] | undefined;
  /** Distinct keys. */
  readonly size: number;
}

/** What matching reads of an object: its key, the mapped fields, and what conversion and policy need. */
export interface MatchSpec {
  objectName: string;
  keyField: FieldInfo;
  /** Mapped field API names, as describe spells them. */
  fieldNames: string[];
  /** Lead: read IsConverted and ConvertedContactId. */
  withConversion: boolean;
  withLastModified: boolean;
}

/**
 * Keys packed into lookups as they arrive: `add` answers the statements of a full lookup when the key did not
 * fit beside the queued ones (the caller matches that batch of rows), `flush` those of the keys still queued.
 * A lookup is one SOQL statement per call, or several in one composite call.
 */
export interface KeyLookup {
  /** Whether the key fits in a lookup at all (a key longer than a query URL allows cannot be matched). */
  fits(queryValue: string): boolean;
  add(queryValue: string): string[] | undefined;
  flush(): string[] | undefined;
  run(statements: string[]): Promise<CandidateIndex>;
}

export interface BulkPolling {
  pollInterval: number;
  pollTimeout: number;
  /** Stops waiting for an ingest job (the engine stopping); the job goes on and is settled later. */
  signal?: AbortSignal;
}

/** One record's changed fields. */
export interface WriteItem {
  id: string;
  fields: Record<string, JsonFieldValue>;
}

/** A record to write, with its object: one sObject Collections call takes records of several objects. */
export interface RecordWrite {
  objectName: string;
  item: WriteItem;
}

export type WriteResult =
  { id: string; ok: true } | { id: string; ok: false; statusCode: string; message: string };

/** Why a record was not written, as Salesforce (or the engine) says it. */
export interface RecordFailure {
  statusCode: string;
  message: string;
}

/** An object's records for Bulk API 2.0: the columns any of them sets, the records in order. */
export interface BulkUpload {
  columns: string[];
  items: Iterable<WriteItem>;
  /** CSV bytes a job takes before the next one starts (default: Salesforce's upload limit). */
  maxBytes?: number;
}

/**
 * What one ingest job did with its share of the records (the next `records` of the upload, in order): ended
 * (every record written but `failures`), still running when the run stopped waiting, or refused (none written).
 */
export type BulkJobOutcome =
  | { state: 'ended'; records: number; failures: Map<string, RecordFailure> }
  | { state: 'running'; records: number; jobId: string }
  | { state: 'refused'; records: number; failure: RecordFailure };

export interface CollectionsOptions {
  /** Collections (of up to 200 records) per call: 1, or up to 5 in one composite call. */
  perCall: number;
  concurrency: number;
  /** Further attempts for locked records, one batch at a time. */
  lockRetries: number;
  /** First backoff before retrying locked records; doubles each attempt. */
  lockBackoffMs: number;
  /** Further attempts of a call that failed transiently (5xx, 429, a reset connection, a timeout). */
  transientRetries: number;
  /** First backoff before such a retry; doubles each attempt, with jitter. */
  retryBackoffMs: number;
  /** Told of each retried call. */
  onRetry?(failure: RunFailure): void;
  /** When aborted, no further batch is sent (the ones in flight finish). */
  signal?: AbortSignal;
}

export interface Budget {
  max: number;
  remaining: number;
}

export interface RunStart {
  /** A Queued record Run Now created: moved to Running instead of creating one. */
  runId?: string;
  integration: IntegrationDefinition;
  trigger: 'Scheduled' | 'Manual';
  dryRun: boolean;
  startedAt: Date;
}

export interface TargetOrg {
  /** Runs `work`, whose `calls()` answers the API calls it has spent on this org so far. */
  countCalls<T>(work: (calls: () => number, byKind: () => Record<string, number>) => Promise<T>): Promise<T>;
  /** The object's describe; fails with the Salesforce code as the error's name (`NOT_FOUND`, `INVALID_TYPE`). */
  describe(objectName: string): Promise<ObjectInfo>;
  dailyBudget(): Promise<Budget>;
  /** How many records the object holds (`/limits/recordCount`, one call). */
  recordCount(objectName: string): Promise<number>;
  /**
   * Lookups by key, each statement sized to one query URL (`maxUrlBytes`: the longest), `perCall` statements
   * in one call (1: plain queries; up to 5: one composite call).
   */
  keyLookup(spec: MatchSpec, options: { maxUrlBytes?: number; perCall: number }): KeyLookup;
  /** Every record of the object that has a key, in one Bulk API 2.0 query job. */
  objectIndex(spec: MatchSpec, polling: BulkPolling): Promise<CandidateIndex>;
  findByIds(spec: MatchSpec, ids: string[], maxUrlBytes?: number): Promise<Map<string, CandidateRecord>>;
  /**
   * Each record's result through `onResult`; never throws for a record. `writes` is read as calls go out, so
   * only the records in flight are held.
   */
  updateWithCollections(
    writes: Iterable<RecordWrite>,
    options: CollectionsOptions,
    onResult: (result: WriteResult) => void
  ): Promise<void>;
  /**
   * Writes one object's records with Bulk API 2.0: one job, or more when the upload passes Salesforce's limit.
   * A job still running at the poll timeout is not abandoned: it is answered `running`, for the engine to
   * settle its records when it ends. Never throws.
   */
  updateWithBulkIngest(
    objectName: string,
    upload: BulkUpload,
    polling: BulkPolling
  ): Promise<BulkJobOutcome[]>;
  /** Creates (or moves to Running) the run's log record; answers its id. */
  openRunRecord(start: RunStart): Promise<string>;
  /** The run's final state on its record, the rejected rows, the integration's last-run fields. */
  closeRunRecord(
    runId: string,
    result: RunResult,
    options: { integrationId?: string; callsSoFar: () => number }
  ): Promise<void>;
  /** What a call to this org threw, typed by kind, with a sentence an admin can act on. */
  failure(error: unknown): RunFailure;
}
