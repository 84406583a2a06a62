/** What a run produces: one outcome per report row, the counts, and the run's result. */
import type { FailureKind } from './errors.js';

export type RowOutcomeKind = 'updated' | 'unchanged' | 'unmatched' | 'ambiguous' | 'invalid' | 'failed';

/** What happened to one report row. Every row read ends in exactly one outcome. */
export interface RowOutcome {
  /** 1-based data row number in the report (the header is row 0). */
  row: number;
  key: string;
  outcome: RowOutcomeKind;
  /** Salesforce ids the row reached (updated/unchanged/failed) or the conflicting ids (ambiguous). */
  recordIds: string[];
  /** Why: the invalid value, Salesforce's status code and message, the ambiguity. Empty when updated/unchanged. */
  reason?: string;
  /** Salesforce status code for failed rows (e.g. `FIELD_CUSTOM_VALIDATION_EXCEPTION`). */
  statusCode?: string;
}

/** A Bulk API 2.0 ingest job a run left running, and which report row each of its records belongs to. */
export interface PendingBulkJob {
  jobId: string;
  objectName: string;
  records: Array<{ id: string; row: number }>;
  /** Records the job took (absent on runs recorded before it was kept: the unprocessed list is then read). */
  uploaded?: number;
}

export type RunStatus = 'Completed' | 'Completed with errors' | 'Failed';

export type RowCounts = Record<RowOutcomeKind, number> & { read: number };

/** The counts of a run that has read nothing yet. */
export const noRows = (): RowCounts => ({
  read: 0,
  updated: 0,
  unchanged: 0,
  unmatched: 0,
  ambiguous: 0,
  invalid: 0,
  failed: 0
});

export interface FieldChange {
  recordId: string;
  field: string;
  before: unknown;
  after: unknown;
}

/** Ways to match report keys to records (sync/run-plan.ts forecasts each). */
export type MatchWay = 'soql' | 'soql-composite' | 'bulk-query';
/** Ways to write the changed records. */
export type WriteWay = 'collections' | 'collections-composite' | 'bulk-ingest';

export interface RunStrategy {
  match: MatchWay;
  write: WriteWay | 'none';
  /** Calls the chosen ways were forecast to spend (matching, then writing). */
  forecast?: { match: number; write?: number };
}

export interface ReasonCount {
  reason: string;
  rows: number;
}

export interface RunResult {
  /** `WalkMe_Sync_Run__c` id of this run's log record (absent when recording it failed). */
  runId?: string;
  integrationName: string;
  reportName: string;
  targetObject: string;
  status: RunStatus;
  dryRun: boolean;
  startedAt: Date;
  endedAt: Date;
  counts: RowCounts;
  /** API calls this run spent, as the org counts them. */
  apiCalls: number;
  /** The plan: how the run matched and wrote, and the calls each chosen way was forecast to spend. */
  strategy: RunStrategy;
  /** The calls spent, by kind of request (`query`, `composite`, `collections`, `bulk`, …). */
  callsByKind?: Record<string, number>;
  /**
   * The rejected rows (unmatched, ambiguous, invalid, failed), in row order, at most `rejectedCap` of
   * them; every outcome, accepted or not, is delivered through `onOutcome` as the run goes.
   */
  rejected: RowOutcome[];
  /** Rejected rows beyond the cap, counted but not kept. */
  rejectedOmitted: number;
  /** Every rejected row, kept or not, counted by reason (sync/rejection-reasons.ts). */
  rejectedByReason: ReasonCount[];
  /** `ContentVersion` id of the rejected rows' CSV attached to the run record, when one was written. */
  rejectedFileId?: string;
  /** Dry run: a sample of the field-level changes that would be written. */
  changesSample: FieldChange[];
  /** A message when the whole run failed (missing column, revoked connection, budget…), with what to do. */
  error?: string;
  /** What kind of failure `error` is. */
  failureKind?: FailureKind;
  /** The run went past the mass-change guard on the integration's "allow large changes once": it is spent. */
  largeChangesAllowed?: boolean;
  /** Why the run record could not be closed when the run ended (the engine delivers it later). */
  runRecordPending?: string;
  /** Bulk API jobs still running at the poll timeout: their rows are settled when the jobs end. */
  pendingBulkJobs?: PendingBulkJob[];
  /** Human-readable log lines, in order. */
  log: string[];
}
