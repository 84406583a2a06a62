/**
 * The engine's view of an integration. An integration is defined in the synced org (`WalkMe_Integration__c`,
 * see docs/data-model.md); the engine reads it into this shape.
 */

/** Column types a report column can have (inferred by the sources, shown in the wizard). */
export type ColumnType = 'string' | 'email' | 'number' | 'percent' | 'date' | 'datetime' | 'boolean';

/**
 * The field types (as the REST describe names them) a column of each type can write: the package's
 * `WalkMe_Type_Compatibility__mdt` records (where Apex says `integer` for describe's `int`; its `string → id`
 * pair is for the key only, never written), checked again by every run in case the field's type changed since
 * the integration was saved. test/sync/column-field-types.test.ts keeps the two in step.
 */
export const COMPATIBLE_FIELD_TYPES: Record<ColumnType, readonly string[]> = {
  string: ['string', 'textarea', 'picklist', 'email', 'url', 'phone'],
  email: ['email', 'string', 'textarea'],
  number: ['double', 'int', 'currency', 'percent', 'string', 'textarea'],
  percent: ['percent', 'double', 'string', 'textarea'],
  date: ['date', 'datetime', 'string', 'textarea'],
  datetime: ['datetime', 'date', 'string', 'textarea'],
  boolean: ['boolean', 'string', 'textarea']
};

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
  /**
   * A blank report cell keeps the Salesforce value (the default: one export glitch must not wipe a field on
   * every record) or clears it (a checkbox, which cannot be empty, is set false).
   */
  blank: BlankCellRule;
}

export type BlankCellRule = 'keep' | 'clear';

/**
 * Before writing, a run stops (Failed, nothing written) when it would clear more than `maxClearedPercent` %
 * of the matched records' values of any field (counted from `MIN_GUARDED_CLEARS` values), or when the report
 * holds under `minReportRowsPercent` % of the last successful run's rows: a truncated export or a column
 * emptied by a glitch is caught before it wipes data. `allowOnce` lets one run through.
 */
export interface MassChangeGuard {
  maxClearedPercent: number;
  minReportRowsPercent: number;
  allowOnce: boolean;
}

export const DEFAULT_MASS_CHANGE_GUARD: MassChangeGuard = {
  maxClearedPercent: 20,
  minReportRowsPercent: 50,
  allowOnce: false
};

/** Fewer clears than this never stop a run: a handful of blanked values is not a mass change. */
export const MIN_GUARDED_CLEARS = 5;

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
  guard: MassChangeGuard;
  /** Rows read by the last run that wrote and completed (`Last_Successful_Rows_Read__c`); absent before one. */
  lastSuccessfulRows?: number;
}
