/**
 * TargetSchemaService.cls for the bridge: which objects an integration may target, the field facts the wizard
 * needs, and the compatibility table, from the org's REST describe and the package's custom metadata records.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { DescribeGlobalSObjectResult, Field } from '@jsforce/jsforce-node';
import { XMLParser } from 'fast-xml-parser';

const CUSTOM_METADATA_DIR = fileURLToPath(
  new URL('../../force-app/main/default/customMetadata', import.meta.url)
);
const COMPATIBILITY_RECORD_PREFIX = 'WalkMe_Type_Compatibility.';

// As TargetSchemaService.EXCLUDED_SUFFIXES: big objects, external objects, platform events, custom metadata.
const EXCLUDED_SUFFIXES = ['__b', '__x', '__e', '__mdt'];
// Apex finds share, history, feed, owner sharing rule and change event objects by getAssociateEntityType();
// describeGlobal's REST entry lists no such property (SOAP API Developer Guide, "DescribeGlobalSObjectResult"),
// so the bridge knows them by the names Salesforce gives them (AccountShare, Lead__History, …) [unverified:
// that no other object's name ends so].
const ASSOCIATED_OBJECT_SUFFIX = /(Share|History|Feed|OwnerSharingRule|ChangeEvent)$/;
const OWN_OBJECT_PREFIX = 'walkme_';

/** TargetSchemaService.isTarget on a describeGlobal entry. */
export function isTarget(object: DescribeGlobalSObjectResult): boolean {
  const name = object.name.toLowerCase();
  return (
    object.queryable &&
    object.updateable &&
    !object.customSetting &&
    !ASSOCIATED_OBJECT_SUFFIX.test(object.name) &&
    !(object.custom && name.startsWith(OWN_OBJECT_PREFIX)) &&
    !EXCLUDED_SUFFIXES.some((suffix) => name.endsWith(suffix))
  );
}

/**
 * TargetSchemaService.typeName: Apex's DisplayType name, lowercased. REST describe names the types the same
 * way except `int`, which Apex calls INTEGER (Apex Reference, "DisplayType Enum").
 */
export function typeName(field: Field): string {
  return field.type === 'int' ? 'integer' : field.type.toLowerCase();
}

/** TargetSchemaService.isKeyCandidate. */
export function isKeyCandidate(field: Field): boolean {
  return (
    field.filterable &&
    (field.type === 'id' || field.idLookup || field.unique || field.externalId || field.type === 'email')
  );
}

export interface TypeCompatibility {
  columnType: string;
  fieldTypes: string[];
}

function recordValue(values: Array<{ field: string; value: unknown }>, field: string, file: string): string {
  const entry = values.find((candidate) => candidate.field === field);
  const value = entry?.value;
  const text =
    typeof value === 'object' && value !== null ? (value as { '#text'?: unknown })['#text'] : value;
  if (typeof text !== 'string' || !text.trim()) throw new Error(`${file}: no ${field} value.`);
  return text.trim().toLowerCase();
}

/**
 * TargetSchemaService.compatibleFieldTypes + IntegrationController.getTypeCompatibility: the package's
 * WalkMe_Type_Compatibility__mdt records (read from force-app, since custom metadata is not data the emulated
 * org holds), by column type, each with its field types sorted.
 */
export function typeCompatibility(dir = CUSTOM_METADATA_DIR): TypeCompatibility[] {
  const parser = new XMLParser({ ignoreAttributes: true, isArray: (name) => name === 'values' });
  const table = new Map<string, Set<string>>();
  for (const file of readdirSync(dir).filter((name) => name.startsWith(COMPATIBILITY_RECORD_PREFIX))) {
    const values = parser.parse(readFileSync(join(dir, file), 'utf8')).CustomMetadata?.values ?? [];
    const columnType = recordValue(values, 'Column_Type__c', file);
    if (!table.has(columnType)) table.set(columnType, new Set());
    table.get(columnType)!.add(recordValue(values, 'Field_Type__c', file));
  }
  if (table.size === 0) throw new Error(`${dir}: no ${COMPATIBILITY_RECORD_PREFIX}* records.`);
  return [...table.keys()].sort().map((columnType) => ({
    columnType,
    fieldTypes: [...table.get(columnType)!].sort()
  }));
}

/** TargetSchemaService.isCompatible. */
export function isCompatible(table: TypeCompatibility[], columnType: string, fieldType: string): boolean {
  return Boolean(
    table.find((entry) => entry.columnType === columnType?.toLowerCase())?.fieldTypes.includes(fieldType)
  );
}
