/**
 * Reads integrations from the synced org: `WalkMe_Integration__c` (docs/data-model.md) into the engine's
 * `IntegrationDefinition`. The field mappings are JSON written by the Lightning wizard; a malformed value
 * fails with a message that names the integration and what is wrong.
 */
import type { Connection } from '@jsforce/jsforce-node';
import {
  DEFAULT_MASS_CHANGE_GUARD,
  type AmbiguityPolicy,
  type BlankCellRule,
  type ColumnType,
  type ConvertedLeadHandling,
  type FieldMapping,
  type IntegrationDefinition,
  type ScheduleType
} from '../domain/integration.js';
import { soqlLiteral } from '../domain/soql-literal.js';

export const INTEGRATION_FIELDS = [
  'Id',
  'Name',
  'Report_Id__c',
  'Report_Name__c',
  'WalkMe_Environment__c',
  'Target_Object__c',
  'Report_Key_Column__c',
  'Object_Key_Field__c',
  'Field_Mappings__c',
  'Schedule_Type__c',
  'Schedule_Hour_UTC__c',
  'Schedule_Interval_Hours__c',
  'Active__c',
  'Ambiguity_Policy__c',
  'Converted_Lead_Handling__c',
  'Allow_Large_Changes_Once__c',
  'Max_Cleared_Percent__c',
  'Min_Report_Rows_Percent__c',
  'Last_Successful_Rows_Read__c'
];

const COLUMN_TYPES: ColumnType[] = ['string', 'email', 'number', 'percent', 'date', 'datetime', 'boolean'];
const AMBIGUITY: AmbiguityPolicy[] = ['update-all', 'skip', 'most-recent'];
const CONVERTED: ConvertedLeadHandling[] = ['skip', 'follow-to-contact'];
const BLANK_RULES: BlankCellRule[] = ['keep', 'clear'];

export class IntegrationDefinitionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'IntegrationDefinitionError';
  }
}

/** Parses `Field_Mappings__c`; `where` names the integration in errors. */
export function parseFieldMappings(json: string | null | undefined, where: string): FieldMapping[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(json ?? '[]');
  } catch (error) {
    throw new IntegrationDefinitionError(
      `${where}: Field_Mappings__c is not valid JSON (${(error as Error).message}).`
    );
  }
  if (!Array.isArray(parsed))
    throw new IntegrationDefinitionError(`${where}: Field_Mappings__c must be a JSON array.`);
  return parsed.map((entry: unknown, index) => {
    const item = entry as Partial<Record<keyof FieldMapping, unknown>> | null;
    if (!item || typeof item.field !== 'string' || item.field === '' || typeof item.column !== 'string') {
      throw new IntegrationDefinitionError(
        `${where}: mapping ${index + 1} needs a "column" and a "field" (got ${JSON.stringify(entry)}).`
      );
    }
    const columnType = (item.columnType ?? 'string') as ColumnType;
    if (!COLUMN_TYPES.includes(columnType)) {
      throw new IntegrationDefinitionError(
        `${where}: mapping ${index + 1} has an unknown columnType "${String(columnType)}".`
      );
    }
    const blank = oneOf(item.blank, BLANK_RULES, 'keep', `mapping ${index + 1}'s "blank"`, where);
    return { column: item.column, columnType, field: item.field, blank };
  });
}

function oneOf<T extends string>(value: unknown, allowed: T[], fallback: T, what: string, where: string): T {
  if (value === null || value === undefined || value === '') return fallback;
  if (!allowed.includes(value as T)) {
    throw new IntegrationDefinitionError(
      `${where}: ${what} "${String(value)}" is not one of ${allowed.join(', ')}.`
    );
  }
  return value as T;
}

/** A percentage field of the integration: blank takes the default; anything else must be 0–100. */
function percent(value: unknown, fallback: number, what: string, where: string): number {
  if (value === null || value === undefined || value === '') return fallback;
  const number = Number(value);
  if (!Number.isFinite(number) || number < 0 || number > 100) {
    throw new IntegrationDefinitionError(
      `${where}: ${what} must be a percentage from 0 to 100 (got ${String(value)}).`
    );
  }
  return number;
}

/** Converts one `WalkMe_Integration__c` record as REST returns it. */
export function toIntegrationDefinition(record: Record<string, unknown>): IntegrationDefinition {
  const name = String(record.Name ?? record.Id);
  const where = `Integration "${name}"`;
  for (const required of [
    'Report_Id__c',
    'Target_Object__c',
    'Report_Key_Column__c',
    'Object_Key_Field__c'
  ]) {
    if (!record[required]) throw new IntegrationDefinitionError(`${where}: ${required} is empty.`);
  }
  return {
    id: String(record.Id),
    name,
    reportId: String(record.Report_Id__c),
    reportName: String(record.Report_Name__c ?? record.Report_Id__c),
    walkMeEnvironment: String(record.WalkMe_Environment__c ?? ''),
    targetObject: String(record.Target_Object__c),
    reportKeyColumn: String(record.Report_Key_Column__c),
    objectKeyField: String(record.Object_Key_Field__c),
    mappings: parseFieldMappings(record.Field_Mappings__c as string | null, where),
    ambiguityPolicy: oneOf(record.Ambiguity_Policy__c, AMBIGUITY, 'update-all', 'Ambiguity_Policy__c', where),
    convertedLeadHandling: oneOf(
      record.Converted_Lead_Handling__c,
      CONVERTED,
      'skip',
      'Converted_Lead_Handling__c',
      where
    ),
    schedule: {
      type: oneOf<ScheduleType>(
        record.Schedule_Type__c,
        ['Daily', 'Every N Hours', 'Manual'],
        'Daily',
        'Schedule_Type__c',
        where
      ),
      hourUtc: Number(record.Schedule_Hour_UTC__c ?? 9),
      intervalHours:
        record.Schedule_Interval_Hours__c == null ? null : Number(record.Schedule_Interval_Hours__c)
    },
    active: record.Active__c !== false,
    guard: {
      maxClearedPercent: percent(
        record.Max_Cleared_Percent__c,
        DEFAULT_MASS_CHANGE_GUARD.maxClearedPercent,
        'Max_Cleared_Percent__c',
        where
      ),
      minReportRowsPercent: percent(
        record.Min_Report_Rows_Percent__c,
        DEFAULT_MASS_CHANGE_GUARD.minReportRowsPercent,
        'Min_Report_Rows_Percent__c',
        where
      ),
      allowOnce: record.Allow_Large_Changes_Once__c === true
    },
    ...(record.Last_Successful_Rows_Read__c == null
      ? {}
      : { lastSuccessfulRows: Number(record.Last_Successful_Rows_Read__c) })
  };
}

const SALESFORCE_ID = /^[a-zA-Z0-9]{15}([a-zA-Z0-9]{3})?$/;

/** Every integration defined in the org. */
export async function listIntegrations(conn: Connection): Promise<IntegrationDefinition[]> {
  const result = await conn.query<Record<string, unknown>>(
    `SELECT ${INTEGRATION_FIELDS.join(', ')} FROM WalkMe_Integration__c ORDER BY Name`
  );
  return result.records.map(toIntegrationDefinition);
}

/** One integration by record id or by name; undefined when none has it. */
export async function findIntegration(
  conn: Connection,
  nameOrId: string
): Promise<IntegrationDefinition | undefined> {
  const condition = SALESFORCE_ID.test(nameOrId)
    ? `Id = ${soqlLiteral(nameOrId)} OR Name = ${soqlLiteral(nameOrId)}`
    : `Name = ${soqlLiteral(nameOrId)}`;
  const result = await conn.query<Record<string, unknown>>(
    `SELECT ${INTEGRATION_FIELDS.join(', ')} FROM WalkMe_Integration__c WHERE ${condition} LIMIT 1`
  );
  const record = result.records[0];
  return record ? toIntegrationDefinition(record) : undefined;
}

/** The `WalkMe_Integration__c` fields for a definition (to create one, e.g. the CLI's sample). */
export function toIntegrationRecord(integration: IntegrationDefinition): Record<string, unknown> {
  return {
    Name: integration.name,
    Report_Id__c: integration.reportId,
    Report_Name__c: integration.reportName,
    WalkMe_Environment__c: integration.walkMeEnvironment,
    Target_Object__c: integration.targetObject,
    Report_Key_Column__c: integration.reportKeyColumn,
    Object_Key_Field__c: integration.objectKeyField,
    Field_Mappings__c: JSON.stringify(integration.mappings),
    Schedule_Type__c: integration.schedule.type,
    Schedule_Hour_UTC__c: integration.schedule.hourUtc,
    Schedule_Interval_Hours__c: integration.schedule.intervalHours,
    Active__c: integration.active,
    Ambiguity_Policy__c: integration.ambiguityPolicy,
    Converted_Lead_Handling__c: integration.convertedLeadHandling,
    Max_Cleared_Percent__c: integration.guard.maxClearedPercent,
    Min_Report_Rows_Percent__c: integration.guard.minReportRowsPercent
  };
}
