/**
 * IntegrationValidator.cls for the bridge: the same checks, in the same order, with the same messages, on
 * what the controller looked up (the connection, the catalog report, the object's describe). Simplified: the
 * bridge acts as the admin, so "fields you can see" are all the object's fields, and the object check is
 * TargetSchemaService.isTarget on its describe.
 */
import type { DescribeSObjectResult, Field } from '@jsforce/jsforce-node';
import { isCompatible, isKeyCandidate, typeName, type TypeCompatibility } from './target-schema.js';

const MAX_NAME_LENGTH = 80;
const SCHEDULE_TYPES = ['Daily', 'Every N Hours', 'Manual'];
const AMBIGUITY_POLICIES = ['update-all', 'skip', 'most-recent'];
const CONVERTED_LEAD_HANDLING = ['skip', 'follow-to-contact'];
const BLANK_CHOICES = ['keep', 'clear'];
const DEFAULT_HOUR_UTC = 9;
export const INTEGRATION_TAG = 'integrations_salesforce';

/** IntegrationController.IntegrationDefinition, as the wizard sends it. */
export interface IntegrationDefinition {
  id?: string | null;
  name?: string | null;
  connectionId?: string | null;
  reportId?: string | null;
  reportKeyColumn?: string | null;
  targetObject?: string | null;
  objectKeyField?: string | null;
  mappings?: Array<{
    column?: string | null;
    columnType?: string | null;
    field?: string | null;
    blank?: string | null;
  } | null> | null;
  scheduleType?: string | null;
  scheduleHourUtc?: number | null;
  scheduleIntervalHours?: number | null;
  active?: boolean | null;
  ambiguityPolicy?: string | null;
  convertedLeadHandling?: string | null;
  allowLargeChangesOnce?: boolean | null;
  maxClearedPercent?: number | null;
  minReportRowsPercent?: number | null;
}

export interface ReportColumn {
  name: string;
  type: string;
}

export interface CatalogReport {
  reportId: string;
  name: string;
  walkMeEnvironment: string | null;
  columns: ReportColumn[];
}

/** What the validator checks the definition against. */
export interface ValidationFacts {
  connectionExists: boolean;
  /** The tagged catalog report of definition.reportId, if any. */
  report: CatalogReport | undefined;
  /** The target object's describe, if it exists. */
  object: DescribeSObjectResult | undefined;
  objectIsTarget: boolean;
  compatibility: TypeCompatibility[];
}

export interface FieldProblem {
  field: string;
  message: string;
}

const blank = (value: string | null | undefined): value is null | undefined | '' => !value || !value.trim();
const lower = (value: string) => value.trim().toLowerCase();

/** Checks everything IntegrationValidator.validate checks; an empty list means the definition can be saved. */
export function validateDefinition(
  definition: IntegrationDefinition,
  facts: ValidationFacts
): FieldProblem[] {
  const problems: FieldProblem[] = [];
  const add = (field: string, message: string) => problems.push({ field, message });

  if (blank(definition.name)) add('name', 'Enter a name for the integration.');
  else if (definition.name.trim().length > MAX_NAME_LENGTH)
    add('name', `Use a name of at most ${MAX_NAME_LENGTH} characters.`);

  if (!definition.connectionId) add('connectionId', 'Choose the connected Salesforce environment.');
  else if (!facts.connectionExists)
    add(
      'connectionId',
      'This connection no longer exists. Connect the sync engine again, then choose the environment.'
    );

  const { report } = facts;
  let columns: Map<string, ReportColumn> | undefined;
  if (blank(definition.reportId)) add('reportId', 'Choose an Insights report.');
  else if (!report)
    add(
      'reportId',
      `This report is not in the catalog or is not tagged ${INTEGRATION_TAG}. Tag it in WalkMe Insights, wait for the engine to refresh the catalog, then choose it again.`
    );
  else {
    columns = new Map(report.columns.filter((c) => !blank(c.name)).map((c) => [lower(c.name), c]));
    if (blank(definition.reportKeyColumn))
      add('reportKeyColumn', 'Choose the report column that identifies each record.');
    else if (!columns.has(lower(definition.reportKeyColumn)))
      add('reportKeyColumn', `${definition.reportKeyColumn} is not a column of ${report.name}.`);
  }

  let fields: Map<string, Field> | undefined;
  let keyField: Field | undefined;
  const { object } = facts;
  if (blank(definition.targetObject)) add('targetObject', 'Choose the Salesforce object to update.');
  else if (!object)
    add(
      'targetObject',
      `The object ${definition.targetObject} does not exist or you cannot see it. Choose another object.`
    );
  else if (!facts.objectIsTarget)
    add(
      'targetObject',
      `Records of ${object.label} cannot be updated by an integration. Choose another object.`
    );
  else {
    fields = new Map(object.fields.map((field) => [field.name.toLowerCase(), field]));
    const candidate = blank(definition.objectKeyField)
      ? undefined
      : fields.get(lower(definition.objectKeyField));
    if (blank(definition.objectKeyField))
      add('objectKeyField', 'Choose the field that identifies each record.');
    else if (!candidate)
      add(
        'objectKeyField',
        `${definition.objectKeyField} is not a field of ${object.label} that you can see.`
      );
    else if (!isKeyCandidate(candidate))
      add(
        'objectKeyField',
        `${candidate.label} cannot identify records. Choose the Id, Email, an external id or a unique field.`
      );
    else keyField = candidate;
  }

  // The key column's values are matched against the key field's: their types must fit like a mapping's.
  const keyColumn =
    columns && !blank(definition.reportKeyColumn)
      ? columns.get(lower(definition.reportKeyColumn))
      : undefined;
  if (keyField && keyColumn && !isCompatible(facts.compatibility, keyColumn.type, typeName(keyField)))
    add(
      'objectKeyField',
      `The ${keyColumn.type} column ${keyColumn.name} cannot identify records by ${keyField.label} (${typeName(keyField)}). Choose an identifier field of a compatible type, or another report column.`
    );

  const mappings = definition.mappings ?? [];
  if (mappings.length === 0) add('mappings', 'Map at least one report column to a field.');
  const mappedRows = new Map<string, number>();
  mappings.forEach((mapping, index) => {
    const prefix = `mappings[${index}].`;
    let column: ReportColumn | undefined;
    if (!mapping || blank(mapping.column)) add(`${prefix}column`, 'Choose a report column.');
    else if (columns) {
      column = columns.get(lower(mapping.column));
      if (!column) add(`${prefix}column`, `${mapping.column} is not a column of ${report!.name}.`);
    }
    let field: Field | undefined;
    if (!mapping || blank(mapping.field)) add(`${prefix}field`, 'Choose a Salesforce field.');
    else if (fields) {
      const key = lower(mapping.field);
      const candidate = fields.get(key);
      if (!candidate)
        add(`${prefix}field`, `${mapping.field} is not a field of ${object!.label} that you can see.`);
      else if (!candidate.updateable)
        add(`${prefix}field`, `${candidate.label} cannot be updated. Choose another field.`);
      else if (keyField && candidate.name === keyField.name)
        add(`${prefix}field`, `${candidate.label} is the identifier field; it cannot also receive a column.`);
      else if (mappedRows.has(key))
        add(`${prefix}field`, `${candidate.label} is already mapped in row ${mappedRows.get(key)}.`);
      else {
        mappedRows.set(key, index + 1);
        field = candidate;
      }
    }
    if (mapping && !blank(mapping.blank) && !BLANK_CHOICES.includes(mapping.blank))
      add(
        `${prefix}blank`,
        `Row ${index + 1} (${mapping.column} → ${mapping.field}): when the report cell is blank, choose keep or clear, not ${mapping.blank}.`
      );
    if (column && field && !isCompatible(facts.compatibility, column.type, typeName(field)))
      add(
        `${prefix}field`,
        `A ${column.type} column cannot go into ${field.label} (${typeName(field)}). Choose a compatible field.`
      );
  });

  const scheduleType = blank(definition.scheduleType) ? 'Daily' : definition.scheduleType;
  const hour = definition.scheduleHourUtc ?? DEFAULT_HOUR_UTC;
  const interval = definition.scheduleIntervalHours;
  if (!SCHEDULE_TYPES.includes(scheduleType)) add('scheduleType', 'Choose Daily, Every N Hours or Manual.');
  else if (scheduleType === 'Daily' && (hour < 0 || hour > 23))
    add('scheduleHourUtc', 'Choose an hour from 0 to 23 (UTC).');
  else if (scheduleType === 'Every N Hours' && (interval == null || interval < 1 || interval > 24))
    add('scheduleIntervalHours', 'Choose an interval from 1 to 24 hours.');

  for (const [field, value, allowed] of [
    ['ambiguityPolicy', definition.ambiguityPolicy, AMBIGUITY_POLICIES],
    ['convertedLeadHandling', definition.convertedLeadHandling, CONVERTED_LEAD_HANDLING]
  ] as const) {
    if (!blank(value) && !allowed.includes(value)) add(field, `Choose one of: ${allowed.join(', ')}.`);
  }
  const outOfRange = (value: number | null | undefined) => value != null && (value < 0 || value > 100);
  if (outOfRange(definition.maxClearedPercent))
    add(
      'maxClearedPercent',
      'Largest share a run may clear: enter 0 to 100 (%), or leave it blank for 20 %.'
    );
  if (outOfRange(definition.minReportRowsPercent))
    add(
      'minReportRowsPercent',
      "Smallest report: enter 0 to 100 (% of the last successful run's rows), or leave it blank for 50 %."
    );
  return problems;
}

/**
 * IntegrationValidator.toRecord: the WalkMe_Integration__c fields to save, with names as the catalog and
 * describe spell them. Call only when validateDefinition found no problem.
 */
export function toIntegrationFields(
  definition: IntegrationDefinition,
  report: CatalogReport,
  object: DescribeSObjectResult
): Record<string, unknown> {
  const column = (name: string) => report.columns.find((c) => lower(c.name) === lower(name))!;
  const field = (name: string) => object.fields.find((f) => f.name.toLowerCase() === lower(name))!;
  const scheduleType = blank(definition.scheduleType) ? 'Daily' : definition.scheduleType;
  return {
    Name: definition.name!.trim(),
    Connection__c: definition.connectionId,
    Report_Id__c: report.reportId,
    Report_Name__c: report.name,
    WalkMe_Environment__c: report.walkMeEnvironment,
    Target_Object__c: object.name,
    Report_Key_Column__c: column(definition.reportKeyColumn!).name,
    Object_Key_Field__c: field(definition.objectKeyField!).name,
    Field_Mappings__c: JSON.stringify(
      (definition.mappings ?? []).map((mapping) => ({
        column: column(mapping!.column!).name,
        columnType: column(mapping!.column!).type,
        field: field(mapping!.field!).name,
        blank: blank(mapping!.blank) ? 'keep' : mapping!.blank
      }))
    ),
    Schedule_Type__c: scheduleType,
    Schedule_Hour_UTC__c: scheduleType === 'Daily' ? (definition.scheduleHourUtc ?? DEFAULT_HOUR_UTC) : null,
    Schedule_Interval_Hours__c: scheduleType === 'Every N Hours' ? definition.scheduleIntervalHours : null,
    Active__c: definition.active !== false,
    Ambiguity_Policy__c: blank(definition.ambiguityPolicy) ? 'update-all' : definition.ambiguityPolicy,
    Converted_Lead_Handling__c: blank(definition.convertedLeadHandling)
      ? 'skip'
      : definition.convertedLeadHandling,
    Allow_Large_Changes_Once__c: definition.allowLargeChangesOnce === true,
    Max_Cleared_Percent__c: definition.maxClearedPercent ?? null,
    Min_Report_Rows_Percent__c: definition.minReportRowsPercent ?? null
  };
}
