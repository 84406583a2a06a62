/**
 * The org's records under Salesforce's write rules — the one implementation behind REST sObject
 * calls, sObject Collections and Bulk API 2.0 (through `OrgData`). Field rules follow
 * reference/salesforce-api.md §2 and §4; faults (lock errors, validation rules) apply here so every
 * protocol gets them.
 */
import { canonicalId, IdFactory } from './ids.js';
import {
  SalesforceApiError,
  type OrgData,
  type OrgEventBus,
  type RecordError,
  type SaveResult,
  type SObjectDescribe
} from './org-context.js';
import { coerceFieldValue, serializeValue, type StoredValue } from './field-values.js';
import type { OrgFaults } from './faults.js';
import { RecordStore, type StoreTransaction, type StoredRecord } from './record-store.js';
import type { OrgSchema } from './schema/org-schema.js';
import type { FieldDef, ObjectDef } from './schema/schema-types.js';
import { compileQuery, type CompiledQuery } from './soql/soql-query.js';

export const API_VERSION = '62.0';

const ROLLED_BACK: RecordError = {
  statusCode: 'ALL_OR_NONE_OPERATION_ROLLED_BACK',
  message: 'Record rolled back because not all records were valid and the request was using AllOrNone header',
  fields: []
};

const PERSON_OBJECTS = new Set(['Lead', 'Contact', 'User']);

type Validated =
  | { ok: true; id: string; values: Record<string, StoredValue> }
  | { ok: false; id: string | null; errors: RecordError[] };

const recordError = (statusCode: string, message: string, fields: string[] = []): RecordError => ({
  statusCode,
  message,
  fields
});

/** The compound address of `prefix` (`Billing`, `Mailing`, `` for User): null when every part is empty. */
function compoundAddress(
  def: ObjectDef,
  record: StoredRecord,
  prefix: string
): Record<string, unknown> | null {
  const part = (name: string) => {
    const f = def.fieldIndex.get(`${prefix}${name}`.toLowerCase());
    return f ? serializeValue(f, record[f.name]) : null;
  };
  const address = {
    city: part('City'),
    country: part('Country'),
    geocodeAccuracy: null,
    latitude: null,
    longitude: null,
    postalCode: part('PostalCode'),
    state: part('State'),
    street: part('Street')
  };
  return Object.values(address).every((v) => v === null) ? null : address;
}

export class OrgRecords implements OrgData {
  readonly store = new RecordStore();
  readonly ids: IdFactory;
  private readonly autoNumbers = new Map<string, number>();
  /** Events published inside an open transaction, delivered when it commits (none when it rolls back). */
  private pendingEvents: Array<[string, Record<string, unknown>]> | null = null;

  constructor(
    readonly schema: OrgSchema,
    private readonly faults: OrgFaults,
    /** Publishes a platform event (the org's event bus). */
    private readonly publish: OrgEventBus['publish'],
    pod: string,
    /** The user recorded as creator/modifier and default owner. */
    public actingUserId = ''
  ) {
    this.ids = new IdFactory(pod);
  }

  private object(name: string): ObjectDef {
    const def = this.schema.find(name);
    if (!def) throw new SalesforceApiError(400, 'INVALID_TYPE', `sObject type '${name}' is not supported.`);
    return def;
  }

  /**
   * Opens a transaction over every table: writes made until `commit()` or `rollback()` can be undone
   * together, as a composite request with `allOrNone` needs. Platform events published meanwhile wait
   * for the commit — the package's WalkMe_Run_Request__e is Publish After Commit; events declared
   * Publish Immediately would go out at once in Salesforce, which the emulator does not model.
   */
  transaction(): StoreTransaction {
    const store = this.store.begin();
    const events: Array<[string, Record<string, unknown>]> = [];
    this.pendingEvents = events;
    const close = () => {
      if (this.pendingEvents === events) this.pendingEvents = null;
    };
    return {
      commit: () => {
        store.commit();
        close();
        for (const [name, payload] of events) this.publish(name, payload);
      },
      rollback: () => {
        store.rollback();
        close();
      }
    };
  }

  describe(objectName: string): SObjectDescribe {
    return this.schema.describe(objectName, API_VERSION);
  }

  compile(soql: string, includeDeleted = false, version = API_VERSION): CompiledQuery {
    return compileQuery(soql, { schema: this.schema, store: this.store, version, includeDeleted });
  }

  query(soql: string): Array<Record<string, unknown>> {
    const compiled = this.compile(soql);
    return compiled.run().map((r) => compiled.project(r));
  }

  /** A record serialised as `GET …/sobjects/{type}/{id}` answers it (all fields, or `fields`). */
  serialize(
    def: ObjectDef,
    record: StoredRecord,
    fields?: FieldDef[],
    version = API_VERSION
  ): Record<string, unknown> {
    const out: Record<string, unknown> = {
      attributes: { type: def.name, url: `/services/data/v${version}/sobjects/${def.name}/${record.Id}` }
    };
    for (const f of fields ?? def.fields) {
      out[f.name] = serializeValue(f, record[f.name]);
      // A whole record also carries each compound address after its last component, as sObject Rows
      // answers it (`BillingAddress`, read by `@{NewAccountInfo.BillingAddress.city}` in the REST guide's
      // "Execute Dependent Requests in a Single API Call"); the object's keys are Salesforce's Address type
      // [unverified: keys and order taken from the Address compound type, not from that page].
      const prefix = !fields && f.name.endsWith('Country') ? f.name.slice(0, -'Country'.length) : null;
      if (prefix !== null && def.fieldIndex.has(`${prefix}city`.toLowerCase())) {
        out[`${prefix}Address`] = compoundAddress(def, record, prefix);
      }
    }
    return out;
  }

  /** The live record of that object and id (any id form), deleted ones included, or undefined. */
  find(objectName: string, id: string): StoredRecord | undefined {
    const def = this.schema.find(objectName);
    const canonical = canonicalId(id);
    return def && canonical ? this.store.table(def.name).get(canonical) : undefined;
  }

  /** Rejects field names the object does not have: the whole request fails, as Salesforce does. */
  private checkFieldNames(def: ObjectDef, records: Array<Record<string, unknown>>): void {
    for (const record of records) {
      for (const key of Object.keys(record)) {
        if (key === 'attributes' || key === 'id' || key === 'Id') continue;
        if (!def.fieldIndex.has(key.toLowerCase())) {
          throw new SalesforceApiError(
            400,
            'INVALID_FIELD',
            `No such column '${key}' on sobject of type ${def.name}`,
            [key]
          );
        }
      }
    }
  }

  /** Coerces the fields of one record; collects per-field errors. */
  private coerceFields(
    def: ObjectDef,
    input: Record<string, unknown>,
    mode: 'insert' | 'update' | 'load'
  ): { values: Record<string, StoredValue>; errors: RecordError[] } {
    const values: Record<string, StoredValue> = {};
    const errors: RecordError[] = [];
    const readOnly: string[] = [];
    for (const [key, raw] of Object.entries(input)) {
      if (key === 'attributes' || (mode !== 'load' && (key === 'id' || key === 'Id'))) continue;
      const f = def.fieldIndex.get(key.toLowerCase());
      if (!f) continue;
      if (mode !== 'load' && !(mode === 'insert' ? f.createable : f.updateable)) {
        readOnly.push(f.name);
        continue;
      }
      const coerced = coerceFieldValue(f, raw);
      if (!coerced.ok) {
        errors.push(coerced.error);
        continue;
      }
      if (mode !== 'load' && coerced.value === null && !f.nillable && f.type !== 'boolean') {
        errors.push(
          recordError('REQUIRED_FIELD_MISSING', `Required fields are missing: [${f.name}]`, [f.name])
        );
        continue;
      }
      if (f.type === 'reference' && coerced.value !== null && mode !== 'load') {
        const error = this.checkReference(f, coerced.value as string);
        if (error) {
          errors.push(error);
          continue;
        }
      }
      values[f.name] = coerced.value;
    }
    if (readOnly.length > 0) {
      errors.unshift(
        recordError(
          'INVALID_FIELD_FOR_INSERT_UPDATE',
          `Unable to create/update fields: ${readOnly.join(', ')}. Please check the security settings of this field and verify that it is read/write for your profile or permission set.`,
          readOnly
        )
      );
    }
    return { values, errors };
  }

  private checkReference(f: FieldDef, id: string): RecordError | null {
    const target = this.schema.byPrefix(id.slice(0, 3));
    if (!target || !f.referenceTo.includes(target.name)) {
      return recordError('FIELD_INTEGRITY_EXCEPTION', `${f.label}: id value of incorrect type: ${id}`, [
        f.name
      ]);
    }
    const record = this.store.table(target.name).get(id);
    if (!record || record.IsDeleted === true) {
      return recordError('INVALID_CROSS_REFERENCE_KEY', `invalid cross reference id`, [f.name]);
    }
    return null;
  }

  private checkUnique(
    def: ObjectDef,
    id: string | null,
    values: Record<string, StoredValue>
  ): RecordError | null {
    for (const f of def.fields) {
      const value = values[f.name];
      if (!f.unique || typeof value !== 'string') continue;
      const table = this.store.table(def.name);
      for (const other of table.lookup(f.name, [value])) {
        const record = table.get(other)!;
        if (other === id || record.IsDeleted === true) continue;
        if (f.caseSensitive && record[f.name] !== value) continue;
        return recordError(
          'DUPLICATE_VALUE',
          `duplicate value found: ${f.name} duplicates value on record with id: ${other}`,
          [f.name]
        );
      }
    }
    return null;
  }

  private checkRules(def: ObjectDef, merged: StoredRecord): RecordError[] {
    const rules = this.faults.validationRules.filter(
      (r) => r.object.toLowerCase() === def.name.toLowerCase()
    );
    if (rules.length === 0) return [];
    const view = this.serialize(def, merged);
    return rules
      .filter((rule) => rule.predicate(view))
      .map((rule) =>
        recordError(
          rule.statusCode ?? 'FIELD_CUSTOM_VALIDATION_EXCEPTION',
          rule.message,
          rule.field ? [rule.field] : []
        )
      );
  }

  private derive(def: ObjectDef, record: StoredRecord): void {
    if (PERSON_OBJECTS.has(def.name)) {
      record.Name =
        [record.FirstName, record.LastName].filter((p) => typeof p === 'string' && p).join(' ') || null;
    }
  }

  update(objectName: string, records: Array<Record<string, unknown>>, allOrNone: boolean): SaveResult[] {
    const def = this.object(objectName);
    if (!def.updateable) {
      throw new SalesforceApiError(
        400,
        'INVALID_TYPE_FOR_OPERATION',
        `entity type ${def.name} does not support update`
      );
    }
    this.checkFieldNames(def, records);
    const table = this.store.table(def.name);
    const validated = records.map((input): Validated => {
      const rawId = input.Id ?? input.id;
      if (rawId === undefined || rawId === null || rawId === '') {
        return {
          ok: false,
          id: null,
          errors: [recordError('MISSING_ARGUMENT', 'Id not specified in an update call')]
        };
      }
      const id = canonicalId(rawId);
      if (!id || id.slice(0, 3) !== def.keyPrefix) {
        return {
          ok: false,
          id: null,
          errors: [
            recordError('MALFORMED_ID', `${def.label} ID: id value of incorrect type: ${String(rawId)}`, [
              'Id'
            ])
          ]
        };
      }
      const existing = table.get(id);
      if (!existing)
        return {
          ok: false,
          id,
          errors: [recordError('INVALID_CROSS_REFERENCE_KEY', 'invalid cross reference id')]
        };
      if (existing.IsDeleted === true)
        return { ok: false, id, errors: [recordError('ENTITY_IS_DELETED', 'entity is deleted')] };
      if (this.faults.shouldLock(id)) {
        return {
          ok: false,
          id,
          errors: [
            recordError(
              'UNABLE_TO_LOCK_ROW',
              `unable to obtain exclusive access to this record or 1 records: ${id}`
            )
          ]
        };
      }
      if (def.name === 'Lead' && existing.IsConverted === true) {
        return {
          ok: false,
          id,
          errors: [recordError('CANNOT_UPDATE_CONVERTED_LEAD', 'cannot reference converted lead')]
        };
      }
      const { values, errors } = this.coerceFields(def, input, 'update');
      const duplicate = errors.length === 0 ? this.checkUnique(def, id, values) : null;
      if (duplicate) errors.push(duplicate);
      if (errors.length > 0) return { ok: false, id, errors };
      const merged = { ...existing, ...values } as StoredRecord;
      this.derive(def, merged);
      const ruleErrors = this.checkRules(def, merged);
      return ruleErrors.length > 0 ? { ok: false, id, errors: ruleErrors } : { ok: true, id, values };
    });
    return this.commit(validated, allOrNone, (v) => {
      const now = Date.now();
      const changes: Record<string, StoredValue> = {
        ...v.values,
        LastModifiedDate: now,
        LastModifiedById: this.actingUserId,
        SystemModstamp: now
      };
      const merged = { ...table.get(v.id)!, ...changes } as StoredRecord;
      this.derive(def, merged);
      if (PERSON_OBJECTS.has(def.name)) changes.Name = merged.Name;
      table.update(v.id, changes);
    });
  }

  insert(objectName: string, records: Array<Record<string, unknown>>, allOrNone: boolean): SaveResult[] {
    const def = this.object(objectName);
    if (!def.createable) {
      throw new SalesforceApiError(
        400,
        'INVALID_TYPE_FOR_OPERATION',
        `entity type ${def.name} does not support insert`
      );
    }
    this.checkFieldNames(def, records);
    const validated = records.map((input): Validated => {
      if ((input.Id ?? input.id) !== undefined) {
        return {
          ok: false,
          id: null,
          errors: [
            recordError('INVALID_FIELD_FOR_INSERT_UPDATE', 'cannot specify Id in an insert call', ['Id'])
          ]
        };
      }
      const { values, errors } = this.coerceFields(def, input, 'insert');
      const record = this.newRecord(def, values);
      const missing = def.fields
        .filter(
          (f) => f.required && !f.autoNumber && (record[f.name] === null || record[f.name] === undefined)
        )
        .map((f) => f.name);
      if (missing.length > 0) {
        errors.push(
          recordError(
            'REQUIRED_FIELD_MISSING',
            `Required fields are missing: [${missing.join(', ')}]`,
            missing
          )
        );
      }
      const duplicate = errors.length === 0 && !def.isEvent ? this.checkUnique(def, null, values) : null;
      if (duplicate) errors.push(duplicate);
      if (errors.length > 0) return { ok: false, id: null, errors };
      const ruleErrors = this.checkRules(def, record);
      return ruleErrors.length > 0
        ? { ok: false, id: null, errors: ruleErrors }
        : { ok: true, id: record.Id, values: record };
    });
    return this.commit(validated, allOrNone, (v) => {
      if (def.isEvent) {
        const payload: Record<string, unknown> = {};
        for (const f of def.fields) {
          if (f.custom || f.name === 'CreatedDate' || f.name === 'CreatedById')
            payload[f.name] = serializeValue(f, v.values[f.name]);
        }
        if (this.pendingEvents) this.pendingEvents.push([def.name, payload]);
        else this.publish(def.name, payload);
        return;
      }
      if (def.fieldIndex.get('name')?.autoNumber) v.values.Name = this.nextAutoNumber(def);
      this.store.table(def.name).insert(v.values as StoredRecord);
    });
  }

  /** Validates everything first, then writes only if allowed: allOrNone rolls every record back. */
  private commit(
    validated: Validated[],
    allOrNone: boolean,
    write: (v: Extract<Validated, { ok: true }>) => void
  ): SaveResult[] {
    const anyFailed = validated.some((v) => !v.ok);
    return validated.map((v) => {
      if (!v.ok) return { id: v.id, success: false, errors: v.errors };
      if (allOrNone && anyFailed) return { id: null, success: false, errors: [ROLLED_BACK] };
      write(v);
      return { id: v.id, success: true, errors: [] };
    });
  }

  /** A new record with system fields and defaults applied to `values`. */
  private newRecord(def: ObjectDef, values: Record<string, StoredValue>, id?: string): StoredRecord {
    const now = Date.now();
    const record: Record<string, StoredValue> = {};
    for (const f of def.fields) {
      if (f.defaultValue !== null && f.defaultValue !== undefined) record[f.name] = f.defaultValue;
    }
    Object.assign(record, values);
    record.Id = id ?? this.ids.next(def.keyPrefix);
    if (!def.isEvent) record.IsDeleted = false;
    record.CreatedDate ??= now;
    record.CreatedById ??= this.actingUserId;
    if (!def.isEvent) {
      record.LastModifiedDate ??= record.CreatedDate;
      record.LastModifiedById ??= this.actingUserId;
      record.SystemModstamp ??= record.LastModifiedDate;
      if (def.fieldIndex.has('ownerid')) record.OwnerId ??= this.actingUserId;
      if (def.custom && !def.fieldIndex.get('name')?.autoNumber) record.Name ??= record.Id;
    }
    this.derive(def, record as StoredRecord);
    return record as StoredRecord;
  }

  private nextAutoNumber(def: ObjectDef): string {
    const format = def.fieldIndex.get('name')?.displayFormat ?? '{0}';
    const n = (this.autoNumbers.get(def.name) ?? 0) + 1;
    this.autoNumbers.set(def.name, n);
    return format.replace(/\{(0+)\}/, (_, zeros: string) => String(n).padStart(zeros.length, '0'));
  }

  /** Records put back from a snapshot: the auto-numbers they hold are passed, as `load` passes them. */
  restored(objectName: string, rows: StoredRecord[]): void {
    const def = this.object(objectName);
    if (!def.fieldIndex.get('name')?.autoNumber) return;
    for (const row of rows) if (row.Name) this.passAutoNumber(def, String(row.Name));
  }

  /**
   * A loaded record keeps its auto-number (a restored org, a migration): the next one the org gives follows
   * the highest loaded, as Salesforce's own counter does, so no two records share a Name.
   */
  private passAutoNumber(def: ObjectDef, name: string): void {
    const format = def.fieldIndex.get('name')?.displayFormat ?? '{0}';
    const [before, after] = format.split(/\{0+\}/).map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
    const n = new RegExp(`^${before}(\\d+)${after ?? ''}$`).exec(name)?.[1];
    if (n !== undefined && Number(n) > (this.autoNumbers.get(def.name) ?? 0))
      this.autoNumbers.set(def.name, Number(n));
  }

  /** Marks a record deleted (`DELETE …/sobjects/{type}/{id}`). */
  delete(objectName: string, rawId: string): void {
    const def = this.object(objectName);
    const id = canonicalId(rawId);
    const record = id ? this.store.table(def.name).get(id) : undefined;
    if (!record) throw new SalesforceApiError(404, 'NOT_FOUND', 'The requested resource does not exist');
    if (record.IsDeleted === true)
      throw new SalesforceApiError(404, 'ENTITY_IS_DELETED', 'entity is deleted');
    const now = Date.now();
    this.store
      .table(def.name)
      .update(record.Id, { IsDeleted: true, LastModifiedDate: now, SystemModstamp: now });
  }

  /**
   * Loads records as a data migration would (seed files, generators, persistence): types are checked
   * but read-only fields (IsConverted, audit fields, Id) may be set and no faults apply. Throws on the
   * first invalid value.
   */
  load(objectName: string, rows: Array<Record<string, unknown>>): StoredRecord[] {
    const def = this.object(objectName);
    const table = this.store.table(def.name);
    return rows.map((row) => {
      const { values, errors } = this.coerceFields(def, row, 'load');
      if (errors.length > 0)
        throw new Error(`${def.name} seed row: ${errors[0].statusCode}: ${errors[0].message}`);
      const id = typeof values.Id === 'string' ? values.Id : undefined;
      delete values.Id;
      const record = this.newRecord(def, values, id);
      if (def.fieldIndex.get('name')?.autoNumber) {
        if (record.Name) this.passAutoNumber(def, String(record.Name));
        else record.Name = this.nextAutoNumber(def);
      }
      table.insert(record);
      return record;
    });
  }
}
