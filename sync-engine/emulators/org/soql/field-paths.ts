/**
 * Field paths in SOQL (`Email`, `Owner.Name`, `ConvertedContact.Account.Name`): resolution against the
 * schema with Salesforce's INVALID_FIELD messages, and reading a path's value from stored records.
 */
import { SalesforceApiError } from '../org-context.js';
import type { RecordStore, StoredRecord } from '../record-store.js';
import type { OrgSchema } from '../schema/org-schema.js';
import type { FieldDef, ObjectDef } from '../schema/schema-types.js';
import type { StoredValue } from '../field-values.js';

export interface FieldPath {
  /** Reference fields followed, in order, with the object each one leads to. */
  hops: Array<{ via: FieldDef; to: ObjectDef }>;
  field: FieldDef;
  /** The object that holds `field`. */
  owner: ObjectDef;
}

/** Salesforce's SOQL error layout: the statement, a caret line, the position, then the message. */
export function soqlError(
  errorCode: string,
  soql: string,
  token: string,
  message: string
): SalesforceApiError {
  const at = Math.max(0, soql.indexOf(token));
  const column = at + 1;
  return new SalesforceApiError(
    400,
    errorCode,
    `\n${soql}\n${' '.repeat(at)}^\nERROR at Row:1:Column:${column}\n${message}`
  );
}

export function resolvePath(schema: OrgSchema, root: ObjectDef, path: string, soql: string): FieldPath {
  const parts = path.split('.');
  // A path may start with the object's own name (`Lead.Email`).
  if (parts.length > 1 && parts[0].toLowerCase() === root.name.toLowerCase()) parts.shift();
  const hops: FieldPath['hops'] = [];
  let current = root;
  for (const part of parts.slice(0, -1)) {
    const via = current.relationshipIndex.get(part.toLowerCase());
    const to = via ? schema.find(via.referenceTo[0]) : undefined;
    if (!via || !to) {
      throw soqlError(
        'INVALID_FIELD',
        soql,
        part,
        `Didn't understand relationship '${part}' in field path. If you are attempting to use a custom relationship, be sure to append the '__r' after the custom relationship name. Please reference your WSDL or the describe call for the appropriate names.`
      );
    }
    hops.push({ via, to });
    current = to;
  }
  const last = parts[parts.length - 1];
  const field = current.fieldIndex.get(last.toLowerCase());
  if (!field) {
    throw soqlError(
      'INVALID_FIELD',
      soql,
      last,
      `No such column '${last}' on entity '${current.name}'. If you are attempting to use a custom field, be sure to append the '__c' after the custom field name. Please reference your WSDL or the describe call for the appropriate names.`
    );
  }
  return { hops, field, owner: current };
}

/** The record a path's hops lead to from `record` (undefined when a reference on the way is empty). */
export function followHops(
  store: RecordStore,
  path: FieldPath,
  record: StoredRecord
): StoredRecord | undefined {
  let current: StoredRecord | undefined = record;
  for (const hop of path.hops) {
    const id: StoredValue | undefined = current[hop.via.name];
    current = typeof id === 'string' ? store.table(hop.to.name).get(id) : undefined;
    if (!current) return undefined;
  }
  return current;
}

export function pathGetter(store: RecordStore, path: FieldPath): (record: StoredRecord) => StoredValue {
  const name = path.field.name;
  if (path.hops.length === 0) return (record) => record[name] ?? null;
  return (record) => followHops(store, path, record)?.[name] ?? null;
}
