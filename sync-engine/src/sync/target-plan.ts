/**
 * The integration checked against the org's describe before any row is read: the target object and every
 * mapped field must exist and be updateable (each problem named), and each mapping is tied to its field.
 * Contact is described too when converted Leads are followed to their Contacts.
 */
import { findField, type FieldInfo, type ObjectInfo } from '../domain/object-schema.js';
import type { MatchSpec, TargetOrg } from './target-org.js';
import {
  COMPATIBLE_FIELD_TYPES,
  LAST_SYNCED_FIELD,
  type IntegrationDefinition
} from '../domain/integration.js';
import { RunFailure } from '../domain/errors.js';

export interface ObjectPlan {
  info: ObjectInfo;
  /** The mapped fields on this object, aligned with the integration's mappings (undefined: absent). */
  fields: Array<FieldInfo | undefined>;
  lastSynced?: FieldInfo;
}

export interface TargetPlan {
  keyField: FieldInfo;
  /** By object name: the target object, and Contact when converted Leads are followed. */
  objects: Map<string, ObjectPlan>;
}

export function followsContacts(integration: IntegrationDefinition): boolean {
  return (
    integration.targetObject.toLowerCase() === 'lead' &&
    integration.convertedLeadHandling === 'follow-to-contact'
  );
}

/** The objects a run describes before it reads a row: the target, and Contact when it follows converted Leads. */
export function describedObjects(integration: IntegrationDefinition): string[] {
  return followsContacts(integration) ? [integration.targetObject, 'Contact'] : [integration.targetObject];
}

async function describe(org: TargetOrg, objectName: string): Promise<ObjectInfo> {
  try {
    return await org.describe(objectName);
  } catch (error) {
    const name = (error as Error).name;
    if (name === 'NOT_FOUND' || name === 'INVALID_TYPE') {
      throw new RunFailure(
        'schema',
        `The target object ${objectName} no longer exists in this org (or the connected user cannot see it).`
      );
    }
    throw error;
  }
}

function planFor(integration: IntegrationDefinition, info: ObjectInfo): ObjectPlan {
  const fields = integration.mappings.map((mapping) =>
    mapping.field === LAST_SYNCED_FIELD ? undefined : findField(info, mapping.field)
  );
  const lastSynced = integration.mappings.some((mapping) => mapping.field === LAST_SYNCED_FIELD)
    ? findField(info, LAST_SYNCED_FIELD)
    : undefined;
  return { info, fields, lastSynced };
}

/** Describes the target (and Contact when following converted Leads); names every field that is unusable. */
export async function planTargets(org: TargetOrg, integration: IntegrationDefinition): Promise<TargetPlan> {
  const objectName = integration.targetObject;
  const info = await describe(org, objectName);
  const problems: string[] = [];
  if (!info.updateable) problems.push(`the object ${objectName} is not updateable`);
  const keyField = findField(info, integration.objectKeyField);
  if (!keyField) problems.push(`key field ${objectName}.${integration.objectKeyField} does not exist`);
  const plan = planFor(integration, info);
  integration.mappings.forEach((mapping, index) => {
    const field = mapping.field === LAST_SYNCED_FIELD ? plan.lastSynced : plan.fields[index];
    if (!field) problems.push(`field ${objectName}.${mapping.field} does not exist`);
    else if (!field.updateable) problems.push(`field ${objectName}.${mapping.field} is not updateable`);
    else if (
      mapping.field !== LAST_SYNCED_FIELD &&
      !COMPATIBLE_FIELD_TYPES[mapping.columnType]?.includes(field.type)
    ) {
      problems.push(
        `field ${objectName}.${mapping.field} is of type ${field.type}, which a ${mapping.columnType} column cannot fill`
      );
    }
  });
  if (!keyField || problems.length > 0) {
    throw new RunFailure('schema', `The integration no longer fits the org: ${problems.join('; ')}.`);
  }
  const objects = new Map([[objectName, plan]]);
  if (followsContacts(integration)) {
    objects.set('Contact', planFor(integration, await describe(org, 'Contact')));
  }
  return { keyField, objects };
}

/** What matching reads of `objectName`: its key, the mapped fields, and what conversion and policy need. */
export function matchSpecFor(
  integration: IntegrationDefinition,
  plan: ObjectPlan,
  objectName: string,
  keyField: FieldInfo
): MatchSpec {
  return {
    objectName,
    keyField,
    fieldNames: plan.fields
      .filter((field): field is FieldInfo => field !== undefined)
      .map((field) => field.name),
    withConversion: objectName.toLowerCase() === 'lead',
    withLastModified: integration.ambiguityPolicy === 'most-recent'
  };
}
