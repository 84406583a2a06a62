/**
 * The engine's view of an integration and of a run's result. An integration is defined in the synced org
 * (`WalkMe_Integration__c`, see docs/data-model.md); the engine reads it into this shape.
 */

/** Column types a report column can have (inferred by the sources, shown in the wizard). */
export type ColumnType = 'string' | 'email' | 'number' | 'percent' | 'date' | 'datetime' | 'boolean';

/**
 * A mapping to `WalkMe_Last_Synced__c` is special: the engine stamps it with the run's start time on every
 * record it writes (its column need not exist in the report), and it never makes a record "changed" by
 * itself. Without such a mapping the field is never written.
 */
export const LAST_SYNCED_FIELD = 'WalkMe_Last_Synced__c';

export interface FieldMapping {
  /** Report column name, exactly as in the report header (ignored for `WalkMe_Last_Synced__c`). */
  column: string;
  columnType: ColumnType;
  /** Target field API name. */
  field: string;
}

export type AmbiguityPolicy = 'update-all' | 'skip' | 'most-recent';
export type ConvertedLeadHandling = 'skip' | 'follow-to-contact';
export type ScheduleType = 'Daily' | 'Every N Hours' | 'Manual';

export interface IntegrationDefinition {
  /** `WalkMe_Integration__c` id (18 chars); absent for an integration run from a file or the CLI only. */
  id?: string;
  name: string;
  reportId: string;
  reportName: string;
  walkMeEnvironment: string;
  targetObject: string;
  reportKeyColumn: string;
  objectKeyField: string;
  mappings: FieldMapping[];
  ambiguityPolicy: AmbiguityPolicy;
  convertedLeadHandling: ConvertedLeadHandling;
  schedule: { type: ScheduleType; hourUtc: number; intervalHours: number | null };
  active: boolean;
}

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

export type RunStatus = 'Completed' | 'Completed with errors' | 'Failed';

export type RowCounts = Record<RowOutcomeKind, number> & { read: number };

export interface FieldChange {
  recordId: string;
  field: string;
  before: unknown;
  after: unknown;
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
  /** Which strategies were chosen. */
  strategy: { match: 'soql' | 'bulk-query'; write: 'collections' | 'bulk-ingest' | 'none' };
  /**
   * The rejected rows (unmatched, ambiguous, invalid, failed), in row order, at most `rejectedCap` of
   * them; every outcome, accepted or not, is delivered through `onOutcome` as the run goes.
   */
  rejected: RowOutcome[];
  /** Rejected rows beyond the cap, counted but not kept. */
  rejectedOmitted: number;
  /** `ContentVersion` id of the rejected rows' CSV attached to the run record, when one was written. */
  rejectedFileId?: string;
  /** Dry run: a sample of the field-level changes that would be written. */
  changesSample: FieldChange[];
  /** A message when the whole run failed (missing column, revoked connection, budget…). */
  error?: string;
  /** Human-readable log lines, in order. */
  log: string[];
}
