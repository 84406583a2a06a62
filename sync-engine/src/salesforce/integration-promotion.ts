/**
 * Sandbox → Production promotion: integration definitions leave one org as JSON and enter another, checked
 * against the target org's schema. An integration whose object or key field is missing is not imported; a
 * mapping whose field is missing or not editable is dropped; both are reported.
 */
import type { Connection } from '@jsforce/jsforce-node';
import {
  findIntegration,
  listIntegrations,
  parseFieldMappings,
  toIntegrationRecord
} from './integration-reader.js';
import {
  DEFAULT_MASS_CHANGE_GUARD,
  LAST_SYNCED_FIELD,
  type IntegrationDefinition
} from '../domain/integration.js';

export interface IntegrationExport {
  exportedFrom: { orgId: string; orgName: string; environment: string };
  exportedAt: string;
  integrations: IntegrationDefinition[];
}

export interface ImportReport {
  created: string[];
  updated: string[];
  skipped: Array<{ name: string; reason: string }>;
  droppedMappings: Array<{ name: string; field: string; reason: string }>;
}

/**
 * The definitions, without what belongs to the org they run in: the record id, the last successful run's
 * row count and a pending "allow large changes once".
 */
export async function exportIntegrations(conn: Connection): Promise<IntegrationDefinition[]> {
  return (await listIntegrations(conn)).map(({ id: _id, lastSuccessfulRows: _rows, ...definition }) => {
    void _id;
    void _rows;
    return { ...definition, guard: { ...definition.guard, allowOnce: false } };
  });
}

/**
 * An exported definition read back, with the defaults for what an older export lacks (a mapping's blank
 * rule, the mass-change guard); a malformed mapping fails naming the integration.
 */
function importedDefinition(entry: IntegrationDefinition): IntegrationDefinition {
  const { id: _id, lastSuccessfulRows: _rows, ...definition } = entry;
  void _id;
  void _rows;
  return {
    ...definition,
    mappings: parseFieldMappings(JSON.stringify(entry.mappings ?? []), `Integration "${entry.name}"`),
    guard: { ...DEFAULT_MASS_CHANGE_GUARD, ...entry.guard, allowOnce: false }
  };
}

export async function importIntegrations(
  conn: Connection,
  integrations: IntegrationDefinition[],
  connectionRecordId: string | null
): Promise<ImportReport> {
  const report: ImportReport = { created: [], updated: [], skipped: [], droppedMappings: [] };
  const objects = new Map((await conn.describeGlobal()).sobjects.map((o) => [o.name.toLowerCase(), o]));
  for (const integration of integrations.map(importedDefinition)) {
    const object = objects.get(integration.targetObject.toLowerCase());
    if (!object || !object.updateable || !object.queryable) {
      report.skipped.push({
        name: integration.name,
        reason: `object ${integration.targetObject} ${object ? 'is not editable by the connected user' : 'does not exist in this org'}`
      });
      continue;
    }
    const fields = new Map(
      (await conn.sobject(object.name).describe()).fields.map((f) => [f.name.toLowerCase(), f])
    );
    const key = fields.get(integration.objectKeyField.toLowerCase());
    if (!key || !key.filterable) {
      report.skipped.push({
        name: integration.name,
        reason: `key field ${object.name}.${integration.objectKeyField} ${key ? 'cannot be filtered on' : 'does not exist'}`
      });
      continue;
    }
    const mappings = integration.mappings.filter((m) => {
      const field = fields.get(m.field.toLowerCase());
      const reason = !field ? 'field does not exist' : !field.updateable ? 'field is not editable' : '';
      if (reason)
        report.droppedMappings.push({ name: integration.name, field: `${object.name}.${m.field}`, reason });
      return !reason;
    });
    if (!mappings.some((m) => m.field !== LAST_SYNCED_FIELD)) {
      report.skipped.push({ name: integration.name, reason: 'none of its mapped fields exists in this org' });
      continue;
    }
    const record = {
      ...toIntegrationRecord({ ...integration, mappings }),
      ...(connectionRecordId ? { Connection__c: connectionRecordId } : {})
    };
    const existing = await findIntegration(conn, integration.name);
    const result = (
      existing
        ? await conn.sobject('WalkMe_Integration__c').update({ Id: existing.id!, ...record })
        : await conn.sobject('WalkMe_Integration__c').create(record)
    ) as { success: boolean; errors?: Array<{ statusCode?: string; message?: string }> };
    if (!result.success) {
      const e = result.errors?.[0];
      report.skipped.push({
        name: integration.name,
        reason: `${e?.statusCode ?? ''} ${e?.message ?? ''}`.trim()
      });
    } else (existing ? report.updated : report.created).push(integration.name);
  }
  return report;
}
